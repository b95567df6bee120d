"""`etcdctl snapshot save` against Cairn, then the real tools on the file: `etcdctl snapshot
status` (bbolt + etcd's bucket hash), `etcdctl snapshot restore` (checks the sha256 trailer), and
the real etcd started on the restored data dir must serve the same keys and revisions.

usage: snapshot_test.py <path to cairn binary>
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_lib  # noqa: E402


def main():
    f = e2e_lib.Failures()
    work = tempfile.mkdtemp(prefix="snapshot_test_")
    snap = os.path.join(work, "s.db")
    s = e2e_lib.Server(e2e_lib.cairn_binary()).start()
    try:
        for i in range(50):
            s.ctl("put", "key%02d" % i, "value%d" % i)
        s.ctl("del", "key07")
        s.ctl("compact", "20")
        _, want_json, _ = s.ctl("get", "--prefix", "key", "-w", "json")
        s.ctl("snapshot", "save", snap)
    finally:
        s.stop()
    want = e2e_lib.load_json(want_json)

    env = {"ETCDCTL_API": "3", "PATH": "/usr/bin:/bin"}
    p = subprocess.run([e2e_lib.ETCDCTL, "snapshot", "status", snap, "-w", "json"], capture_output=True,
                       text=True, env=env, timeout=30)
    f.expect_eq("snapshot status exit", p.returncode, 0)
    if p.returncode == 0:
        status = e2e_lib.load_json(p.stdout)
        f.expect_eq("snapshot status revision", status["revision"], want["header"]["revision"])
    restored = os.path.join(work, "restored.etcd")
    p = subprocess.run([e2e_lib.ETCDCTL, "snapshot", "restore", snap, "--data-dir", restored], capture_output=True,
                       text=True, env=env, timeout=30)
    f.expect("snapshot restore (sha256 verified)", p.returncode == 0, p.stderr[-2000:])

    if p.returncode == 0 and os.access(e2e_lib.REAL_ETCD, os.X_OK):
        etcd = e2e_lib.Server(e2e_lib.REAL_ETCD, data_dir=None)
        os.rename(restored, os.path.join(etcd.dir, "data"))
        etcd.start()
        try:
            _, got_json, _ = etcd.ctl("get", "--prefix", "key", "-w", "json")
            rc, _, e = etcd.ctl("get", "key01", "--rev", "10", check=False)
            f.expect("compaction is in the snapshot", rc != 0 and "compacted" in e, e)
        finally:
            etcd.stop()
        got = e2e_lib.load_json(got_json)
        f.expect_eq("real etcd serves the snapshot's keys", got["kvs"], want["kvs"])
        f.expect_eq("real etcd serves the snapshot's revision", got["header"]["revision"], want["header"]["revision"])
    f.finish()


if __name__ == "__main__":
    main()

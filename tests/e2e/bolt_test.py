"""The bolt backend (member/snap/db) under the real server, checked with external tools:

* kill -9 leaves a db that real bbolt's Tx.Check accepts (`bbolt_oracle check`), and the restart
  re-applies exactly the WAL entries above the db's consistent index (the start-up log line
  "replayed WAL entries above the backend's consistent index" with consistent-index/replayed-entries);
* a graceful stop commits everything: the next start replays nothing;
* `etcdctl endpoint status` dbSize is the bolt file's size (tx.Size(), never above the file) and
  `etcdctl defrag` shrinks file and dbSize after delete + compaction;
* a db restored by the real `etcdctl snapshot restore` (its etcd WAL removed) starts Cairn;
* a db whose meta pages are garbage is refused: non-zero exit, the message names the file, never
  "ready to serve client requests".

usage: bolt_test.py <cairn binary> <bbolt_oracle binary>
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_lib  # noqa: E402

def status(server):
    _, o, _ = server.ctl("endpoint", "status", "-w", "json")
    return e2e_lib.load_json(o)[0]["Status"]


def main():
    f = e2e_lib.Failures()
    binary = e2e_lib.cairn_binary()
    oracle = os.path.abspath(sys.argv[2])
    # A batch interval of an hour: the db commits only when forced (snapshot, defrag, stop), so the
    # WAL tail after the forced commit is known exactly.
    s = e2e_lib.Server(binary, extra_flags=["--backend-batch-interval", "1h"]).start()
    db = os.path.join(s.dir, "data", "member", "snap", "db")
    try:
        first = e2e_lib.replay_lines(s)
        # A new cluster's db starts at consistent index 1: its membership (one member).
        f.expect_eq("fresh start replays nothing",
                    [(r.get("consistent-index"), r.get("replayed-entries")) for r in first], [(1, 0)])
        for i in range(40):
            s.ctl("put", "a%03d" % i, "v%d" % i)
        committed = status(s).get("raftAppliedIndex")
        s.ctl("snapshot", "save", os.path.join(s.dir, "snap.db"))  # forces a backend commit
        tail = 7
        for i in range(tail):
            s.ctl("put", "b%d" % i, "w%d" % i)
        _, before, _ = s.ctl("get", "--prefix", "", "-w", "json")
        s.kill9()

        rc, out = e2e_lib.bbolt_check(oracle, db)
        f.expect_eq("bbolt check after kill -9", rc, 0)
        if rc != 0:
            print(out)

        s.start()
        lines = e2e_lib.replay_lines(s)
        got = (lines[-1].get("consistent-index"), lines[-1].get("replayed-entries")) if lines else None
        print("after kill -9: consistent-index, replayed-entries =", got)
        f.expect_eq("restart after kill -9 replays only the tail", got, (committed, tail))
        _, after, _ = s.ctl("get", "--prefix", "", "-w", "json")
        b, a = e2e_lib.load_json(before), e2e_lib.load_json(after)
        f.expect_eq("keys after kill -9", a.get("kvs"), b.get("kvs"))
        f.expect_eq("revision after kill -9", a["header"]["revision"], b["header"]["revision"])

        # Graceful stop commits everything.
        f.expect_eq("SIGTERM exit code", s.stop(), 0)
        rc, out = e2e_lib.bbolt_check(oracle, db)
        f.expect_eq("bbolt check after graceful stop", rc, 0)
        s.start()
        lines = e2e_lib.replay_lines(s)
        f.expect_eq("graceful restart replays nothing", lines[-1].get("replayed-entries") if lines else None, 0)

        # DB SIZE is the file's; defrag shrinks it after delete + compaction.
        big = "x" * 20000
        for i in range(60):
            s.ctl("put", "big%03d" % i, big)
        s.ctl("del", "--prefix", "big")
        _, o, _ = s.ctl("get", "a000", "-w", "json")
        s.ctl("compact", str(e2e_lib.load_json(o)["header"]["revision"]), "--physical")
        s.ctl("snapshot", "save", os.path.join(s.dir, "snap2.db"))  # commit, so sizes are current
        st = status(s)
        size_before, file_before = st["dbSize"], os.path.getsize(db)
        f.expect("dbSize is a page multiple within the file", 0 < size_before <= file_before and size_before % 4096 == 0,
                 (size_before, file_before))
        f.expect("dbSize grew with the big values", size_before > 60 * 20000, size_before)
        s.ctl("defrag")
        st = status(s)
        size_after, file_after = st["dbSize"], os.path.getsize(db)
        print("defrag: dbSize %d -> %d, file %d -> %d bytes" % (size_before, size_after, file_before, file_after))
        f.expect("defrag shrinks dbSize", size_after < size_before // 4, (size_before, size_after))
        f.expect("defrag shrinks the file", file_after < file_before // 4, (file_before, file_after))
        f.expect("dbSize within the file after defrag", 0 < size_after <= file_after, (size_after, file_after))
        f.expect("dbSizeInUse <= dbSize", 0 < st["dbSizeInUse"] <= size_after, st)
        _, o, _ = s.ctl("get", "--prefix", "a", "--keys-only", "-w", "json")
        f.expect_eq("keys survive defrag", e2e_lib.load_json(o)["count"], 40)
        _, m = s.http_get("/metrics", port=s.metrics_port)
        f.expect("metric etcd_mvcc_db_total_size_in_bytes is dbSize",
                 "etcd_mvcc_db_total_size_in_bytes %d" % size_after in m or
                 "etcd_mvcc_db_total_size_in_bytes %s" % format(float(size_after), "g") in m,
                 [l for l in m.splitlines() if l.startswith("etcd_mvcc_db_total_size_in_bytes")])
        f.expect_eq("SIGTERM exit code (2)", s.stop(), 0)
        rc, out = e2e_lib.bbolt_check(oracle, db)
        f.expect_eq("bbolt check after defrag", rc, 0)

        # The remedy works: a db restored by the real `etcdctl snapshot restore` (its etcd-format WAL
        # removed) starts Cairn with every key; the WAL then begins after the db's consistent index.
        restored = e2e_lib.Server(binary)
        env = {"ETCDCTL_API": "3", "PATH": "/usr/bin:/bin"}
        p = subprocess.run([e2e_lib.ETCDCTL, "snapshot", "restore", os.path.join(s.dir, "snap.db"),
                            "--data-dir", os.path.join(restored.dir, "data")],
                           capture_output=True, text=True, env=env, timeout=60)
        f.expect_eq("etcdctl snapshot restore", p.returncode, 0)
        subprocess.run(["rm", "-rf", os.path.join(restored.dir, "data", "member", "wal")], check=True, timeout=30)
        try:
            restored.start()
            _, o, _ = restored.ctl("get", "--prefix", "a", "--keys-only", "-w", "json")
            f.expect_eq("keys of the restored snapshot", e2e_lib.load_json(o).get("count"), 40)
            restored.ctl("put", "after-restore", "x")
        finally:
            restored.stop()

        # Garbage over both meta pages: refused, naming the file.
        with open(db, "r+b") as fh:
            fh.write(b"\xab" * 8192)
        args = [binary, "--data-dir", os.path.join(s.dir, "data"), "--listen-client-urls", s.endpoint,
                "--advertise-client-urls", s.endpoint]
        p = subprocess.run(args, capture_output=True, text=True, timeout=30, cwd=s.dir)
        f.expect("corrupt db: non-zero exit", p.returncode != 0, p.returncode)
        f.expect("corrupt db: the message names the file", "member/snap/db" in p.stderr, p.stderr[-1500:])
        f.expect("corrupt db: the message names the remedy", "snapshot restore" in p.stderr, p.stderr[-1500:])
        f.expect("corrupt db: never ready", "ready to serve client requests" not in p.stderr, p.stderr[-1500:])
    finally:
        s.stop()
    f.finish()


if __name__ == "__main__":
    main()

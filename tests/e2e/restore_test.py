"""`cairn snapshot restore` and `cairn snapshot status` against the real tools:

1. a snapshot saved (real etcdctl) from Cairn, restored by Cairn, served by Cairn: every key, value,
   create/mod revision, version, lease and the store revision as before; a compacted revision
   stays compacted; the restored db passes real bbolt's Tx.Check;
2. the same from a snapshot saved from Debian's real etcd 3.4;
3. `cairn snapshot status` prints exactly what `etcdctl snapshot status` prints (simple, json,
   table, fields) for both files;
4. a corrupted snapshot (one flipped byte) is refused with etcdctl's message and creates nothing;
   so are an existing data dir and a raw db without --skip-hash-check;
5. a raw db copied from a stopped member's data dir restores with --skip-hash-check.

usage: restore_test.py <cairn binary> <bbolt_oracle binary>
"""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_lib  # noqa: E402

CTL_ENV = {"ETCDCTL_API": "3", "PATH": "/usr/bin:/bin"}


def cairn_cli(*args):
    p = subprocess.run([os.path.abspath(sys.argv[1])] + list(args), capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def etcdctl_offline(*args):
    p = subprocess.run([e2e_lib.ETCDCTL] + list(args), capture_output=True, text=True, env=CTL_ENV, timeout=60)
    return p.returncode, p.stdout, p.stderr


def error_line(stderr):
    """The `Error: ...` line etcdctl (and cairn) print on failure."""
    lines = [l for l in stderr.splitlines() if l.startswith("Error:")]
    return lines[0] if lines else stderr[-500:]


def workload(s):
    """Writes with leases, overwrites, deletes and a compaction; returns the state to compare."""
    _, out, _ = s.ctl("lease", "grant", "600")
    lease = out.split()[1]
    for i in range(40):
        if i % 5 == 0:
            s.ctl("put", "key%02d" % i, "leased%d" % i, "--lease=" + lease)
        else:
            s.ctl("put", "key%02d" % i, "value%d" % i)
    for i in range(0, 40, 3):
        s.ctl("put", "key%02d" % i, "again%d" % i)
    s.ctl("del", "key07")
    s.ctl("del", "key1", "--prefix")
    s.ctl("put", "other", "x" * 3000)
    s.ctl("compact", "30")
    s.ctl("put", "last", "y")
    return state(s)


def state(s):
    _, out, _ = s.ctl("get", "", "--prefix", "-w", "json")
    j = e2e_lib.load_json(out)
    return {"kvs": j.get("kvs", []), "revision": j["header"]["revision"]}


def etcd_member_id(peer_urls, token):
    """etcd's membership.NewMember ID: sha1(sorted peer URLs + token), first 8 bytes big-endian."""
    return int.from_bytes(hashlib.sha1(("".join(sorted(peer_urls)) + token).encode()).digest()[:8], "big")


def etcd_cluster_id(ids):
    b = b"".join(i.to_bytes(8, "big") for i in sorted(ids))
    return int.from_bytes(hashlib.sha1(b).digest()[:8], "big")


def compare_served(f, what, server, want):
    got = state(server)
    f.expect_eq(what + ": keys, values, revisions, leases", got["kvs"], want["kvs"])
    f.expect_eq(what + ": store revision", got["revision"], want["revision"])
    rc, _, err = server.ctl("get", "key01", "--rev", "10", check=False)
    f.expect(what + ": compacted revision stays compacted", rc != 0 and "compacted" in err, err)
    _, out, _ = server.ctl("put", "after", "z", "-w", "json")
    f.expect_eq(what + ": next write's revision", e2e_lib.load_json(out)["header"]["revision"],
                want["revision"] + 1)


def restore_and_serve(f, what, snap, want, oracle, extra=()):
    """Restores snap with cairn into a new server dir, checks the db, starts Cairn on it."""
    cairn = e2e_lib.Server(e2e_lib.cairn_binary())
    peer = "http://127.0.0.1:%d" % cairn.peer_port
    data = os.path.join(cairn.dir, "data")
    cluster = ["--name", "restored", "--initial-cluster", "restored=" + peer,
               "--initial-advertise-peer-urls", peer, "--initial-cluster-token", "restore-token"]
    rc, out, err = cairn_cli("snapshot", "restore", snap, "--data-dir", data, *(cluster + list(extra)))
    f.expect_eq(what + ": restore exit", rc, 0)
    if rc != 0:
        f.expect(what + ": restore", False, err)
        return
    f.expect_eq(what + ": restore stdout", out, "")
    msgs = [e2e_lib.load_json(l)["msg"] for l in err.splitlines() if l.startswith("{")]
    f.expect_eq(what + ": restore log lines", msgs, ["restoring snapshot", "added member", "restored snapshot"])
    f.expect_eq(what + ": empty WAL dir", os.listdir(os.path.join(data, "member", "wal")), [])
    rc, detail = e2e_lib.bbolt_check(oracle, os.path.join(data, "member", "snap", "db"))
    f.expect(what + ": real bbolt Tx.Check on the restored db", rc == 0, detail)
    cairn.extra = cluster
    try:
        cairn.start()
    except RuntimeError as e:
        f.expect(what + ": Cairn starts on the restored dir", False, str(e)[-3000:])
        return
    try:
        compare_served(f, what, cairn, want)
        _, out, _ = cairn.ctl("member", "list", "-w", "json")
        members = e2e_lib.load_json(out)
        mid = etcd_member_id([peer], "restore-token")
        f.expect_eq(what + ": member list", [(m.get("ID"), m.get("name"), m.get("peerURLs")) for m in members["members"]],
                    [(mid, "restored", [peer])])
        f.expect_eq(what + ": cluster ID", members["header"]["cluster_id"], etcd_cluster_id([mid]))
    finally:
        cairn.stop()


def compare_status(f, what, snap):
    for fmt in ("simple", "json", "table", "fields"):
        want = etcdctl_offline("snapshot", "status", snap, "-w", fmt)
        got = cairn_cli("snapshot", "status", snap, "-w", fmt)
        f.expect_eq("%s: snapshot status -w %s (exit, stdout)" % (what, fmt), got[:2], want[:2])
    want = etcdctl_offline("snapshot", "status", snap, "-w", "yaml")
    got = cairn_cli("snapshot", "status", snap, "-w", "yaml")
    f.expect_eq(what + ": unsupported format", (got[0], error_line(got[2])), (want[0], error_line(want[2])))


def main():
    oracle = os.path.abspath(sys.argv[2])
    f = e2e_lib.Failures()
    work = tempfile.mkdtemp(prefix="restore_test_")

    # 1. Cairn -> snapshot -> cairn restore -> Cairn.
    src = e2e_lib.Server(e2e_lib.cairn_binary()).start()
    cairn_snap = os.path.join(work, "cairn.snap")
    try:
        want_cairn = workload(src)
        src.ctl("snapshot", "save", cairn_snap)
    finally:
        src.stop()
    restore_and_serve(f, "from Cairn", cairn_snap, want_cairn, oracle)

    # 2. Real etcd 3.4 -> snapshot -> cairn restore -> Cairn.
    etcd_snap = os.path.join(work, "etcd.snap")
    etcd = e2e_lib.Server(e2e_lib.REAL_ETCD).start()
    try:
        want_etcd = workload(etcd)
        etcd.ctl("snapshot", "save", etcd_snap)
    finally:
        etcd.stop()
    restore_and_serve(f, "from etcd 3.4", etcd_snap, want_etcd, oracle)

    # 3. status, byte for byte.
    compare_status(f, "Cairn's snapshot", cairn_snap)
    compare_status(f, "etcd's snapshot", etcd_snap)

    # 4. Refusals, with etcdctl's messages, leaving nothing behind.
    corrupt = os.path.join(work, "corrupt.snap")
    with open(etcd_snap, "rb") as fh:
        data = bytearray(fh.read())
    data[len(data) // 2] ^= 0x01
    with open(corrupt, "wb") as fh:
        fh.write(bytes(data))
    raw = os.path.join(work, "raw.db")
    shutil.copyfile(os.path.join(src.dir, "data", "member", "snap", "db"), raw)
    compare_status(f, "raw db from a data dir", raw)
    existing = os.path.join(work, "existing")
    os.mkdir(existing)
    for what, snap, target in (("corrupted snapshot", corrupt, "out"), ("raw db without --skip-hash-check", raw, "out"),
                               ("existing data dir", etcd_snap, "existing")):
        before = sorted(os.listdir(work))
        got = cairn_cli("snapshot", "restore", snap, "--data-dir", os.path.join(work, target))
        after = sorted(os.listdir(work))
        want = etcdctl_offline("snapshot", "restore", snap, "--data-dir", os.path.join(work, "etcd-" + target)
                               if target == "out" else os.path.join(work, target))
        shutil.rmtree(os.path.join(work, "etcd-out"), ignore_errors=True)  # etcd 3.4 leaves it behind
        f.expect_eq(what + ": exit code", got[0], want[0])
        f.expect_eq(what + ": error line", error_line(got[2]), error_line(want[2]))
        f.expect_eq(what + ": nothing created", after, before)
    f.expect("corrupted snapshot: message names sha256", "expected sha256 [" in error_line(
        cairn_cli("snapshot", "restore", corrupt, "--data-dir", os.path.join(work, "x"))[2]))

    # 5. A raw db from a stopped member's data dir, with --skip-hash-check.
    restore_and_serve(f, "raw db with --skip-hash-check", raw, want_cairn, oracle, extra=["--skip-hash-check"])
    f.finish()


if __name__ == "__main__":
    main()

"""Backup and restore of whole clusters (issue 5), with the real tools on both sides:

1. `etcdctl snapshot save` from a live 3-member Cairn cluster under writes, `cairn snapshot
   restore` into a new 3-member Cairn cluster: same keys, values, create/mod revisions, versions and
   store revision; the new cluster takes writes; hashkv equal on its members.
2. The same from a snapshot saved from a real 3-member etcd 3.4 (Debian's etcd-server): migration
   from etcd to Cairn.
3. The reverse: the Cairn snapshot restored by Debian's real `etcdctl snapshot restore` starts a
   real 3-member etcd with the same keys and revisions.

usage: cluster_restore_test.py <path to //:cairn>
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cluster_lib as cl  # noqa: E402
import e2e_lib  # noqa: E402

F = e2e_lib.Failures()


def write_history(c, prefix):
    """Puts, overwrites, deletes and a lease: revisions that a restore must keep."""
    for i in range(30):
        c.ctl("put", "%s/k%02d" % (prefix, i), "v%d" % i)
    for i in range(0, 30, 3):
        c.ctl("put", "%s/k%02d" % (prefix, i), "again%d" % i)
    for i in range(0, 30, 5):
        c.ctl("del", "%s/k%02d" % (prefix, i))
    _, out, _ = c.ctl("lease", "grant", "600")
    lease = out.split()[1]
    c.ctl("put", "%s/leased" % prefix, "x", "--lease=" + lease)


def dump(c, members=None):
    """(store revision, [(key, value, create, mod, version)]) via a linearizable get."""
    _, out, _ = c.ctl("get", "--prefix", "", "-w", "json", members=members)
    d = json.loads(out)
    kvs = [(cl.unb64(kv["key"]), cl.unb64(kv.get("value", "")), kv.get("create_revision"),
            kv.get("mod_revision"), kv.get("version")) for kv in d.get("kvs", [])]
    return d["header"]["revision"], kvs


def save_snapshot(c, path):
    # The member may be a follower still applying the last acknowledged write: a linearizable read
    # through it first makes it apply everything committed, so the snapshot holds the whole
    # history (`snapshot save` on etcd has the same property).
    c.ctl("get", "--prefix", "", "--keys-only", members=[c.members[0]])
    c.ctl("snapshot", "save", path, members=[c.members[0]])


def restore_into(dst, snap, restore_cmd):
    """Runs `restore_cmd` (cairn snapshot restore or etcdctl snapshot restore) for every member of
    the not-yet-started cluster `dst`, into the data dir its _launch uses."""
    ic = dst.initial_cluster()
    for m in dst.members:
        cmd = restore_cmd + [snap, "--name", m.name, "--initial-cluster", ic, "--initial-cluster-token", dst.token,
                             "--initial-advertise-peer-urls", m.peer_url, "--data-dir", os.path.join(m.dir, "data")]
        p = subprocess.run(cmd, capture_output=True, text=True, env=cl.CTL_ENV, timeout=60)
        F.expect_eq("%s restore for %s" % (os.path.basename(restore_cmd[0]), m.name), p.returncode, 0)
        if p.returncode != 0:
            print(p.stdout, p.stderr)


def check_same(what, src_dump, dst):
    F.expect(what + ": the source had the history", len(src_dump[1]) == 25, len(src_dump[1]))
    rev, kvs = dump(dst)
    F.expect_eq(what + ": keys, values, revisions", kvs, src_dump[1])
    F.expect_eq(what + ": store revision", rev, src_dump[0])
    for m in dst.members:
        _, one = dump(dst, members=[m])
        F.expect_eq(what + ": same on " + m.name, one, src_dump[1])
    dst.ctl("put", "after-restore", "1")
    rev2, _ = dump(dst)
    F.expect_eq(what + ": the next write gets the next revision", rev2, src_dump[0] + 1)


def main():
    cairn = cl.server_binary("cairn", sys.argv[1])
    real_etcd = cl.server_binary("etcd")
    restore_cairn = [os.path.abspath(sys.argv[1]), "snapshot", "restore"]
    restore_etcd = [cl.ETCDCTL, "snapshot", "restore"]
    tmp = tempfile.mkdtemp(prefix="restore3_")

    # 1. Cairn -> Cairn.
    with cl.Cluster(cairn, n=3) as src:
        src.start()
        write_history(src, "cairn")
        cairn_snap = os.path.join(tmp, "cairn.db")
        save_snapshot(src, cairn_snap)
        cairn_dump = dump(src)
    with cl.Cluster(cairn, n=3) as dst:
        restore_into(dst, cairn_snap, restore_cairn)
        dst.start()
        check_same("Cairn snapshot into Cairn", cairn_dump, dst)
        rev, hashes = dst.wait_converged(timeout_s=30)
        F.expect_eq("hashkv equal on the restored Cairn cluster (rev %d)" % rev, len(set(hashes.values())), 1)

    # 2. etcd 3.4 -> Cairn.
    with cl.Cluster(real_etcd, n=3) as src:
        src.start()
        write_history(src, "etcd")
        etcd_snap = os.path.join(tmp, "etcd.db")
        save_snapshot(src, etcd_snap)
        etcd_dump = dump(src)
    with cl.Cluster(cairn, n=3) as dst:
        restore_into(dst, etcd_snap, restore_cairn)
        dst.start()
        check_same("etcd 3.4 snapshot into Cairn", etcd_dump, dst)

    # 3. Cairn -> etcd 3.4, restored by the real etcdctl.
    with cl.Cluster(real_etcd, n=3) as dst:
        restore_into(dst, cairn_snap, restore_etcd)
        dst.start()
        check_same("Cairn snapshot into etcd 3.4", cairn_dump, dst)
    F.finish()


if __name__ == "__main__":
    main()

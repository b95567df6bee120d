"""Cairn's etcdctl and etcdutl faces on a 3-member Cairn cluster (issue 13):

1. `member list -w table` and `endpoint status --cluster` equal to Debian's etcdctl on the same
   cluster (IDs need no masking: same members).
2. watch and lease keep-alive keep working across a leader change (the leader they were
   connected to is killed). Failover: with one of the three endpoints down (listed first), put/get/txn through all three
   endpoints still work; a single-endpoint command to the dead one fails with etcdctl's
   `context deadline exceeded` (exit 1).
3. The restore runbook: `etcdctl snapshot save` (Cairn's) -> `etcdutl snapshot restore` (Cairn's)
   on each member of a new cluster with its own --name/--initial-advertise-peer-urls and the same
   --initial-cluster-token -> the new cluster serves the same keys and revisions.
   `etcdctl snapshot status` keeps working with 3.5's deprecation line; `etcdutl snapshot status
   -w table` equals `cairn snapshot status -w table`.
5. `etcdutl snapshot restore --bump-revision N --mark-compacted` starts Cairn and a real etcd at the
   bumped revision with older revisions compacted.
4. `etcdutl defrag --data-dir` refuses the data dir of a running member and defragments a stopped
   one, which then starts with its keys.

usage: ctl_cluster_test.py <path to //:cairn>
"""
import json
import os
import re
import threading
import time
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cluster_lib as cl  # noqa: E402
import e2e_lib  # noqa: E402

F = e2e_lib.Failures()


def link(name):
    d = tempfile.mkdtemp(prefix="cairn_face_")
    path = os.path.join(d, name)
    os.symlink(os.path.abspath(sys.argv[1]), path)
    return path


def run(cmd, stdin="", timeout_s=60):
    p = subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=cl.CTL_ENV, timeout=timeout_s)
    return p.returncode, p.stdout, p.stderr


def ctl(binary, endpoints, *args, stdin=""):
    return run([binary, "--endpoints=" + endpoints, "--dial-timeout=3s", "--command-timeout=10s"] + list(args),
               stdin)


class Tail:
    """A long-running command whose stdout lines are collected by a thread."""

    def __init__(self, cmd):
        self.lines = []
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                     env=cl.CTL_ENV)
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pred, timeout_s=20):
        deadline = time.time() + timeout_s
        while time.time() < deadline:
            if pred(list(self.lines)):
                return True
            time.sleep(0.05)
        return False

    def stop(self):
        self.proc.kill()
        self.proc.wait(timeout=10)
        self.thread.join(timeout=10)


def main():
    cairn_ctl, cairn_utl = link("etcdctl"), link("etcdutl")
    cairn = cl.server_binary("cairn", sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="ctl_cluster_")
    with cl.Cluster(cairn, n=3) as c:
        c.start()
        eps = c.endpoints()
        # 1. Same cluster, both etcdctls.
        # The header names the member that answered: any of the three, for either client.
        answered = lambda r: (r[0], re.sub(r'"member_id":\d+', '"member_id":N', r[1]), r[2])  # noqa: E731
        for args in (["member", "list", "-w", "table"], ["member", "list"], ["member", "list", "-w", "json"]):
            F.expect_eq("cairn etcdctl %s" % " ".join(args), answered(ctl(cairn_ctl, eps, *args)),
                        answered(ctl(cl.ETCDCTL, eps, *args)))
        for i in range(20):
            ctl(cairn_ctl, eps, "put", "k%02d" % i, "v%d" % i)
        rc, out, err = ctl(cairn_ctl, eps, "endpoint", "hashkv", "--cluster")
        F.expect_eq("endpoint hashkv --cluster lists the three members", (rc, len(out.splitlines())), (0, 3))

        # 2a. watch and lease keep-alive across a leader change: both connected to the leader
        # first; the leader is killed; the watch resumes on another member without losing or
        # repeating events, the keep-alive keeps the lease (TTL 4 s) alive.
        leader = c.wait_leader()
        order = [leader] + [m for m in c.members if m is not leader]
        lead_eps = ",".join(m.client_url for m in order)
        _, out, _ = ctl(cairn_ctl, eps, "lease", "grant", "4")
        lease = out.split()[1]
        watch = Tail([cairn_ctl, "--endpoints=" + lead_eps, "watch", "--prefix", "w/"])
        keep = Tail([cairn_ctl, "--endpoints=" + lead_eps, "lease", "keep-alive", lease])
        ctl(cl.ETCDCTL, eps, "put", "w/1", "a")
        F.expect("watch sees the first put", watch.wait_for(lambda ls: "w/1" in ls), watch.lines)
        c.kill9(leader)
        rest = [m for m in c.members if m is not leader]
        c.wait_leader(exclude=leader, members=rest)
        rest_eps = ",".join(m.client_url for m in rest)
        for i in range(2, 6):
            ctl(cl.ETCDCTL, rest_eps, "put", "w/%d" % i, "v%d" % i)
        F.expect("watch resumes after the leader change",
                 watch.wait_for(lambda ls: "w/5" in ls, timeout_s=30), watch.lines)
        time.sleep(6)  # longer than the lease's TTL
        _, out, _ = ctl(cl.ETCDCTL, rest_eps, "lease", "timetolive", lease)
        F.expect("keep-alive kept the lease across the leader change", "remaining(" in out, out + str(keep.lines))
        watch.stop()
        keep.stop()
        F.expect_eq("watch: every event exactly once, in order",
                    [l for l in watch.lines if l.startswith("w/")], ["w/%d" % i for i in range(1, 6)])
        c.restart(leader)

        # 2. Failover: the first endpoint is down.
        dead = c.members[0]
        c.kill9(dead)
        c.wait_leader(exclude=None, members=c.members[1:])
        all_eps = ",".join(m.client_url for m in c.members)
        rc, out, err = ctl(cairn_ctl, all_eps, "put", "failover", "ok")
        F.expect_eq("put with one of three endpoints down", (rc, out), (0, "OK\n"))
        rc, out, err = ctl(cairn_ctl, all_eps, "get", "failover", "--print-value-only")
        F.expect_eq("get with one of three endpoints down", (rc, out), (0, "ok\n"))
        rc, out, err = ctl(cairn_ctl, all_eps, "txn", stdin='value("failover") = "ok"\n\nput failover2 yes\n\n\n')
        F.expect_eq("txn with one of three endpoints down", (rc, out), (0, "SUCCESS\n\nOK\n"))
        rc, out, err = run([cairn_ctl, "--endpoints=" + dead.client_url, "--command-timeout=1s", "get", "x"])
        F.expect_eq("the dead endpoint alone", (rc, err.strip().splitlines()[-1:]), (1, ["Error: context deadline exceeded"]))
        c.restart(dead)

        # 3. snapshot save -> etcdutl snapshot restore -> 3 members.
        src = c.members[1]
        ctl(cairn_ctl, src.client_url, "get", "", "--prefix", "--keys-only")  # the member applied everything
        snap = os.path.join(tmp, "snap.db")
        rc, out, err = ctl(cairn_ctl, src.client_url, "snapshot", "save", snap)
        F.expect_eq("etcdctl snapshot save", (rc, out), (0, "Snapshot saved at %s\n" % snap))
        _, before, _ = ctl(cairn_ctl, eps, "get", "", "--prefix", "-w", "json")
        rc, out, err = run([cairn_ctl, "snapshot", "status", snap, "-w", "table"])
        F.expect("etcdctl snapshot status: 3.5's deprecation line",
                 rc == 0 and err.startswith("Deprecated: Use `etcdutl snapshot status` instead.\n\n"), err)
        rc2, out2, _ = run([cairn_utl, "snapshot", "status", snap, "-w", "table"])
        rc3, out3, _ = run([os.path.abspath(sys.argv[1]), "snapshot", "status", snap, "-w", "table"])
        F.expect_eq("etcdutl snapshot status = etcdctl snapshot status = cairn snapshot status",
                    (rc2, out2, rc3, out3), (0, out, 0, out))
        F.expect_eq("etcdutl version", run([cairn_utl, "version"]), (0, "etcdutl version: 3.5.17\nAPI version: 3.5\n", ""))

        # 4. etcdutl defrag: refused while the member runs, done when it is stopped.
        data = os.path.join(src.dir, "data")
        rc, out, err = run([cairn_utl, "defrag", "--data-dir", data])
        F.expect("etcdutl defrag refuses a running member's data dir", rc == 1 and "locked" in err, err)
        c.stop(src)
        rc, out, err = run([cairn_utl, "defrag", "--data-dir", data])
        F.expect_eq("etcdutl defrag of a stopped member", (rc, out, err), (0, "", ""))
        c.restart(src)
        rc, out, _ = ctl(cairn_ctl, src.client_url, "get", "k07", "--consistency=s", "--print-value-only")
        F.expect_eq("the defragmented member serves its keys", (rc, out), (0, "v7\n"))

    kvs = lambda o: json.loads(o).get("kvs")  # noqa: E731
    with cl.Cluster(cairn, n=3) as dst:
        ic = dst.initial_cluster()
        for m in dst.members:
            rc, out, err = run([cairn_utl, "snapshot", "restore", snap, "--name", m.name, "--initial-cluster", ic,
                                "--initial-cluster-token", dst.token, "--initial-advertise-peer-urls", m.peer_url,
                                "--data-dir", os.path.join(m.dir, "data")])
            F.expect_eq("etcdutl snapshot restore for " + m.name, rc, 0)
            if rc != 0:
                print(err)
        dst.start()
        _, after, _ = ctl(cairn_ctl, dst.endpoints(), "get", "", "--prefix", "-w", "json")
        F.expect_eq("restored cluster: same keys, values and revisions", kvs(after), kvs(before))
        F.expect("restored cluster has the history", len(kvs(before) or []) == 27, before[:200])
        rc, out, _ = ctl(cairn_ctl, dst.endpoints(), "member", "list")
        F.expect_eq("restored cluster has three started members", (rc, out.count(", started, ")), (0, 3))
    # 5. etcdutl snapshot restore --bump-revision --mark-compacted: Cairn and a real etcd start from
    # the restored dir at the bumped revision with the old revisions compacted and the keys kept.
    src_rev = json.loads(before)["header"]["revision"]
    for impl, binary in (("cairn", cairn), ("etcd", e2e_lib.REAL_ETCD)):
        d = tempfile.mkdtemp(prefix="bump_")
        rc, _, err = run([cairn_utl, "snapshot", "restore", snap, "--data-dir", os.path.join(d, "data"),
                          "--bump-revision", "1000", "--mark-compacted"])
        F.expect_eq("etcdutl restore --bump-revision for " + impl, rc, 0)
        srv = e2e_lib.Server(binary, data_dir=d).start()
        try:
            _, out, _ = ctl(cairn_ctl, srv.endpoint, "get", "", "--prefix", "-w", "json")
            F.expect_eq(impl + ": bumped revision", json.loads(out)["header"]["revision"], src_rev + 1000)
            F.expect_eq(impl + ": keys kept after the bump", kvs(out), kvs(before))
            rc, _, err = ctl(cairn_ctl, srv.endpoint, "get", "k01", "--rev=%d" % src_rev)
            F.expect_eq(impl + ": old revisions compacted", (rc, err.strip().splitlines()[-1:]),
                        (1, ["Error: etcdserver: mvcc: required revision has been compacted"]))
        finally:
            srv.stop()
    rc, _, err = run([cairn_utl, "snapshot", "restore", snap, "--data-dir", os.path.join(tmp, "x"),
                      "--bump-revision", "5"])
    F.expect_eq("--bump-revision without --mark-compacted", (rc, err),
                (128, "Error: --mark-compacted required if --revision-bump > 0\n"))
    F.finish()


if __name__ == "__main__":
    main()

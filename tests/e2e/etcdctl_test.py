"""The real etcdctl (Debian etcd-client, ETCDCTL_API=3) against Cairn, compared with the same
commands against the real etcd (Debian etcd-server) where it is installed: the outputs must be
equal after normalizing what legitimately differs (ports, lease IDs, remaining TTLs). A few
absolute expectations make the test fail even without a real etcd.

usage: etcdctl_test.py <path to cairn binary>
"""
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_lib  # noqa: E402


def error_lines(stderr):
    return [l for l in stderr.splitlines() if l.startswith("Error:")]


def scenario(s):
    """Runs every step; returns [(step name, normalized output)]."""
    out = []

    def norm(text):
        text = text.replace(s.endpoint, "ENDPOINT")
        text = text.replace(str(s.client_port), "PORT")
        return text

    def step(name, *args, stdin=None):
        rc, o, e = s.ctl(*args, stdin=stdin, check=False)
        out.append((name, "rc=%d\n%s%s" % (rc, norm(o), "\n".join(error_lines(e)))))
        return o

    step("put", "put", "foo", "bar")
    step("get", "get", "foo")
    step("get json", "get", "foo", "-w", "json")
    step("put foo2", "put", "foo2", "bar2")
    step("put zoo", "put", "zoo", "z")
    step("put foo prev-kv", "put", "foo", "baz", "--prev-kv")
    step("get prefix", "get", "--prefix", "foo")
    step("get from-key", "get", "--from-key", "foo2")
    step("get limit", "get", "--prefix", "", "--limit", "1", "-w", "json")
    step("get sort", "get", "--prefix", "", "--sort-by=MODIFY", "--order=DESCEND")
    step("get keys-only", "get", "--prefix", "", "--keys-only")
    step("get count-only", "get", "--prefix", "", "--count-only", "-w", "json")
    step("get rev", "get", "foo", "--rev", "2")
    step("get table", "get", "foo", "-w", "table")
    step("get missing", "get", "nothing")
    step("put ignore-value missing", "put", "nokey", "--ignore-value")
    step("txn", "txn", stdin='value("foo") = "baz"\n\nput foo qux\nget zoo\n\nput foo nope\n\n')
    step("txn failure branch", "txn", stdin='value("foo") = "baz"\n\nput foo qux2\n\nget foo\n\n')
    step("txn duplicate", "txn", stdin="\nput a 1\nput a 2\n\n\n")
    step("txn too many ops", "txn", stdin="\n" + "".join("put k%d v\n" % i for i in range(129)) + "\n\n")
    step("put too large", "put", "big", stdin="x" * (1700 * 1024))
    step("del prefix prev-kv", "del", "--prefix", "foo", "--prev-kv")
    step("del missing", "del", "nothing")
    step("compact", "compact", "4")
    step("get compacted", "get", "foo", "--rev", "3")
    step("compact again", "compact", "4")
    step("compact physical", "compact", "5", "--physical")
    step("get future", "get", "foo", "--rev", "1000")
    step("member list", "member", "list")
    step("member list json", "member", "list", "-w", "json")
    step("hashkv", "endpoint", "hashkv", "-w", "json")
    step("alarm list", "alarm", "list")

    # watch: history replay from revision 2, bounded by a timeout.
    env = {"ETCDCTL_API": "3", "PATH": "/usr/bin:/bin"}
    p = subprocess.run(["timeout", "3", e2e_lib.ETCDCTL, "--endpoints=" + s.endpoint, "watch", "--prefix", "",
                        "--rev", "2", "--prev-kv"], capture_output=True, text=True, env=env, timeout=20)
    out.append(("watch history", p.stdout))
    # watch: live events.
    w = subprocess.Popen([e2e_lib.ETCDCTL, "--endpoints=" + s.endpoint, "watch", "--prefix", "w"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        time.sleep(1.0)
        s.ctl("put", "w1", "x")
        s.ctl("put", "w2", "y")
        s.ctl("del", "w1")
        time.sleep(1.0)
    finally:
        w.kill()
    live, _ = w.communicate(timeout=10)
    out.append(("watch live", live))
    # watch -i: watches requested interactively on stdin, one with --prev-kv.
    w = subprocess.Popen([e2e_lib.ETCDCTL, "--endpoints=" + s.endpoint, "watch", "-i"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        w.stdin.write("watch i1 --prev-kv\nwatch --prefix i2\n")
        w.stdin.flush()
        time.sleep(1.0)
        s.ctl("put", "i1", "a")
        s.ctl("put", "i1", "b")
        s.ctl("put", "i2x", "c")
        time.sleep(1.0)
    finally:
        w.kill()
    interactive, _ = w.communicate(timeout=10)
    out.append(("watch interactive", interactive))
    # A watch on a compacted revision is canceled with the compaction revision.
    p = subprocess.run(["timeout", "3", e2e_lib.ETCDCTL, "--endpoints=" + s.endpoint, "watch", "foo", "--rev", "2"],
                       capture_output=True, text=True, env=env, timeout=20)
    out.append(("watch compacted", p.stdout + "\n".join(l for l in p.stderr.splitlines() if "compact" in l)))
    return out


def lease_scenario(s):
    """Lease commands; outputs with the lease ID replaced by LEASE (IDs are random in both)."""
    out = []
    _, o, _ = s.ctl("lease", "grant", "100")
    m = re.match(r"lease ([0-9a-f]+) ", o)
    lid = m.group(1) if m else "none"

    def step(name, *args):
        rc, o, e = s.ctl(*args, check=False)
        text = "rc=%d\n%s%s" % (rc, o, "\n".join(error_lines(e)))
        out.append((name, text.replace(lid, "LEASE").replace(str(int(lid, 16)) if m else "none", "LEASE_DEC")))

    out.append(("grant", o.replace(lid, "LEASE")))
    step("put with lease", "put", "--lease=" + lid, "lk", "lv")
    step("get with lease", "get", "lk", "-w", "json")
    step("list", "lease", "list")
    step("keep-alive once", "lease", "keep-alive", "--once", lid)
    step("revoke", "lease", "revoke", lid)
    step("get after revoke", "get", "lk")
    step("revoke again", "lease", "revoke", lid)
    step("timetolive after revoke", "lease", "timetolive", lid)
    step("put with missing lease", "put", "--lease=" + lid, "lk", "lv")
    return out


def lease_checks(s, f):
    _, o, _ = s.ctl("lease", "grant", "100")
    m = re.match(r"lease ([0-9a-f]+) granted with TTL\(100s\)", o)
    f.expect("lease grant output", m is not None, repr(o))
    if not m:
        return
    lid = m.group(1)
    s.ctl("put", "--lease=" + lid, "lk", "lv")
    _, o, _ = s.ctl("lease", "timetolive", lid, "--keys")
    f.expect("timetolive", re.match(r"lease %s granted with TTL\(100s\), remaining\((99|100)s\), attached keys\(\[lk\]\)"
                                    % lid, o) is not None, repr(o))
    _, o, _ = s.ctl("lease", "list")
    f.expect("lease list", lid in o and o.startswith("found 1 leases"), repr(o))
    _, o, _ = s.ctl("lease", "keep-alive", "--once", lid)
    f.expect_eq("keep-alive --once", o.strip(), "lease %s keepalived with TTL(100)" % lid)
    _, o, _ = s.ctl("lease", "revoke", lid)
    f.expect_eq("revoke", o.strip(), "lease %s revoked" % lid)
    _, o, _ = s.ctl("get", "lk")
    f.expect_eq("key of revoked lease", o, "")
    rc, _, e = s.ctl("lease", "revoke", lid, check=False)
    f.expect_eq("revoke again", error_lines(e), ["Error: failed to revoke lease (etcdserver: requested lease not found)"])
    _, o, _ = s.ctl("lease", "timetolive", lid)
    f.expect_eq("timetolive of revoked lease", o.strip(), "lease %s already expired" % lid)


def main():
    f = e2e_lib.Failures()
    cairn = e2e_lib.Server(e2e_lib.cairn_binary()).start()
    try:
        got = scenario(cairn)
        # Absolute expectations (hold whether or not a real etcd is around).
        d = dict(got)
        f.expect_eq("put", d["put"], "rc=0\nOK\n")
        f.expect_eq("get", d["get"], "rc=0\nfoo\nbar\n")
        f.expect_eq("get compacted", d["get compacted"],
                    "rc=1\nError: etcdserver: mvcc: required revision has been compacted")
        f.expect_eq("get future", d["get future"],
                    "rc=1\nError: etcdserver: mvcc: required revision is a future revision")
        f.expect_eq("put too large", d["put too large"], "rc=1\nError: etcdserver: request is too large")
        f.expect_eq("txn too many ops", d["txn too many ops"],
                    "rc=1\nError: etcdserver: too many operations in txn request")
        f.expect_eq("txn duplicate", d["txn duplicate"],
                    "rc=1\nError: etcdserver: duplicate key given in txn request")
        f.expect_eq("put ignore-value missing", d["put ignore-value missing"], "rc=1\nError: etcdserver: key not found")
        f.expect("member list", d["member list"].startswith("rc=0\n8e9e05c52164694d, started, default, "
                                                            "http://localhost:2380, ENDPOINT"), d["member list"])
        f.expect_eq("watch live", d["watch live"], "PUT\nw1\nx\nPUT\nw2\ny\nDELETE\nw1\n\n")
        f.expect_eq("watch interactive", d["watch interactive"],
                    "PUT\ni1\na\nPUT\ni1\na\ni1\nb\nPUT\ni2x\nc\n")
        f.expect("watch compacted", "required revision has been compacted" in d["watch compacted"],
                 d["watch compacted"])
        _, st, _ = cairn.ctl("endpoint", "status", "-w", "json")
        status = e2e_lib.load_json(st)[0]["Status"]
        f.expect_eq("status version", status["version"], "3.5.17")
        f.expect_eq("status leader", status["leader"], 0x8e9e05c52164694d)
        f.expect_eq("status member", status["header"]["member_id"], 0x8e9e05c52164694d)
        f.expect_eq("status cluster", status["header"]["cluster_id"], 0xcdf818194e3a8c32)
        f.expect("status raft index", status["raftIndex"] == status["raftAppliedIndex"] > 0, repr(status))
        lease_checks(cairn, f)
        got_leases = lease_scenario(cairn)
        rc, o, _ = cairn.ctl("defrag")
        f.expect("defrag", o.startswith("Finished defragmenting etcd member[ENDPOINT]".replace("ENDPOINT", cairn.endpoint)), o)
        _, o, e = cairn.ctl("endpoint", "health")
        o = o + e  # etcdctl 3.4 prints the health line on stderr
        f.expect("endpoint health", o.startswith(cairn.endpoint + " is healthy: successfully committed proposal"), o)
        f.expect_eq("graceful stop exit code", cairn.stop(), 0)
    finally:
        cairn.stop()

    if os.access(e2e_lib.REAL_ETCD, os.X_OK):
        etcd = e2e_lib.Server(e2e_lib.REAL_ETCD).start()
        try:
            want = scenario(etcd)
            lease_checks(etcd, e2e_lib.Failures())  # same commands; the oracle's own checks are not ours
            want_leases = lease_scenario(etcd)
        finally:
            etcd.stop()
        for (name, g), (_, w) in zip(got, want):
            f.expect_eq("same as etcd: " + name, g, w)
        for (name, g), (_, w) in zip(got_leases, want_leases):
            f.expect_eq("same as etcd: lease " + name, g, w)
    else:
        print("real etcd not installed: comparison skipped")
    f.finish()


if __name__ == "__main__":
    main()

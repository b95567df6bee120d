"""Auth in a 3-member Cairn cluster, driven by Debian's real etcdctl: auth changes made through
one member hold on every member (simple tokens are assigned by each member when the Authenticate
entry applies, so logins work through followers), and a member that was down while users and
permissions changed catches up (from the log, or from a snapshot of the db with --snapshot-count
small) and enforces the new permissions after its restart.

usage: auth_cluster_test.py <path to cairn binary>
"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cluster_lib as cl  # noqa: E402
import e2e_lib  # noqa: E402

ENV = {"ETCDCTL_API": "3", "PATH": "/usr/bin:/bin"}


def ctl(m, *args):
    p = subprocess.run([e2e_lib.ETCDCTL, "--endpoints=" + m.client_url, "--dial-timeout=5s", "--command-timeout=15s"]
                       + list(args), capture_output=True, text=True, env=ENV, timeout=60)
    return p.returncode, p.stdout, "\n".join(l for l in p.stderr.splitlines() if l.startswith("Error:"))


def main():
    f = e2e_lib.Failures()
    binary = cl.server_binary("cairn", sys.argv[1])
    with cl.Cluster(binary, n=3, snapshot_count=20) as c:
        c.start()
        m1, m2, m3 = c.members
        for args in (("user", "add", "root:pw"), ("user", "grant-role", "root", "root"), ("role", "add", "r"),
                     ("role", "grant-permission", "r", "readwrite", "a", "b"), ("user", "add", "alice:apw"),
                     ("user", "grant-role", "alice", "r"), ("auth", "enable")):
            rc, _, err = ctl(m1, *args)
            f.expect_eq("setup %s via m1" % " ".join(args), (rc, err), (0, ""))
        for m in (m1, m2, m3):
            f.expect_eq("%s: alice writes her range" % m.name, ctl(m, "put", "a1", m.name, "--user", "alice:apw"),
                        (0, "OK\n", ""))
            f.expect_eq("%s: alice refused outside it" % m.name, ctl(m, "put", "c", "x", "--user", "alice:apw"),
                        (1, "", "Error: etcdserver: permission denied"))
            f.expect_eq("%s: no credentials" % m.name, ctl(m, "get", "a1"),
                        (1, "", "Error: etcdserver: user name is empty"))

        # m3 misses a permission change, a new user and enough writes for a snapshot.
        c.stop(m3)
        # A proposal in flight when the old leader went away times out (as with etcd): wait for a
        # leader among the two left first.
        c.wait_leader(timeout_s=30, exclude=m3, members=[m1, m2])
        f.expect_eq("grant c while m3 is down", ctl(m1, "role", "grant-permission", "r", "write", "c",
                                                    "--user", "root:pw"), (0, "Role r updated\n", ""))
        f.expect_eq("add bob while m3 is down", ctl(m1, "user", "add", "bob:bpw", "--user", "root:pw"),
                    (0, "User bob created\n", ""))
        for i in range(60):
            ctl_rc = ctl(m2, "put", "a%02d" % i, "v", "--user", "alice:apw")[0]
            if ctl_rc != 0:
                f.expect("writes while m3 is down", False, "put %d failed" % i)
                break
        c.restart(m3)
        # m3 may receive the leader's snapshot and restart itself to load it: bounded retries.
        deadline = time.time() + 60
        got = None
        while time.time() < deadline:
            got = ctl(m3, "put", "c", "x", "--user", "alice:apw")
            if got[0] == 0:
                break
            time.sleep(0.5)
            c.wait_healthy(m3, timeout_s=30)
        f.expect_eq("m3 after catch-up: alice may now write c", got, (0, "OK\n", ""))
        f.expect_eq("m3 after catch-up: bob logs in", ctl(m3, "get", "c", "--user", "bob:bpw"),
                    (1, "", "Error: etcdserver: permission denied"))
        rc, out, err = ctl(m3, "user", "list", "--user", "root:pw")
        f.expect_eq("m3 after catch-up: users", (rc, out), (0, "alice\nbob\nroot\n"))
        rc, out, err = ctl(m3, "get", "a59", "--user", "alice:apw", "--consistency=s")
        f.expect_eq("m3 after catch-up: data", (rc, out), (0, "a59\nv\n"))
    f.finish()


if __name__ == "__main__":
    main()

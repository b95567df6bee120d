"""Corruption detection (issue 15) on a 3-member Cairn cluster, read with Debian's etcdctl:

* --experimental-initial-corrupt-check: a member restarted on intact data passes ("initial
  corruption checking passed; no corruption"); the same member restarted after one stored value
  was changed in its member/snap/db (offline, same length, so the bbolt file stays valid) exits
  non-zero before serving, logging etcd's "found data inconsistency with peers".
* --experimental-corrupt-check-time: started without the initial check, the corrupted member
  joins; the leader's periodic check raises CORRUPT (`etcdctl alarm list` shows
  `alarm:CORRUPT`, its log etcd's "same compact revision then hashes must match"), and writes
  are refused with "etcdserver: corrupt cluster".
* --experimental-compact-hash-check-enabled (+ -time 1s), without the other checks: after a
  compaction, the leader compares the hashes every member recorded at it; the corrupted member,
  outside the majority, gets CORRUPT under its own member id ("Detected compaction hash
  mismatch" in the leader's log).

usage: corruption_test.py <path to //:cairn>
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cluster_lib as cl  # noqa: E402
import e2e_lib  # noqa: E402

F = e2e_lib.Failures()
GOOD = b"payload-intact-0001"
BAD = b"payload-broken-0001"


def corrupt_db(m):
    path = os.path.join(m.dir, "data", "member", "snap", "db")
    with open(path, "rb") as f:
        data = f.read()
    n = data.count(GOOD)
    if n == 0:
        raise AssertionError("value not found in %s" % path)
    with open(path, "wb") as f:
        f.write(data.replace(GOOD, BAD))
    return n


def wait_exit(m, timeout_s=60):
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        if m.proc.poll() is not None:
            return m.proc.returncode
        time.sleep(0.1)
    return None


def start_with_victim(c):
    """Starts `c`, writes the value corrupt_db changes and a few others; returns a follower."""
    c.start()
    c.ctl("put", "victim", GOOD.decode())
    for i in range(5):
        c.ctl("put", "k%d" % i, "v%d" % i)
    c.wait_converged()
    leader = c.leader()
    return [m for m in c.members if m is not leader][0]


def wait_alarm(c, timeout_s=60):
    """`etcdctl alarm list` output once it lists CORRUPT (or at the deadline)."""
    deadline = time.time() + timeout_s
    out = ""
    while time.time() < deadline:
        _, out, _ = c.ctl("alarm", "list", check=False)
        if "alarm:CORRUPT" in out:
            break
        time.sleep(0.5)
    return out


def test_corruption(binary):
    checks = ["--experimental-initial-corrupt-check=true", "--experimental-corrupt-check-time=1s"]
    with cl.Cluster(binary, n=3, extra_flags=checks) as c:
        f = start_with_victim(c)

        # Intact data: the initial check runs and passes.
        c.stop(f)
        c.restart(f)
        F.expect("initial check passed on intact data",
                 "initial corruption checking passed; no corruption" in f.log(), f.log()[-2000:])
        c.wait_converged()

        # One value changed offline: the member refuses to start.
        c.stop(f)
        F.expect("value stored in db", corrupt_db(f) >= 1)
        before = len(f.log())
        c.restart(f, wait=False)
        rc = wait_exit(f)
        log = f.log()[before:]
        F.expect("corrupted member exits", rc is not None and rc != 0, "rc=%r" % rc)
        F.expect("etcd's message", "found data inconsistency with peers" in log, log[-3000:])
        F.expect("etcd's per-peer warning", "found different hash values from remote peer" in log)
        F.expect("not serving", "ready to serve client requests" not in log)

        # Without the initial check it joins; the leader's periodic check raises CORRUPT.
        c.extra = ["--experimental-corrupt-check-time=1s"]
        c.restart(f)
        out = wait_alarm(c)
        F.expect("alarm list shows CORRUPT", "alarm:CORRUPT" in out, out)
        lead = c.leader()
        F.expect("leader logs the mismatch",
                 "same compact revision then hashes must match" in (lead.log() if lead else ""))
        rc, _, err = c.ctl("put", "after", "x", check=False)
        F.expect("writes refused", rc != 0 and "etcdserver: corrupt cluster" in err, err)
        _, out, _ = c.ctl("get", "k1")
        F.expect("reads still served", "v1" in out, out)


def test_compact_hash_check(binary):
    checks = ["--experimental-compact-hash-check-enabled=true", "--experimental-compact-hash-check-time=1s"]
    with cl.Cluster(binary, n=3, extra_flags=checks) as c:
        f = start_with_victim(c)
        fid = int(c.member_id(f), 16)
        c.stop(f)
        corrupt_db(f)
        c.restart(f)
        _, out, _ = c.ctl("alarm", "list")
        F.expect("no alarm before a compaction", "CORRUPT" not in out, out)
        rev = max(int(s["header"]["revision"]) for s in c.statuses().values())
        c.ctl("compaction", str(rev))
        out = wait_alarm(c)
        F.expect_eq("CORRUPT raised for the corrupted member only", out.strip(),
                    "memberID:%d alarm:CORRUPT" % fid)
        lead = c.leader()
        F.expect("leader logs the compaction hash mismatch",
                 "Detected compaction hash mismatch" in (lead.log() if lead else ""))


def main():
    binary = cl.server_binary("cairn", sys.argv[1])
    for t in (test_corruption, test_compact_hash_check):
        print("=== RUN", t.__name__, flush=True)
        try:
            t(binary)
        except Exception:  # noqa: BLE001
            import traceback
            F.expect("%s crashed" % t.__name__, False, traceback.format_exc())
    F.finish()


if __name__ == "__main__":
    main()

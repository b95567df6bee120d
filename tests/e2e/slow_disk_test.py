"""Diagnosing a slow disk the way runbooks do (issue 15): etcd's warnings (zap JSON, etcd's
messages and fields) and metrics, from Cairn members whose every fdatasync is delayed by the
test-only switch CAIRN_FAULT_FSYNC_DELAY_MS (storage/io/slow_sync_env.h). Which setup produces what:

* 1 member, slow disk (1.1 s per fdatasync): `slow fdatasync` {took, expected-duration 1s};
  `apply request took too long` {took, expected-duration 100ms, prefix, request, response} (an
  apply waits for the backend commit, whose two fdatasyncs are slow);
  etcd_disk_wal_fsync_duration_seconds, etcd_disk_backend_commit_duration_seconds and
  etcd_server_slow_apply_total move.
* 3 members, the slow one made leader (move-leader; election timeout 3 s so it keeps leading):
  the leader logs `leader failed to send out heartbeat on time; took too long, leader is
  overloaded likely from slow disk` {to, heartbeat-interval, expected-duration,
  exceeded-duration} and counts etcd_server_heartbeat_send_failures_total; linearizable reads on
  followers wait for it: `waiting for ReadIndex response took too long, retrying`
  {sent-request-id, retry-timeout} and etcd_server_slow_read_indexes_total.
* 3 members, both followers frozen (SIGSTOP; a lost quorum, not a slow disk): the leader logs
  raft's `<id> stepped down to follower since quorum is not active`; a linearizable read it was
  serving retries and then fails: etcd_server_read_indexes_failed_total moves.

usage: slow_disk_test.py <path to //:cairn>
"""
import json
import os
import re
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cluster_lib as cl  # noqa: E402
import e2e_lib  # noqa: E402

F = e2e_lib.Failures()
VAR = "CAIRN_FAULT_FSYNC_DELAY_MS"
HB_MSG = ("leader failed to send out heartbeat on time; took too long, leader is overloaded likely "
          "from slow disk")


def log_lines(m, msg):
    """The JSON log lines of `m` whose msg is `msg` (or matches it, for a compiled regex)."""
    out = []
    for line in m.log().splitlines():
        if not line.startswith("{"):
            continue
        try:
            j = json.loads(line)
        except ValueError:
            continue
        got = j.get("msg", "")
        if (msg.fullmatch(got) if hasattr(msg, "fullmatch") else got == msg):
            out.append(j)
    return out


def metric(m, name):
    """Sum of the samples named exactly `name` (any labels) on `m`'s /metrics."""
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", m.client_port, timeout=5)
    conn.request("GET", "/metrics")
    text = conn.getresponse().read().decode()
    conn.close()
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            total += float(line.rsplit(" ", 1)[1])
    return total


def wait_for(what, cond, timeout_s=60):
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        if cond():
            return True
        time.sleep(0.2)
    F.expect(what, False, "(not within %ds)" % timeout_s)
    return False


def duration_s(text):
    """A zap duration string ("1.1s", "950ms", "2.5µs") in seconds."""
    m = re.fullmatch(r"([0-9.]+)(ns|µs|us|ms|s|m)", text)
    scale = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}
    return float(m.group(1)) * scale[m.group(2)] if m else -1


def with_slow_disk(delay_ms, fn):
    os.environ[VAR] = str(delay_ms)
    try:
        return fn()
    finally:
        del os.environ[VAR]


def test_one_member(binary):
    with cl.Cluster(binary, n=1) as c:
        with_slow_disk(1100, lambda: c.start(timeout_s=90))
        m = c.members[0]
        F.expect("fault injection announced", "TEST-ONLY fault injection" in m.log())

        def writer(i):
            for j in range(3):
                c.ctl("put", "k%d-%d" % (i, j), "v" * 10, command_timeout="30s", timeout_s=60)
        threads = [threading.Thread(target=writer, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        slow = log_lines(m, "slow fdatasync")
        print("1 member: %d slow fdatasync, %d slow applies; first: %s" % (
            len(slow), len(log_lines(m, "apply request took too long")), slow[:1]), flush=True)
        F.expect("slow fdatasync logged", len(slow) > 0, m.log()[-2000:])
        if slow:
            F.expect_eq("expected-duration", slow[0].get("expected-duration"), "1s")
            F.expect("took >= 1s", duration_s(slow[0].get("took", "")) >= 1.0, slow[0])
            F.expect_eq("level", slow[0].get("level"), "warn")
        wait_for("apply request took too long logged", lambda: log_lines(m, "apply request took too long"))
        applies = log_lines(m, "apply request took too long")
        if applies:
            a = applies[0]
            F.expect_eq("apply fields", sorted(k for k in a if k not in ("level", "ts", "caller", "msg", "error")),
                        ["expected-duration", "prefix", "request", "response", "took"])
            F.expect_eq("apply expected-duration", a.get("expected-duration"), "100ms")
            F.expect("apply request text", a.get("request", "").startswith("header:<ID:"), a)
        F.expect("etcd_disk_wal_fsync_duration_seconds_sum >= 1",
                 metric(m, "etcd_disk_wal_fsync_duration_seconds_sum") >= 1.0)
        F.expect("etcd_disk_backend_commit_duration_seconds_sum >= 2",
                 metric(m, "etcd_disk_backend_commit_duration_seconds_sum") >= 2.0)
        F.expect("etcd_server_slow_apply_total > 0", metric(m, "etcd_server_slow_apply_total") > 0)


def test_slow_leader(binary):
    with cl.Cluster(binary, n=3, heartbeat_ms=100, election_ms=3000) as c:
        c.start()
        s = c.members[2]
        c.stop(s)
        with_slow_disk(1100, lambda: c.restart(s, timeout_s=90))
        leader = c.leader()
        if leader is not s:
            sid = c.member_id(s)
            rc, _, err = c.ctl("move-leader", sid, members=[leader], check=False, command_timeout="30s",
                               timeout_s=60)
            F.expect_eq("move-leader to the slow member (%s)" % err[-300:], rc, 0)
        wait_for("slow member leads", lambda: c.leader() is s)
        followers = [m for m in c.members if m is not s]
        stop = time.time() + 8

        def writer():
            i = 0
            while time.time() < stop:
                c.ctl("put", "w%d" % i, "x", members=[s], check=False, command_timeout="30s", timeout_s=60)
                i += 1

        def reader(f):
            while time.time() < stop:
                c.ctl("get", "w0", members=[f], check=False, command_timeout="30s", timeout_s=60)
        threads = [threading.Thread(target=writer)] + [threading.Thread(target=reader, args=(f,)) for f in followers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        hb = log_lines(s, HB_MSG)
        print("slow leader: %d late heartbeats, first: %s" % (len(hb), hb[:1]), flush=True)
        F.expect("late heartbeat logged by the slow leader", len(hb) > 0, s.log()[-3000:])
        if hb:
            h = hb[0]
            F.expect_eq("heartbeat-interval", h.get("heartbeat-interval"), "100ms")
            F.expect_eq("expected-duration", h.get("expected-duration"), "200ms")
            F.expect("exceeded-duration > 0", duration_s(h.get("exceeded-duration", "")) > 0, h)
            F.expect("to is a peer id", re.fullmatch(r"[0-9a-f]+", h.get("to", "")) is not None, h)
        F.expect("etcd_server_heartbeat_send_failures_total > 0",
                 metric(s, "etcd_server_heartbeat_send_failures_total") > 0)
        retries = [j for f in followers for j in log_lines(f, "waiting for ReadIndex response took too long, retrying")]
        print("followers: %d ReadIndex retries, first: %s" % (len(retries), retries[:1]), flush=True)
        F.expect("a follower's ReadIndex retried", len(retries) > 0)
        if retries:
            F.expect_eq("retry-timeout", retries[0].get("retry-timeout"), "500ms")
            F.expect("sent-request-id", isinstance(retries[0].get("sent-request-id"), int), retries[0])
        F.expect("etcd_server_slow_read_indexes_total > 0 on a follower",
                 sum(metric(f, "etcd_server_slow_read_indexes_total") for f in followers) > 0)


def test_lost_quorum(binary):
    with cl.Cluster(binary, n=3, heartbeat_ms=100, election_ms=1000) as c:
        c.start()
        leader = c.leader()
        others = [m for m in c.members if m is not leader]
        lid = c.member_id(leader)
        for m in others:
            os.kill(m.pid, signal.SIGSTOP)
        try:
            rc, _, err = c.ctl("get", "foo", members=[leader], check=False, command_timeout="8s", timeout_s=30)
            F.expect("read on an isolated leader fails", rc != 0, err)
            wait_for("stepped down logged",
                     lambda: log_lines(leader, "%s stepped down to follower since quorum is not active" % lid))
            print("isolated leader: %s" % log_lines(leader, re.compile(".*stepped down.*"))[:1], flush=True)
            F.expect("leader's ReadIndex retried",
                     len(log_lines(leader, "waiting for ReadIndex response took too long, retrying")) > 0)
            F.expect("etcd_server_read_indexes_failed_total > 0",
                     metric(leader, "etcd_server_read_indexes_failed_total") > 0)
        finally:
            for m in others:
                os.kill(m.pid, signal.SIGCONT)


def main():
    binary = cl.server_binary("cairn", sys.argv[1])
    for t in (test_one_member, test_slow_leader, test_lost_quorum):
        print("=== RUN", t.__name__, flush=True)
        try:
            t(binary)
        except Exception:  # noqa: BLE001
            import traceback
            F.expect("%s crashed" % t.__name__, False, traceback.format_exc())
    F.finish()


if __name__ == "__main__":
    main()

"""Lock and election, the same scenario against Cairn and against the real etcd 3.4 (/usr/bin/etcd),
outputs compared after masking lease IDs (which differ by construction):

  * Debian's etcdctl `lock` and `elect` (clientv3/concurrency recipes over KV, Watch and Lease):
    two concurrent `etcdctl lock` clients exclude each other (the second runs its command only
    after the first exits; after the first is killed -9 it runs once the first's --ttl lease
    expires); two `etcdctl elect` candidates (the second is elected when the first is stopped,
    the third when the second is killed -9 and its lease revoked), and `etcdctl elect -l` sees
    every leader.
  * The server-side services through the JSON gateway with curl (v3lockpb.Lock,
    v3electionpb.Election): /v3/lock/lock (a second lock blocks until /v3/lock/unlock),
    /v3/election/campaign|leader|proclaim|resign|observe, /v3beta/, and etcd's error texts
    ("election: not leader", "election: no leader", "\"leader\" field must be provided", a missing
    lease).

No fixed sleeps: every wait polls a condition with a generous deadline.

usage: lock_election_test.py <path to cairn binary>
"""
import base64
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_lib  # noqa: E402

WAIT_S = 30


def wait_for(what, cond, timeout_s=WAIT_S):
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        if cond():
            return True
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


def b64(s):
    return base64.b64encode(s.encode()).decode()


def ctl_cmd(s, *args):
    return [e2e_lib.ETCDCTL, "--endpoints=" + s.endpoint, "--dial-timeout=5s"] + list(args)


CTL_ENV = {"ETCDCTL_API": "3", "PATH": "/usr/bin:/bin"}


def spawn(cmd, out_path):
    # stderr apart: etcdctl logs timestamped client warnings there when it is stopped.
    out, err = open(out_path, "wb"), open(out_path + ".err", "wb")
    # Its own process group, so that a kill -9 also takes the command etcdctl lock runs.
    p = subprocess.Popen(cmd, stdout=out, stderr=err, env=CTL_ENV, start_new_session=True)
    e2e_lib._started.append(p)
    return p


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def keys_under(s, prefix):
    _, out, _ = s.ctl("get", "--prefix", prefix, "--keys-only")
    return [k for k in out.split("\n") if k]


def lease_of(s, key):
    _, out, _ = s.ctl("get", key, "-w", "json")
    return e2e_lib.load_json(out)["kvs"][0]["lease"]


class Masker:
    """Replaces lease IDs (decimal, and hex inside keys and etcdctl output) by L1, L2, ... in order
    of first appearance, so two servers' outputs compare."""

    def __init__(self):
        self.names = {}

    def name(self, lease_dec):
        lease_dec = int(lease_dec)
        if lease_dec not in self.names:
            self.names[lease_dec] = "L%d" % (len(self.names) + 1)
        return self.names[lease_dec]

    def text(self, t):
        def hex_sub(m):
            return "/" + self.name(int(m.group(1), 16))
        return re.sub(r"/([0-9a-f]{16})\b", hex_sub, t)

    def json(self, v, key=None):
        if isinstance(v, dict):
            return {k: self.json(x, k) for k, x in v.items()}
        if isinstance(v, list):
            return [self.json(x) for x in v]
        if key in ("lease", "ID") and isinstance(v, str):
            return self.name(v)
        if key == "key" and isinstance(v, str):
            return self.text(base64.b64decode(v).decode(errors="replace"))
        return v


def post(s, path, body, timeout_s=20):
    p = subprocess.run(["curl", "-sS", "-m", str(timeout_s), "-d", json.dumps(body), "-w", "\n%{http_code}",
                        s.endpoint + path], capture_output=True, text=True, timeout=timeout_s + 10)
    out, _, code = p.stdout.rpartition("\n")
    return int(code or 0), out


def post_bg(s, path, body, out_path):
    p = subprocess.Popen(["curl", "-sS", "-N", "-m", "120", "-d", json.dumps(body), s.endpoint + path],
                         stdout=open(out_path, "wb"), stderr=subprocess.STDOUT)
    e2e_lib._started.append(p)
    return p


def grant(s, ttl=60):
    code, out = post(s, "/v3/lease/grant", {"TTL": str(ttl)})
    assert code == 200, out
    return json.loads(out)["ID"]


def ctl_lock_scenario(s, work):
    """Two `etcdctl lock` clients; returns the observable order of events."""
    out = []
    flag = os.path.join(work, "release")
    trace = os.path.join(work, "trace")
    # A holds the lock until `flag` exists (a file the test creates), B only appends.
    holder = ("echo A-start >> %s; while [ ! -e %s ]; do sleep 0.05; done; echo A-end >> %s"
              % (trace, flag, trace))
    a = spawn(ctl_cmd(s, "lock", "mx", "--", "sh", "-c", holder), os.path.join(work, "a.out"))
    wait_for("A holds the lock", lambda: "A-start" in read(trace))
    b = spawn(ctl_cmd(s, "lock", "mx", "--", "sh", "-c", "echo B >> " + trace), os.path.join(work, "b.out"))
    wait_for("B's waiter key", lambda: len(keys_under(s, "mx/")) == 2)
    out.append(("while A holds: trace", read(trace)))
    out.append(("while A holds: B still waiting", b.poll() is None))
    open(flag, "w").close()
    out.append(("A exit", a.wait(timeout=WAIT_S)))
    out.append(("B exit", b.wait(timeout=WAIT_S)))
    out.append(("trace", read(trace)))
    out.append(("keys left", keys_under(s, "mx/")))

    # A holder killed -9: its 2 s lease expires, then the waiter gets the lock.
    trace2 = os.path.join(work, "trace2")
    a = spawn(ctl_cmd(s, "lock", "--ttl", "2", "kx", "--", "sh", "-c",
                      "echo A >> %s; exec sleep 600" % trace2), os.path.join(work, "a2.out"))
    wait_for("A holds kx", lambda: "A" in read(trace2))
    b = spawn(ctl_cmd(s, "lock", "kx", "--", "sh", "-c", "echo B >> " + trace2), os.path.join(work, "b2.out"))
    wait_for("B's waiter key on kx", lambda: len(keys_under(s, "kx/")) == 2)
    os.killpg(a.pid, signal.SIGKILL)
    a.wait(timeout=WAIT_S)
    out.append(("after kill -9 and lease expiry: B exit", b.wait(timeout=WAIT_S)))
    out.append(("trace2", read(trace2)))
    return out


def ctl_elect_scenario(s, work, m):
    """Observer plus three `etcdctl elect` candidates; returns the observable outputs."""
    out = []
    obs_path = os.path.join(work, "observe.out")
    obs = spawn(ctl_cmd(s, "elect", "-l", "job"), obs_path)
    c1_path = os.path.join(work, "c1.out")
    c1 = spawn(ctl_cmd(s, "elect", "job", "p1"), c1_path)
    wait_for("p1 elected", lambda: "p1" in read(c1_path))
    c2_path = os.path.join(work, "c2.out")
    c2 = spawn(ctl_cmd(s, "elect", "job", "p2"), c2_path)
    wait_for("p2's candidate key", lambda: len(keys_under(s, "job/")) == 2)
    out.append(("p2 waits while p1 leads", read(c2_path)))
    c1.send_signal(signal.SIGTERM)  # etcdctl resigns on SIGTERM
    out.append(("p1 exit", c1.wait(timeout=WAIT_S)))
    wait_for("p2 elected", lambda: "p2" in read(c2_path))
    c3_path = os.path.join(work, "c3.out")
    c3 = spawn(ctl_cmd(s, "elect", "job", "p3"), c3_path)
    wait_for("p3's candidate key", lambda: len(keys_under(s, "job/")) == 2)
    # p2 dies without resigning; its lease (60 s for etcdctl elect) is revoked as its expiry would.
    p2_key = read(c2_path).split("\n")[0]
    c2.kill()
    c2.wait(timeout=WAIT_S)
    s.ctl("lease", "revoke", "%x" % int(lease_of(s, p2_key)))
    wait_for("p3 elected", lambda: "p3" in read(c3_path))
    wait_for("observer saw p3", lambda: "p3" in read(obs_path))
    c3.send_signal(signal.SIGTERM)
    out.append(("p3 exit", c3.wait(timeout=WAIT_S)))
    obs.send_signal(signal.SIGTERM)
    out.append(("observer exit", obs.wait(timeout=WAIT_S)))
    out.append(("c1 output", m.text(read(c1_path))))
    out.append(("c3 output", m.text(read(c3_path))))
    out.append(("observer output", m.text(read(obs_path))))
    return out


def gateway_scenario(s, work, m):
    """The Lock and Election services through the JSON gateway; returns (name, (status, json))."""
    out = []

    def call(name, path, body):
        code, text = post(s, path, body)
        try:
            value = m.json(json.loads(text))
        except ValueError:
            value = text
        out.append((name, (code, value)))
        return code, text

    l1, l2 = grant(s), grant(s)
    _, first = call("lock", "/v3/lock/lock", {"name": b64("gl"), "lease": l1})
    lock2_path = os.path.join(work, "lock2.out")
    second = post_bg(s, "/v3/lock/lock", {"name": b64("gl"), "lease": l2}, lock2_path)
    wait_for("the second lock's waiter key", lambda: len(keys_under(s, "gl/")) == 2)
    out.append(("second lock waits", second.poll() is None))
    call("unlock", "/v3/lock/unlock", {"key": json.loads(first)["key"]})
    out.append(("second lock exit", second.wait(timeout=WAIT_S)))
    out.append(("second lock", m.json(json.loads(read(lock2_path)))))
    call("lock, missing lease", "/v3/lock/lock", {"name": b64("gl"), "lease": "12345"})
    call("lock v3beta", "/v3beta/lock/lock", {"name": b64("beta"), "lease": l1})

    call("leader, none", "/v3/election/leader", {"name": b64("el")})
    obs_path = os.path.join(work, "gw_observe.out")
    obs = post_bg(s, "/v3/election/observe", {"name": b64("el")}, obs_path)
    e1, e2 = grant(s), grant(s)
    _, c1 = call("campaign", "/v3/election/campaign", {"name": b64("el"), "lease": e1, "value": b64("v1")})
    leader1 = json.loads(c1)["leader"]
    # Each observation is awaited before the next write: a header's revision depends on whether a
    # write lands before or after the observer's next watch is registered (etcd too).
    observed = lambda n: lambda: len(read(obs_path).splitlines()) >= n  # noqa: E731
    wait_for("observe saw v1", observed(1))
    call("leader", "/v3/election/leader", {"name": b64("el")})
    call("proclaim", "/v3/election/proclaim", {"leader": leader1, "value": b64("v1b")})
    wait_for("observe saw v1b", observed(2))
    call("proclaim, missing leader", "/v3/election/proclaim", {"value": b64("x")})
    bad = dict(leader1, key=b64("el/nosuchkey"), rev="1")
    call("proclaim, bad leader key", "/v3/election/proclaim", {"leader": bad, "value": b64("x")})
    camp2_path = os.path.join(work, "campaign2.out")
    camp2 = post_bg(s, "/v3/election/campaign", {"name": b64("el"), "lease": e2, "value": b64("v2")}, camp2_path)
    wait_for("the second candidate's key", lambda: len(keys_under(s, "el/")) == 2)
    out.append(("second campaign waits", camp2.poll() is None))
    call("resign, missing leader", "/v3/election/resign", {})
    call("resign", "/v3/election/resign", {"leader": leader1})
    out.append(("second campaign exit", camp2.wait(timeout=WAIT_S)))
    out.append(("second campaign", m.json(json.loads(read(camp2_path)))))
    call("leader after resign", "/v3beta/election/leader", {"name": b64("el")})
    call("proclaim by the old leader", "/v3/election/proclaim", {"leader": leader1, "value": b64("x")})
    wait_for("observe saw v2", observed(3))
    obs.terminate()
    obs.wait(timeout=WAIT_S)
    out.append(("observe", [m.json(json.loads(line)) for line in read(obs_path).splitlines()]))
    return out


def scenario(binary):
    s = e2e_lib.Server(binary).start()
    work = tempfile.mkdtemp(prefix="lockelect_")
    try:
        return (ctl_lock_scenario(s, work) + ctl_elect_scenario(s, work, Masker())
                + gateway_scenario(s, work, Masker()))
    finally:
        s.stop()


def absolute_checks(f, got, who):
    """What must hold on its own, so that two servers failing alike cannot pass."""
    d = dict(got)
    f = Prefixed(f, who + ": ")
    f.expect_eq("B waits while A holds the lock", d["while A holds: B still waiting"], True)
    f.expect_eq("lock order", d["trace"], "A-start\nA-end\nB\n")
    f.expect_eq("lock after holder's lease expiry", (d["after kill -9 and lease expiry: B exit"], d["trace2"]),
                (0, "A\nB\n"))
    f.expect_eq("p2 waits while p1 leads", d["p2 waits while p1 leads"], "")
    f.expect_eq("observer saw every leader", [ln for ln in d["observer output"].splitlines() if ln.startswith("p")],
                ["p1", "p2", "p3"])
    code, lock = d["lock"]
    f.expect("gateway lock", code == 200 and lock.get("key") == "gl/L1", repr(d["lock"]))
    f.expect_eq("second gateway lock waits", d["second lock waits"], True)
    f.expect_eq("second gateway lock key", d["second lock"].get("key"), "gl/L2")
    f.expect_eq("leader with none", d["leader, none"],
                (500, {"error": "election: no leader", "message": "election: no leader", "code": 2}))
    f.expect_eq("proclaim bad key", d["proclaim, bad leader key"],
                (500, {"error": "election: not leader", "message": "election: not leader", "code": 2}))
    missing = '"leader" field must be provided'
    f.expect_eq("proclaim missing leader", d["proclaim, missing leader"],
                (500, {"error": missing, "message": missing, "code": 2}))
    f.expect_eq("observe values", [base64.b64decode(r["result"]["kv"]["value"]).decode() for r in d["observe"]],
                ["v1", "v1b", "v2"])


class Prefixed:
    def __init__(self, f, prefix):
        self.f, self.prefix = f, prefix

    def expect_eq(self, what, got, want):
        self.f.expect_eq(self.prefix + what, got, want)

    def expect(self, what, cond, detail=""):
        self.f.expect(self.prefix + what, cond, detail)


def main():
    f = e2e_lib.Failures()
    got = scenario(e2e_lib.cairn_binary())
    absolute_checks(f, got, "cairn")
    if os.access(e2e_lib.REAL_ETCD, os.X_OK):
        want = scenario(e2e_lib.REAL_ETCD)
        absolute_checks(f, want, "etcd")  # the oracle itself must show the behaviour
        for (name, g), (wname, w) in zip(got, want):
            f.expect_eq("same as etcd: " + name, g, w)
        f.expect_eq("same steps as etcd", [n for n, _ in got], [n for n, _ in want])
    else:
        f.expect("real etcd present (etcd-server)", False, e2e_lib.REAL_ETCD)
    f.finish()


if __name__ == "__main__":
    main()

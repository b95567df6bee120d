"""Lock and election, the same scenario against Cairn and against the real etcd 3.4 (/usr/bin/etcd),
outputs compared after masking lease IDs (which differ by construction):

  * Debian's etcdctl `lock` and `elect` (clientv3/concurrency recipes over KV, Watch and Lease):
    two concurrent `etcdctl lock` clients exclude each other (the second runs its command only
    after the first exits; after the first is killed -9 it runs once the first's --ttl lease
    expires); two `etcdctl elect` candidates (the second is elected when the first is stopped,
    the third when the second is killed -9 and its lease revoked), and `etcdctl elect -l` sees
    every leader.
  * The server-side services (v3lockpb.Lock, v3electionpb.Election), once over gRPC
    (lock_election_client) and once through the JSON gateway with curl (/v3/lock/*,
    /v3/election/*, /v3beta/): a second Lock blocks until Unlock, a second Campaign until Resign,
    Observe streams every leader value, and etcd's errors (code Unknown / HTTP 500 with
    "election: not leader", "election: no leader", "\"leader\" field must be provided", a missing
    lease).

No fixed sleeps: every wait polls a condition with a generous deadline.

usage: lock_election_test.py <path to cairn binary> <path to lock_election_client>
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


GATEWAY_PATHS = {"Lock": "/v3/lock/lock", "Unlock": "/v3/lock/unlock", "Campaign": "/v3/election/campaign",
                 "Proclaim": "/v3/election/proclaim", "Leader": "/v3/election/leader",
                 "Resign": "/v3/election/resign", "Observe": "/v3/election/observe"}


class Gateway:
    """The services through the JSON gateway with curl: outcomes are (HTTP status, JSON)."""
    name = "gw"

    def __init__(self, s):
        self.s = s

    def call(self, method, body, beta=False):
        path = GATEWAY_PATHS[method]
        if beta:
            path = path.replace("/v3/", "/v3beta/")
        p = subprocess.run(["curl", "-sS", "-m", "20", "-d", json.dumps(body), "-w", "\n%{http_code}",
                            self.s.endpoint + path], capture_output=True, text=True, timeout=30)
        out, _, code = p.stdout.rpartition("\n")
        return int(code or 0), json.loads(out)

    def call_bg(self, method, body, out_path):
        p = subprocess.Popen(["curl", "-sS", "-N", "-m", "120", "-d", json.dumps(body),
                              self.s.endpoint + GATEWAY_PATHS[method]],
                             stdout=open(out_path, "wb"), stderr=subprocess.STDOUT)
        e2e_lib._started.append(p)
        return p

    def observations(self, out_path):
        return [json.loads(line)["result"] for line in read(out_path).splitlines()]

    def bg_result(self, out_path):
        return json.loads(read(out_path))

    def error(self, text):
        return (500, {"error": text, "message": text, "code": 2})

    def ok(self, outcome):
        return outcome[0] == 200


class Grpc:
    """The services over a gRPC connection (lock_election_client): outcomes are (gRPC code, JSON
    or the error message)."""
    name = "grpc"

    def __init__(self, s, client):
        self.s, self.client = s, client

    def argv(self, method, body):
        return [self.client, self.s.endpoint.replace("http://", ""), method, json.dumps(body)]

    def call(self, method, body):
        p = subprocess.run(self.argv(method, body), capture_output=True, text=True, timeout=150)
        if p.returncode == 0:
            return 0, json.loads(p.stdout)
        words = p.stdout.strip().split(" ", 2)
        if p.returncode != 1 or words[0] != "error":
            raise AssertionError("lock_election_client failed: %r %r" % (p.stdout, p.stderr))
        return int(words[1]), words[2]

    def call_bg(self, method, body, out_path):
        argv = self.argv(method, body) + (["3"] if method == "Observe" else [])
        p = subprocess.Popen(argv, stdout=open(out_path, "wb"), stderr=subprocess.STDOUT)
        e2e_lib._started.append(p)
        return p

    def observations(self, out_path):
        return [json.loads(line) for line in read(out_path).splitlines()]

    def bg_result(self, out_path):
        return json.loads(read(out_path))

    def error(self, text):
        return (2, text)  # codes.Unknown, as etcd's servers return plain errors

    def ok(self, outcome):
        return outcome[0] == 0


def grant(s, ttl=60):
    p = subprocess.run(["curl", "-sS", "-m", "20", "-d", json.dumps({"TTL": str(ttl)}), s.endpoint + "/v3/lease/grant"],
                       capture_output=True, text=True, timeout=30)
    return json.loads(p.stdout)["ID"]


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


def services_scenario(s, work, m, t):
    """The Lock and Election services through transport `t`; returns [(name, outcome)], names
    prefixed with the transport's name."""
    out = []

    def record(name, value):
        out.append((t.name + ": " + name, value))

    def call(name, method, body, **kw):
        outcome = t.call(method, body, **kw)
        record(name, (outcome[0], m.json(outcome[1])))
        return outcome

    def bg_path(name):
        return os.path.join(work, "%s_%s.out" % (t.name, name))

    lock, election = "lk_" + t.name, "el_" + t.name
    l1, l2 = grant(s), grant(s)
    _, first = call("lock", "Lock", {"name": b64(lock), "lease": l1})
    second = t.call_bg("Lock", {"name": b64(lock), "lease": l2}, bg_path("lock2"))
    wait_for("the second lock's waiter key", lambda: len(keys_under(s, lock + "/")) == 2)
    record("second lock waits", second.poll() is None)
    call("unlock", "Unlock", {"key": first.get("key")})
    record("second lock exit", second.wait(timeout=WAIT_S))
    record("second lock", m.json(t.bg_result(bg_path("lock2"))))
    call("lock, missing lease", "Lock", {"name": b64(lock), "lease": "12345"})
    if isinstance(t, Gateway):
        call("lock v3beta", "Lock", {"name": b64("beta"), "lease": l1}, beta=True)

    call("leader, none", "Leader", {"name": b64(election)})
    obs = t.call_bg("Observe", {"name": b64(election)}, bg_path("observe"))
    observed = lambda n: lambda: len(read(bg_path("observe")).splitlines()) >= n  # noqa: E731
    e1, e2 = grant(s), grant(s)
    _, c1 = call("campaign", "Campaign", {"name": b64(election), "lease": e1, "value": b64("v1")})
    leader1 = c1.get("leader", {})
    # Each observation is awaited before the next write: a header's revision depends on whether a
    # write lands before or after the observer's next watch is registered (etcd too).
    wait_for("observe saw v1", observed(1))
    call("leader", "Leader", {"name": b64(election)})
    call("proclaim", "Proclaim", {"leader": leader1, "value": b64("v1b")})
    wait_for("observe saw v1b", observed(2))
    call("proclaim, missing leader", "Proclaim", {"value": b64("x")})
    bad = dict(leader1, key=b64(election + "/nosuchkey"), rev="1")
    call("proclaim, bad leader key", "Proclaim", {"leader": bad, "value": b64("x")})
    camp2 = t.call_bg("Campaign", {"name": b64(election), "lease": e2, "value": b64("v2")}, bg_path("campaign2"))
    wait_for("the second candidate's key", lambda: len(keys_under(s, election + "/")) == 2)
    record("second campaign waits", camp2.poll() is None)
    call("resign, missing leader", "Resign", {})
    call("resign", "Resign", {"leader": leader1})
    record("second campaign exit", camp2.wait(timeout=WAIT_S))
    record("second campaign", m.json(t.bg_result(bg_path("campaign2"))))
    call("leader after resign", "Leader", {"name": b64(election)})
    call("proclaim by the old leader", "Proclaim", {"leader": leader1, "value": b64("x")})
    wait_for("observe saw v2", observed(3))
    if isinstance(t, Gateway):
        obs.terminate()
    obs.wait(timeout=WAIT_S)
    record("observe", [m.json(o) for o in t.observations(bg_path("observe"))])
    return out


def scenario(binary, client):
    s = e2e_lib.Server(binary).start()
    work = tempfile.mkdtemp(prefix="lockelect_")
    try:
        return (ctl_lock_scenario(s, work) + ctl_elect_scenario(s, work, Masker())
                + services_scenario(s, work, Masker(), Grpc(s, client))
                + services_scenario(s, work, Masker(), Gateway(s)))
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
    for t in (Gateway(None), Grpc(None, None)):
        n = t.name + ": "
        lock, election = "lk_" + t.name, "el_" + t.name
        f.expect(n + "lock", t.ok(d[n + "lock"]) and d[n + "lock"][1].get("key") == lock + "/L1", repr(d[n + "lock"]))
        f.expect_eq(n + "second lock waits", d[n + "second lock waits"], True)
        f.expect_eq(n + "second lock key", d[n + "second lock"].get("key"), lock + "/L2")
        f.expect_eq(n + "lock with a missing lease", d[n + "lock, missing lease"],
                    t.error("etcdserver: requested lease not found"))
        f.expect_eq(n + "leader with none", d[n + "leader, none"], t.error("election: no leader"))
        f.expect_eq(n + "proclaim bad key", d[n + "proclaim, bad leader key"], t.error("election: not leader"))
        f.expect_eq(n + "proclaim missing leader", d[n + "proclaim, missing leader"],
                    t.error('"leader" field must be provided'))
        f.expect_eq(n + "second campaign waits", d[n + "second campaign waits"], True)
        f.expect_eq(n + "second campaign key", d[n + "second campaign"].get("leader", {}).get("key"), election + "/L4")
        f.expect_eq(n + "observe values", [base64.b64decode(o["kv"]["value"]).decode() for o in d[n + "observe"]],
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
    client = os.path.abspath(sys.argv[2])
    got = scenario(e2e_lib.cairn_binary(), client)
    absolute_checks(f, got, "cairn")
    if os.access(e2e_lib.REAL_ETCD, os.X_OK):
        want = scenario(e2e_lib.REAL_ETCD, client)
        absolute_checks(f, want, "etcd")  # the oracle itself must show the behaviour
        for (name, g), (wname, w) in zip(got, want):
            f.expect_eq("same as etcd: " + name, g, w)
        f.expect_eq("same steps as etcd", [n for n, _ in got], [n for n, _ in want])
    else:
        f.expect("real etcd present (etcd-server)", False, e2e_lib.REAL_ETCD)
    f.finish()


if __name__ == "__main__":
    main()

"""Black-box multi-member cluster harness: N members of one implementation (Cairn's binary linked as
`etcd`, or Debian's real etcd; both take etcd's flags) on loopback with free ports, each member's
peer URL advertised through its own tcp_proxy.TcpProxy so tests can cut peer traffic.

  Cluster(binary, n)          start(), members, leader(), wait_leader(), kill9/stop/restart,
                              partition(m)/heal(), member_add/remove/promote (runbook order:
                              `member add` first, then start the new member with
                              --initial-cluster-state existing), ctl() (etcdctl), hashkv().
  KV(ports)                   put/get/cas/range_prefix through the v3 JSON gateway (/v3/kv/put,
                              /v3/kv/range, /v3/kv/txn; base64 bytes), failing over across ports.
  Load(...)                   concurrent put/get/cas clients recording a history for
                              tests/lincheck, or unique-key writers for lost-write checks.

Every wait is bounded; every process is killed at exit by its own pid (e2e_lib's atexit list).
"""
import base64
import http.client
import json
import os
import random
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time

import e2e_lib
import tcp_proxy

ETCDCTL = e2e_lib.ETCDCTL
CTL_ENV = {"ETCDCTL_API": "3", "PATH": "/usr/bin:/bin"}


def server_binary(impl, path=None):
    """The server executable for `impl`: "etcd" -> Debian's real etcd; "cairn" -> `path` (the
    //:cairn binary) exposed through a symlink named `etcd`, the name that selects its server face."""
    if impl == "etcd":
        return e2e_lib.REAL_ETCD
    src = os.path.abspath(path)
    d = tempfile.mkdtemp(prefix="cairn_bin_")
    link = os.path.join(d, "etcd")
    os.symlink(src, link)
    return link


def _ephemeral_low():
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


_rng = random.SystemRandom()


def free_port():
    """A currently free loopback port BELOW the kernel's ephemeral range, so the outgoing connections
    of every process on the machine (and other tests' bind-to-0 ports) cannot take it between this
    call and the server's bind."""
    low = _ephemeral_low()
    for _ in range(200):
        port = _rng.randrange(max(1024, low - 20000), low)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    return e2e_lib.free_port()


def measure(name, value, unit="ms"):
    """Prints one grep-able measurement line: `MEASURE <name>_<unit>=<value>`."""
    shown = ("%.0f" % value) if isinstance(value, float) else value
    print("MEASURE %s_%s=%s" % (name, unit, shown), flush=True)


# ---- JSON gateway client -------------------------------------------------------------------------


def b64(s):
    return base64.b64encode(s.encode() if isinstance(s, str) else s).decode()


def unb64(s):
    return base64.b64decode(s).decode(errors="replace")


class GatewayError(Exception):
    """A request failed (error reply, timeout, connection lost). `sent` is False only when the
    request certainly never reached a server (connection refused), so a write certainly did not
    happen; otherwise its outcome is unknown."""

    def __init__(self, msg, sent=True):
        super().__init__(msg)
        self.sent = sent


def post(endpoint_port, path, body, timeout_s=2.0, conn=None):
    """POSTs JSON to 127.0.0.1:port; returns the decoded reply or raises GatewayError."""
    own = conn is None
    c = conn or http.client.HTTPConnection("127.0.0.1", endpoint_port, timeout=timeout_s)
    try:
        try:
            c.request("POST", path, body=json.dumps(body), headers={"Content-Type": "application/json"})
        except ConnectionRefusedError as e:
            raise GatewayError("connection refused: %s" % e, sent=False)
        r = c.getresponse()
        data = r.read()
        if r.status != 200:
            try:
                msg = json.loads(data).get("error") or data.decode(errors="replace")
            except ValueError:
                msg = data.decode(errors="replace")
            raise GatewayError("HTTP %d: %s" % (r.status, msg))
        return json.loads(data)
    except (OSError, http.client.HTTPException, ValueError) as e:
        raise GatewayError("%s: %s" % (type(e).__name__, e))
    finally:
        if own:
            c.close()


class KV:
    """put/get over the JSON gateway on one of `ports` (client ports), failing over to the next one
    on error. Not thread-safe: one KV per thread."""

    def __init__(self, ports, timeout_s=2.0):
        self.ports = list(ports)
        self.i = 0
        self.timeout_s = timeout_s
        self.conn = None

    @property
    def port(self):
        return self.ports[self.i % len(self.ports)]

    def _call(self, path, body):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout_s)
        try:
            return post(self.port, path, body, conn=self.conn)
        except GatewayError:
            self.conn.close()
            self.conn = None
            self.i += 1  # fail over
            raise

    def put(self, key, value):
        return self._call("/v3/kv/put", {"key": b64(key), "value": b64(value)})

    def get(self, key, serializable=False):
        """The value (str) or None if absent."""
        r = self._call("/v3/kv/range", {"key": b64(key), "serializable": serializable})
        kvs = r.get("kvs") or []
        return unb64(kvs[0].get("value", "")) if kvs else None

    def cas(self, key, expect, value):
        """Txn: if key's value == expect (expect None: key absent) then put value. True if it did."""
        if expect is None:
            cmp = {"key": b64(key), "result": "EQUAL", "target": "CREATE", "create_revision": "0"}
        else:
            cmp = {"key": b64(key), "result": "EQUAL", "target": "VALUE", "value": b64(expect)}
        r = self._call("/v3/kv/txn", {"compare": [cmp],
                                      "success": [{"request_put": {"key": b64(key), "value": b64(value)}}]})
        return bool(r.get("succeeded", False))

    def range_prefix(self, prefix, serializable=False):
        """{key: value} of every key starting with `prefix`."""
        end = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        r = self._call("/v3/kv/range",
                       {"key": b64(prefix), "range_end": b64(end), "serializable": serializable})
        return {unb64(kv["key"]): unb64(kv.get("value", "")) for kv in r.get("kvs") or []}

    def close(self):
        if self.conn:
            self.conn.close()


# ---- members and cluster -------------------------------------------------------------------------


class Member:
    def __init__(self, name, base_dir, resolver):
        self.name = name
        self.dir = os.path.join(base_dir, name)
        os.makedirs(self.dir, exist_ok=True)
        self.client_port = free_port()
        self.listen_peer_port = free_port()
        self.proxy = tcp_proxy.TcpProxy(self.listen_peer_port, listen_port=free_port(), resolver=resolver,
                                        name="proxy-" + name)
        self.proc = None
        self.log_path = os.path.join(self.dir, "server.log")
        self.id = None  # hex member id, known once it answered
        self.learner = False

    @property
    def client_url(self):
        return "http://127.0.0.1:%d" % self.client_port

    @property
    def peer_url(self):
        """The advertised peer URL: the proxy in front of the member's peer listener."""
        return "http://127.0.0.1:%d" % self.proxy.port

    @property
    def pid(self):
        return self.proc.pid if self.proc and self.proc.poll() is None else None

    def alive(self):
        return self.pid is not None

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def status(self, timeout_s=1.0):
        """The Maintenance.Status reply (gateway JSON) or raises GatewayError."""
        st = post(self.client_port, "/v3/maintenance/status", {}, timeout_s=timeout_s)
        self.id = "%x" % int(st["header"]["member_id"])
        return st

    def kv(self, timeout_s=2.0):
        return KV([self.client_port], timeout_s=timeout_s)


class Cluster:
    def __init__(self, binary, n=3, heartbeat_ms=50, election_ms=500, snapshot_count=None, token=None,
                 extra_flags=()):
        self.binary = binary
        self.base = tempfile.mkdtemp(prefix="cluster_")
        self.heartbeat_ms = heartbeat_ms
        self.election_ms = election_ms
        self.snapshot_count = snapshot_count
        self.token = token or "cairn-e2e-%d" % random.randrange(1 << 30)
        self.extra = list(extra_flags)
        self._seq = 0
        self.resolver = tcp_proxy.ProcessResolver(lambda: {m.name: m.pid for m in self.members})
        self.members = [self._new_member() for _ in range(n)]
        self.removed = []

    def _new_member(self):
        self._seq += 1
        return Member("m%d" % self._seq, self.base, self.resolver)

    # ---- processes -----------------------------------------------------------------------------

    def _launch(self, m, initial_cluster, state):
        args = [self.binary, "--name", m.name, "--data-dir", os.path.join(m.dir, "data"),
                "--listen-client-urls", m.client_url, "--advertise-client-urls", m.client_url,
                "--listen-peer-urls", "http://127.0.0.1:%d" % m.listen_peer_port,
                "--initial-advertise-peer-urls", m.peer_url,
                "--initial-cluster", initial_cluster, "--initial-cluster-state", state,
                "--initial-cluster-token", self.token,
                "--heartbeat-interval", str(self.heartbeat_ms), "--election-timeout", str(self.election_ms)]
        if self.snapshot_count is not None:
            args += ["--snapshot-count", str(self.snapshot_count)]
        log = open(m.log_path, "ab")
        m.proc = subprocess.Popen(args + self.extra, stdout=log, stderr=subprocess.STDOUT, cwd=m.dir)
        log.close()
        e2e_lib._started.append(m.proc)
        m.initial_cluster, m.state = initial_cluster, state

    def initial_cluster(self, members=None):
        return ",".join("%s=%s" % (m.name, m.peer_url) for m in (members or self.members))

    def start(self, timeout_s=30):
        ic = self.initial_cluster()
        for m in self.members:
            self._launch(m, ic, "new")
        for m in self.members:
            self._wait_fresh(m, timeout_s)
        self.wait_leader(timeout_s=timeout_s)
        return self

    def _wait_fresh(self, m, timeout_s, attempts=3):
        """wait_healthy for a member started for the first time; if it died because one of its
        ports was taken meanwhile, gives it new client and peer-listen ports (its advertised peer
        URL, the proxy's, stays) and starts it again."""
        for attempt in range(attempts):
            try:
                return self.wait_healthy(m, timeout_s)
            except RuntimeError:
                if m.alive() or "address already in use" not in m.log() or attempt + 1 == attempts:
                    raise
            m.client_port, m.listen_peer_port = free_port(), free_port()
            m.proxy.target_port = m.listen_peer_port
            self._launch(m, m.initial_cluster, m.state)

    def wait_healthy(self, m, timeout_s=30):
        """Waits until `m` answers a Status and sees a leader."""
        deadline = time.time() + timeout_s
        last = None
        while time.time() < deadline:
            if m.proc.poll() is not None:
                raise RuntimeError("%s exited with %d:\n%s" % (m.name, m.proc.returncode, m.log()[-3000:]))
            try:
                st = m.status()
                if int(st.get("leader", "0")) != 0:
                    return st
                last = st
            except e2e_lib_errors() as e:
                last = e
            time.sleep(0.05)
        raise RuntimeError("%s not healthy within %ds (%s):\n%s" % (m.name, timeout_s, last, m.log()[-3000:]))

    def kill9(self, m):
        m.proc.kill()
        m.proc.wait(timeout=10)

    def stop(self, m, timeout_s=15):
        if m.proc and m.proc.poll() is None:
            m.proc.terminate()
            try:
                m.proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                m.proc.kill()
                m.proc.wait(timeout=10)

    def restart(self, m, wait=True, timeout_s=30):
        """Starts a stopped member again on its data dir (its initial flags are ignored then)."""
        assert not m.alive(), m.name
        self._launch(m, m.initial_cluster, m.state)
        if wait:
            self.wait_healthy(m, timeout_s)

    def close(self):
        for m in self.members + self.removed:
            if m.alive():
                m.proc.kill()
                m.proc.wait(timeout=10)
            m.proxy.close()

    def save_logs(self, dest_dir):
        """Copies every member's server.log to dest_dir/<cluster dir>/<member>.log."""
        d = os.path.join(dest_dir, os.path.basename(self.base))
        os.makedirs(d, exist_ok=True)
        for m in self.members + self.removed:
            if os.path.exists(m.log_path):
                shutil.copy(m.log_path, os.path.join(d, m.name + ".log"))
        return d

    def remove_data(self):
        """Deletes the cluster's directory (data dirs and logs): etcd preallocates 64 MB WAL files."""
        shutil.rmtree(self.base, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *exc):
        self.close()
        # Data dirs preallocate WAL space (128 MB per Cairn member): keep them only for a failure
        # or when asked to (CLUSTER_KEEP=1).
        if exc_type is None and not os.environ.get("CLUSTER_KEEP"):
            self.remove_data()

    # ---- leadership ----------------------------------------------------------------------------

    def statuses(self, members=None, timeout_s=1.0):
        """{member name: Status reply} for the members that answer."""
        out = {}
        for m in members or self.members:
            if not m.alive():
                continue
            try:
                out[m.name] = m.status(timeout_s=timeout_s)
            except e2e_lib_errors():
                pass
        return out

    def leader(self, members=None):
        """The member that a majority of the cluster's answering members names as leader and that
        names itself, or None."""
        members = [m for m in (members or self.members) if m.alive()]
        sts = self.statuses(members)
        votes = {}
        for st in sts.values():
            lid = int(st.get("leader", "0"))
            if lid:
                votes[lid] = votes.get(lid, 0) + 1
        for m in members:
            st = sts.get(m.name)
            if not st:
                continue
            mid = int(st["header"]["member_id"])
            if votes.get(mid, 0) * 2 > len(self.members) and int(st.get("leader", "0")) == mid:
                return m
        return None

    def wait_leader(self, timeout_s=20, exclude=None, members=None):
        """Waits for a leader other than `exclude`; returns it."""
        deadline = time.time() + timeout_s
        while time.time() < deadline:
            m = self.leader(members)
            if m is not None and m is not exclude:
                return m
            time.sleep(0.02)
        raise RuntimeError("no leader within %ds; statuses: %s" % (timeout_s, self.statuses()))

    def followers(self):
        ld = self.leader()
        return [m for m in self.members if m is not ld and m.alive()]

    # ---- network faults ------------------------------------------------------------------------

    def partition(self, m, mode=tcp_proxy.BLACKHOLE):
        """Isolates `m` from the other members: its proxy drops every peer connection made to it,
        and the other members' proxies drop the connections `m` makes to them. Client ports are
        not touched."""
        m.proxy.set_mode(mode)
        for o in self.members:
            if o is not m:
                o.proxy.set_mode(mode, source=m.name)

    def heal(self):
        for o in self.members:
            o.proxy.clear()

    # ---- etcdctl -------------------------------------------------------------------------------

    def endpoints(self, members=None):
        """Client URLs of `members`, by default of the live voting members (a learner refuses most
        RPCs: "etcdserver: rpc not supported for learner")."""
        chosen = members or [m for m in self.members if not m.learner]
        return ",".join(m.client_url for m in chosen if m.alive())

    def ctl(self, *args, members=None, timeout_s=30, check=True, command_timeout="10s"):
        """Runs etcdctl against the live voting members (or `members`): (rc, stdout, stderr)."""
        cmd = [ETCDCTL, "--endpoints=" + self.endpoints(members), "--dial-timeout=3s",
               "--command-timeout=" + command_timeout] + list(args)
        p = subprocess.run(cmd, capture_output=True, text=True, env=CTL_ENV, timeout=timeout_s)
        if check and p.returncode != 0:
            raise AssertionError("etcdctl %s failed (%d): %s" % (" ".join(args), p.returncode, p.stderr))
        return p.returncode, p.stdout, p.stderr

    def member_list(self, members=None):
        """`member list -w json` members: [{ID (int), name, peerURLs, clientURLs, isLearner}]."""
        _, out, _ = self.ctl("member", "list", "-w", "json", members=members)
        return json.loads(out).get("members", [])

    def member_id(self, m):
        others = [o for o in self.members if o is not m and o.alive() and not o.learner]
        for x in self.member_list(members=others or None):
            if m.peer_url in x.get("peerURLs", []):
                return "%x" % x["ID"]
        raise AssertionError("%s not in member list" % m.name)

    def member_add(self, learner=False, timeout_s=40):
        """Runbook step 1: `etcdctl member add` (retried while etcd refuses it, e.g. the cluster is not
        yet fully connected for 5 s: "etcdserver: unhealthy cluster"). Returns the new Member, not yet
        started, and the refusals seen."""
        m = self._new_member()
        args = ["member", "add", m.name, "--peer-urls=" + m.peer_url] + (["--learner"] if learner else [])
        deadline = time.time() + timeout_s
        refusals = []
        while True:
            rc, out, err = self.ctl(*args, check=False)
            if rc == 0:
                break
            refusals.append(err.strip())
            if not transient(err):
                m.proxy.close()
                raise AssertionError("member add failed: %s" % err.strip()[-2000:])
            if time.time() > deadline:
                m.proxy.close()
                raise AssertionError("member add refused for %ds: %s" % (timeout_s, refusals[-3:]))
            time.sleep(0.5)
        env = dict(re.findall(r'^(ETCD_\w+)="(.*)"$', out, re.M))
        m.initial_cluster = env.get("ETCD_INITIAL_CLUSTER")
        m.learner = learner
        m.added_output = out
        self.members.append(m)
        return m, refusals

    def start_added(self, m, wait=True, timeout_s=30):
        """Runbook step 2: start the added member with --initial-cluster-state existing and the
        ETCD_INITIAL_CLUSTER that `member add` printed."""
        self._launch(m, m.initial_cluster, "existing")
        if wait:
            self._wait_fresh(m, timeout_s)

    def member_remove(self, m, timeout_s=40):
        """`etcdctl member remove`, retried while refused for a transient reason (etcd's strict
        reconfig check refuses it until every voter has been connected for 5 s). Returns the
        refusals seen."""
        mid = self.member_id(m)
        others = [o for o in self.members if o is not m and o.alive() and not o.learner]
        deadline = time.time() + timeout_s
        refusals = []
        while True:
            rc, _, err = self.ctl("member", "remove", mid, members=others, check=False)
            if rc == 0:
                break
            refusals.append(err.strip())
            if not transient(err) or time.time() > deadline:
                raise AssertionError("member remove failed: %s" % err.strip()[-2000:])
            time.sleep(0.5)
        self.members.remove(m)
        self.removed.append(m)
        if m.alive():
            # A removed etcd member stops itself; do not leave a stray process either way.
            try:
                m.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                m.proc.kill()
                m.proc.wait(timeout=10)
        m.proxy.close()
        return refusals

    def member_promote(self, m, timeout_s=30):
        """`member promote`, retried while refused (etcd refuses a learner not yet in sync).
        Returns the refusals seen."""
        mid = self.member_id(m)
        deadline = time.time() + timeout_s
        refusals = []
        while True:
            rc, out, err = self.ctl("member", "promote", mid, check=False)
            if rc == 0:
                m.learner = False
                return refusals
            refusals.append(err.strip())
            if not transient(err) and LEARNER_NOT_READY not in err:
                raise AssertionError("member promote failed: %s" % err.strip()[-2000:])
            if time.time() > deadline:
                raise AssertionError("member promote refused for %ds: %s" % (timeout_s, refusals[-3:]))
            time.sleep(0.2)

    def hashkv(self, rev, members=None):
        """{member name: hash} from `endpoint hashkv --rev` on each member separately."""
        out = {}
        for m in members or self.members:
            if not m.alive():
                continue
            _, o, _ = self.ctl("endpoint", "hashkv", "--rev=%d" % rev, "-w", "json", members=[m])
            out[m.name] = json.loads(o)[0]["HashKV"]["hash"]
        return out

    def wait_converged(self, timeout_s=30, members=None):
        """Waits until every live member reports the same revision and raft applied index, then
        returns (revision, {name: hashkv at that revision})."""
        members = [m for m in (members or self.members) if m.alive()]
        deadline = time.time() + timeout_s
        last = None
        while time.time() < deadline:
            sts = self.statuses(members)
            if len(sts) == len(members):
                revs = {int(s["header"]["revision"]) for s in sts.values()}
                idx = {int(s.get("raftAppliedIndex", s.get("raftIndex", 0))) for s in sts.values()}
                if len(revs) == 1 and len(idx) == 1:
                    rev = revs.pop()
                    return rev, self.hashkv(rev, members)
                last = {n: (s["header"]["revision"], s.get("raftAppliedIndex")) for n, s in sts.items()}
            time.sleep(0.05)
        raise RuntimeError("members did not converge within %ds: %s" % (timeout_s, last))


# etcd's refusals of a membership change that go away by themselves (retried by the helpers).
TRANSIENT_ERRORS = (
    "etcdserver: unhealthy cluster",  # not every voter connected for 5 s (strict reconfig check)
    "etcdserver: re-configuration failed due to not enough started members",
    "etcdserver: request timed out",
    "etcdserver: leader changed",
    "etcdserver: no leader",
    "context deadline exceeded",
)
LEARNER_NOT_READY = "etcdserver: can only promote a learner member which is in sync with leader"


def transient(stderr):
    return any(e in stderr for e in TRANSIENT_ERRORS)


def e2e_lib_errors():
    return (GatewayError, OSError, ValueError, KeyError)


# ---- load generation -----------------------------------------------------------------------------


class History:
    """Thread-safe list of lincheck operations."""

    def __init__(self):
        self.ops = []
        self._lock = threading.Lock()

    def add(self, op):
        with self._lock:
            self.ops.append(op)


class Load:
    """`clients` threads, client i talking to ports[i % len(ports)] first and failing over to the
    next port on error. Each does, until stop(), a random put (unique value) or linearizable get on
    one of `keys`, or with cas_ratio a cas (txn compare value, put) from the value the client last
    read there (or, with unique_prefix, only puts, each to a new key). Records every op in
    `history`; puts that failed after being sent are pending (return_time None); failed gets and
    never-sent puts are dropped. acked_puts: [(key, value, return time)]."""

    def __init__(self, ports, keys, clients=4, put_ratio=0.5, timeout_s=2.0, seed=1, pause_s=0.0,
                 unique_prefix=None, cas_ratio=0.0):
        self.history = History()
        self.keys = list(keys)
        self.unique_prefix = unique_prefix  # if set: only puts, each to a new key under this prefix
        self.cas_ratio = cas_ratio  # share of ops that are a cas from the value this client last read
        self.ports = list(ports)
        self.clients = clients
        self.put_ratio = put_ratio
        self.timeout_s = timeout_s
        self.seed = seed
        self.pause_s = pause_s
        self._stop = threading.Event()
        self._threads = []
        self.acked_puts = []  # (key, value, return_time)
        self.errors = []
        self.ok_ops = 0
        self.last_ok_time = 0.0
        self._lock = threading.Lock()

    def start(self):
        for c in range(self.clients):
            t = threading.Thread(target=self._run, args=(c,), daemon=True)
            t.start()
            self._threads.append(t)
        return self

    def stop(self):
        self._stop.set()
        for t in self._threads:
            t.join(timeout=self.timeout_s + 10)

    def clients_acked_since(self, t0):
        """The clients with an acknowledged op called after t0 (monotonic)."""
        with self._lock:
            return {o["client"] for o in self.history.ops if o["return_time"] and o["call_time"] > t0}

    def first_ok_after(self, t0, timeout_s=20):
        """Waits for an acknowledged op that started after t0; returns its return time."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self._lock:
                oks = [o["return_time"] for o in self.history.ops
                       if o["return_time"] is not None and o["call_time"] > t0 and o["op"] == "put"]
            if oks:
                return min(oks)
            time.sleep(0.01)
        return None

    def _run(self, c):
        rng = random.Random(self.seed * 1000 + c)
        ports = self.ports[c % len(self.ports):] + self.ports[:c % len(self.ports)]
        kv = KV(ports, timeout_s=self.timeout_s)
        seq = 0
        last_read = {}
        while not self._stop.is_set():
            seq += 1
            if self.unique_prefix:
                key = "%sc%d/%06d" % (self.unique_prefix, c, seq)
            else:
                key = rng.choice(self.keys)
            dice = rng.random()
            if not self.unique_prefix and dice < self.cas_ratio:
                value = "c%d-%d" % (c, seq)
                expect = last_read.get(key)
                op = {"client": c, "op": "cas", "input": {"key": key, "expect": expect, "value": value},
                      "output": None, "call_time": time.monotonic()}
                try:
                    op["output"] = kv.cas(key, expect, value)
                    op["return_time"] = time.monotonic()
                    with self._lock:
                        self.ok_ops += 1
                except GatewayError as e:
                    op["return_time"] = None
                    self.errors.append(str(e))
                    if not e.sent:
                        op = None
            elif self.unique_prefix or dice < self.cas_ratio + self.put_ratio:
                value = "c%d-%d" % (c, seq)
                op = {"client": c, "op": "put", "input": {"key": key, "value": value}, "output": None}
                op["call_time"] = time.monotonic()
                try:
                    kv.put(key, value)
                    op["return_time"] = time.monotonic()
                    with self._lock:
                        self.acked_puts.append((key, value, op["return_time"]))
                        self.ok_ops += 1
                except GatewayError as e:
                    op["return_time"] = None
                    self.errors.append(str(e))
                    if not e.sent:
                        op = None
            else:
                op = {"client": c, "op": "get", "input": {"key": key}}
                op["call_time"] = time.monotonic()
                try:
                    op["output"] = kv.get(key)
                    op["return_time"] = time.monotonic()
                    last_read[key] = op["output"]
                    with self._lock:
                        self.ok_ops += 1
                except GatewayError as e:
                    self.errors.append(str(e))
                    op = None
            if op is not None:
                with self._lock:
                    self.history.ops.append(op)
            if op is None or op["return_time"] is None:
                time.sleep(0.05)  # back off on errors
            elif self.pause_s:
                time.sleep(self.pause_s)
        kv.close()

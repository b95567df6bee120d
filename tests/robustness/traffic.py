"""The two traffic profiles of etcd's robustness suite, each run by several concurrent Clients at a
bounded rate (one request per `period_s` per client at most), until stop is set.

  kubernetes: create = txn(mod_revision==0 ? put : get), update/delete = txn(mod_revision==rev ?
              put|delete : get), paginated lists (limit 10) pinned to the first page's revision,
              event-like keys put with a lease; ~80% updates.
  etcd:       get, serializable get, range, put, large put (32 KiB), delete, multi-op txn, put
              with a lease, lease revoke (+ a new grant), compare-and-set on the value.
Every value written is unique in the run ("c<client>-<seq>"), which the checkers rely on.
"""
import random
import time

K8S_PREFIX = "/registry/"
ETCD_PREFIX = "/etcd/"
K8S_KEYS = ["/registry/pods/default/pod-%d" % i for i in range(8)]
ETCD_KEYS = ["/etcd/key-%d" % i for i in range(8)]
LEASE_TTL = 600  # long: leases end by revoke only, never by expiry during a run


def prefix_end(p):
    return p[:-1] + chr(ord(p[-1]) + 1)


class Profile:
    def __init__(self, client, seed, stop, period_s):
        self.c = client
        self.rng = random.Random(seed)
        self.stop = stop
        self.period_s = period_s
        self.seq = 0
        self.lease = None

    def value(self, size=0):
        self.seq += 1
        v = "c%d-%d" % (self.c.cid, self.seq)
        return v + ":" + "x" * size if size else v

    def run(self):
        while not self.stop.is_set():
            t0 = time.monotonic()
            self.step()
            left = self.period_s - (time.monotonic() - t0)
            if left > 0:
                self.stop.wait(left)
        self.c.close()

    def ensure_lease(self):
        if self.lease is None:
            self.lease = self.c.lease_grant(LEASE_TTL)
        return self.lease


class Kubernetes(Profile):
    """Keeps what it last saw of each key (mod revision, or 0 = absent), as a reflector's cache."""

    def __init__(self, *a):
        super().__init__(*a)
        self.seen = {}

    def _learn(self, key, resp, branch_results):
        if resp is None:
            self.seen.pop(key, None)
            return
        for r in branch_results:
            if "kvs" in r:
                kvs = r["kvs"]
                self.seen[key] = kvs[0][2] if kvs else 0
                return
        self.seen[key] = resp["rev"]  # our own put/delete succeeded at this revision

    def step(self):
        d = self.rng.random()
        if d < 0.07:
            return self.list()
        if d < 0.12:
            lease = self.ensure_lease()
            key = "/registry/events/default/ev-%d-%d" % (self.c.cid, self.seq)
            return self.c.txn(success=[["put", key, self.value(), lease or 0]])
        key = self.rng.choice(K8S_KEYS)
        rev = self.seen.get(key)
        if rev is None:  # unknown: read it first
            resp = self.c.txn(success=[["range", key, "", 0, 0]])
            return self._learn(key, resp, resp["results"] if resp else [])
        get = ["range", key, "", 0, 0]
        if rev == 0:
            resp = self.c.txn([[key, "mod", 0]], [["put", key, self.value(), 0]], [get])
        elif d < 0.17:
            resp = self.c.txn([[key, "mod", rev]], [["del", key, ""]], [get])
            if resp and resp["succeeded"]:
                self.seen[key] = 0
                return
        else:
            resp = self.c.txn([[key, "mod", rev]], [["put", key, self.value(), 0]], [get])
        self._learn(key, resp, resp["results"] if resp and not resp["succeeded"] else [])

    def list(self):
        """Pages of 10 over the prefix, every page after the first pinned to the first's revision."""
        key, end, rev = K8S_PREFIX, prefix_end(K8S_PREFIX), 0
        for _ in range(50):
            resp = self.c.txn(success=[["range", key, end, 10, rev]])
            if resp is None:
                return
            rev = rev or resp["rev"]
            r = resp["results"][0]
            if not r["more"] or not r["kvs"]:
                return
            key = r["kvs"][-1][0] + "\0"


class Etcd(Profile):
    def __init__(self, *a):
        super().__init__(*a)
        self.last = {}  # key -> value this client last read or wrote

    def remember(self, key, value):
        """Only exact values can be compared on: a large value is recorded abbreviated (norm)."""
        if value is None or "...(" in value:
            self.last.pop(key, None)
        else:
            self.last[key] = value

    def step(self):
        key = self.rng.choice(ETCD_KEYS)
        d = self.rng.random()
        c = self.c
        if d < 0.15:
            resp = c.txn(success=[["range", key, "", 0, 0]])
            if resp and resp["results"][0]["kvs"]:
                self.remember(key, resp["results"][0]["kvs"][0][1])
        elif d < 0.25:
            c.txn(success=[["range", key, "", 0, 0]], serializable=True)
        elif d < 0.32:
            c.txn(success=[["range", ETCD_PREFIX, prefix_end(ETCD_PREFIX), 0, 0]])
        elif d < 0.55:
            v = self.value()
            if c.txn(success=[["put", key, v, 0]]):
                self.last[key] = v
        elif d < 0.60:
            c.txn(success=[["put", key, self.value(32 * 1024), 0]])
        elif d < 0.66:
            c.txn(success=[["del", key, ""]])
        elif d < 0.74:
            k2 = self.rng.choice([k for k in ETCD_KEYS if k != key])
            k3 = self.rng.choice([k for k in ETCD_KEYS if k not in (key, k2)])
            c.txn(success=[["put", key, self.value(), 0], ["put", k2, self.value(), 0], ["range", k3, "", 0, 0]])
        elif d < 0.82:
            lease = self.ensure_lease()
            if lease:  # leased keys apart: a revoke deletes them (lincheck leaves them out)
                c.txn(success=[["put", key.replace("/key-", "/leased-"), self.value(), lease]])
        elif d < 0.86:
            if self.lease:
                resp = c.lease_revoke(self.lease)
                if resp is not None:
                    self.lease = None
        else:
            expect = self.last.get(key)
            if expect is None:
                return c.txn(success=[["range", key, "", 0, 0]])
            v = self.value()
            resp = c.txn([[key, "value", expect]], [["put", key, v, 0]], [["range", key, "", 0, 0]])
            if resp and resp["succeeded"]:
                self.last[key] = v
            elif resp:
                kvs = resp["results"][0]["kvs"]
                self.remember(key, kvs[0][1] if kvs else None)


PROFILES = {"kubernetes": Kubernetes, "etcd": Etcd}

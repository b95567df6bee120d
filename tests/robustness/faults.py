"""One fault per run, injected into a cluster_lib.Cluster by a timer thread.

  kill_random / kill_leader / kill_follower   SIGKILL, then restart on the same data dir
  restart                                     SIGTERM (graceful), then restart
  blackhole / delay / drop                    (3 members) one member's peer links, both directions,
                                              for `length_s`: every byte dropped / each chunk
                                              delayed 75+-50 ms / each chunk cuts its connection
                                              with probability 1/2 (a lossy link as connection
                                              churn: dropping bytes inside a stream only corrupts
                                              framing); then healed
FaultyProxy subclasses tests/e2e/tcp_proxy.TcpProxy with the delay and drop behaviours;
install(cluster) swaps it in front of every member before start.
"""
import random
import threading
import time

import cluster_lib
import tcp_proxy

PROCESS_FAULTS = ["kill_random", "kill_leader", "kill_follower", "restart"]
NETWORK_FAULTS = ["blackhole", "delay", "drop"]
NOT_COVERED = ["failpoint crashes (needs a server failpoint mechanism)", "kill with unsynced writes dropped",
               "blackhole until a snapshot is needed", "member replace", "slow disk (fsync delayed)"]


def faults_for(n):
    return PROCESS_FAULTS + NETWORK_FAULTS if n > 1 else ["kill_random", "restart"]


class FaultyProxy(tcp_proxy.TcpProxy):
    seeds = random.Random(0)  # reseeded by install(): each proxy's delay/drop dice follow the seed

    def __init__(self, *a, **kw):
        self.extra = {}  # source (None: default) -> "delay" | "drop"
        self.hits = 0  # chunks delayed or connections cut
        self._frng = random.Random(FaultyProxy.seeds.random())
        super().__init__(*a, **kw)

    def set_extra(self, kind, source=None):
        self.extra[source] = kind

    def clear(self):
        self.extra.clear()
        super().clear()

    def _forward(self, c, data, dst):
        kind = self.extra.get(c.source, self.extra.get(None))
        if kind:
            self.hits += 1
        if kind == "delay":
            time.sleep(0.075 + self._frng.uniform(-0.05, 0.05))
        elif kind == "drop" and self._frng.random() < 0.5:
            raise OSError("dropped")  # the pump closes the connection
        dst.sendall(data)


def install(seed):
    """Makes every cluster_lib.Cluster built from now on put a FaultyProxy before each member (the
    harness builds its proxies through tcp_proxy.TcpProxy)."""
    FaultyProxy.seeds.seed(seed)
    cluster_lib.tcp_proxy.TcpProxy = FaultyProxy


class Injector:
    """Injects `kind` at t0 + at_s, into a member chosen by `pick` (a float in [0, 1)), for length_s."""

    def __init__(self, cluster, kind, at_s, length_s, pick, log):
        self.cluster, self.kind, self.at_s, self.length_s, self.pick = cluster, kind, at_s, length_s, pick
        self.log = log  # list of (time, text)
        self.restarts = {}  # member name -> [monotonic times it was started again]
        self.error = None
        self._thread = None

    def note(self, text):
        self.log.append((time.monotonic(), text))

    def start(self, stop):
        self._thread = threading.Thread(target=self._run, args=(stop,), daemon=True)
        self._thread.start()

    def join(self):
        self._thread.join(timeout=120)

    def _target(self):
        c = self.cluster
        members = list(c.members)
        if self.kind == "kill_leader" or (self.kind in NETWORK_FAULTS and self.pick < 0.5):
            ld = c.wait_leader(timeout_s=20)
            return ld
        if self.kind == "kill_follower" or self.kind in NETWORK_FAULTS:
            fs = c.followers() or members
            return fs[int(self.pick * len(fs))]
        return members[int(self.pick * len(members))]

    def _run(self, stop):
        if stop.wait(self.at_s):
            return
        c = self.cluster
        try:
            m = self._target()
            self.note("%s %s" % (self.kind, m.name))
            if self.kind in NETWORK_FAULTS:
                if self.kind == "blackhole":
                    c.partition(m)
                else:
                    m.proxy.set_extra(self.kind)
                    for o in c.members:
                        if o is not m:
                            o.proxy.set_extra(self.kind, source=m.name)
                time.sleep(self.length_s)
                hits = sum(o.proxy.hits for o in c.members)
                c.heal()
                self.note("healed" + (" (%d chunks hit)" % hits if self.kind != "blackhole" else ""))
                return
            if self.kind == "restart":
                c.stop(m)
            else:
                c.kill9(m)
            time.sleep(self.length_s / 4)
            self.restarts.setdefault(m.name, []).append(time.monotonic())
            c.restart(m, wait=True, timeout_s=60)
            self.note("%s back" % m.name)
        except Exception as e:  # noqa: BLE001 (reported as a run error, never swallowed)
            self.error = "%s: %s" % (type(e).__name__, e)
            self.note("fault error: " + self.error)

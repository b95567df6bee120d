"""Recording watchers. A Watcher keeps one gRPC Watch stream on [key, end) from `start`, with
progress notifications (and prev_kv if asked), and records every response; when the stream breaks
(member killed, partition) it reopens on the next member from coverage+1, where coverage is the
highest revision it knows it has every event of: the last event's revision, or a progress
notification's header revision. A cancel (for compaction or any other reason) ends it and is recorded; the runner never compacts
past a live watcher's coverage, so checks.py reports any cancel.

Record (JSON-serializable; read by checks.py):
  {"name", "key", "end", "start", "prev_kv", "filters": ["NOPUT" | "NODELETE"], "compacted": rev or 0,
   "canceled": reason or None,
   "opens": [start rev, ...],
   "responses": [{"rev": header rev, "progress": bool, "member",
                  "events": [[type "PUT"|"DELETE", key, value, mod, create, version, lease,
                              prev (None or [key, value, mod, create, version, lease])]]}]}
The run's recorder is a Watcher on the whole keyspace from the first revision: its events are the
reference history the checkers replay (and cross-check against every read and acknowledged write).
"""
import threading
import time

import grpc

from client import norm


def _kv(kv):
    return [kv.key.decode(), norm(kv.value), kv.mod_revision, kv.create_revision, kv.version, kv.lease]


class Watcher:
    def __init__(self, pb, name, members, key, end, start, prev_kv=False, first=0, filters=()):
        self.rpc, _, self.grpc_stubs = pb
        self.members = members
        self.i = first
        self.rec = {"name": name, "key": key, "end": end, "start": start, "prev_kv": prev_kv,
                    "filters": list(filters),
                    "compacted": 0, "canceled": None, "opens": [],
                    "responses": []}
        self.coverage = start - 1
        self._stop = threading.Event()
        self._call = None
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="watch-" + name, daemon=True)

    def start(self):
        self._thread.start()
        return self

    @property
    def active(self):
        return not self._stop.is_set() and not self.rec["canceled"]

    def stop(self):
        self._stop.set()
        with self._lock:
            if self._call is not None:
                self._call.cancel()
        self._thread.join(timeout=10)

    def wait_coverage(self, rev, timeout_s):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.coverage >= rev or self.rec["canceled"]:
                return True
            time.sleep(0.05)
        return False

    def wait_progress(self, rev, timeout_s):
        """Waits for a progress notification at revision >= rev (the watch idle at the end)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if any(r["progress"] and r["rev"] >= rev for r in self.rec["responses"][-5:]) or self.rec["canceled"]:
                return True
            time.sleep(0.05)
        return False

    def _requests(self, start, done):
        self.rec["opens"].append(start)
        yield self.rpc.WatchRequest(create_request=self.rpc.WatchCreateRequest(
            key=self.rec["key"].encode(), range_end=self.rec["end"].encode(), start_revision=start,
            prev_kv=self.rec["prev_kv"], progress_notify=True,
            filters=[self.rpc.WatchCreateRequest.FilterType.Value(f) for f in self.rec["filters"]]))
        done.wait()

    def _run(self):
        while not self._stop.is_set():
            name, port = self.members[self.i % len(self.members)]
            ch = grpc.insecure_channel("127.0.0.1:%d" % port)
            done = threading.Event()
            try:
                call = self.grpc_stubs.WatchStub(ch).Watch(self._requests(self.coverage + 1, done))
                with self._lock:
                    self._call = call
                if self._stop.is_set():
                    call.cancel()
                for r in call:
                    if self._take(r, name):
                        self._stop.set()
                        break
            except grpc.RpcError:
                pass
            finally:
                done.set()
                with self._lock:
                    self._call = None
                ch.close()
            if not self._stop.is_set():
                self.i += 1
                self._stop.wait(0.1)

    def _take(self, r, member):
        """Records one response; True when the watch ended for good (compacted)."""
        if r.compact_revision:
            self.rec["compacted"] = r.compact_revision
            self.rec["canceled"] = "compacted at %d: %s" % (r.compact_revision, r.cancel_reason)
            return True
        if r.canceled:
            self.rec["canceled"] = r.cancel_reason or "canceled"
            return True
        if r.created:
            return False
        evs = []
        for e in r.events:
            prev = _kv(e.prev_kv) if e.HasField("prev_kv") else None
            evs.append(["PUT" if e.type == 0 else "DELETE"] + _kv(e.kv) + [prev])
        self.rec["responses"].append({"rev": r.header.revision, "progress": not evs, "member": member,
                                      "events": evs})
        if evs:
            self.coverage = max(self.coverage, evs[-1][3])
        else:
            self.coverage = max(self.coverage, r.header.revision)
        return False

"""A recording gRPC client of one Cairn cluster: every KV request is expressed as one generic txn
(compares, success ops, failure ops) and appended to the shared History with its call/return
times, the member asked, and the response (header revision, succeeded, per-op results).

Op record (JSON-serializable; the checkers in checks.py read exactly this):
  {"id", "client", "member", "call", "ret" (None: outcome unknown, maybe applied),
   "serializable": bool, "kind": "txn" | "revoke" | "grant",
   "compare": [[key, target("mod"|"value"), expected]],
   "success": [op], "failure": [op], "lease": id (revoke/grant),
   "resp": {"rev", "succeeded", "results": [result]} or None, "error": str or None}
  op:     ["put", key, value, lease] | ["del", key, end] | ["range", key, end, limit, revision]
  result: {"kvs": [[key, value, mod, create, version, lease]], "more", "count"} | {} | {"deleted": n}
Keys and values are str; values longer than 64 bytes are recorded as norm(value) (prefix + length)
in requests, responses and watch events alike, so comparisons stay exact and histories small.
Failed reads are kept with ret None and are ignored by the checkers; failed writes are pending
(maybe applied), except those gRPC never sent ("not_sent": True), which the checkers leave out.
"""
import itertools
import time

import grpc

import cluster_lib

History = cluster_lib.History  # the thread-safe op list

_ids = itertools.count(1)


def norm(v):
    """The recorded form of a value (bytes or str)."""
    s = v.decode("latin-1") if isinstance(v, bytes) else v
    return s if len(s) <= 64 else "%s...(%d)" % (s[:40], len(s))


def never_sent(e):
    """True when gRPC never got a connection for the call ("failed to connect to all addresses"):
    the request certainly reached no server, so it certainly had no effect."""
    return e.code() == grpc.StatusCode.UNAVAILABLE and "failed to connect" in (e.details() or "")


class Client:
    """One logical client (not thread-safe): talks to members[i] and fails over to the next one on
    an error that may mean the member is gone."""

    def __init__(self, pb, cid, members, history, timeout_s=1.5, first=0):
        self.rpc, self.kvpb, self.grpc_stubs = pb
        self.cid = cid
        self.members = members  # [(name, port)]
        self.i = first
        self.history = history
        self.timeout_s = timeout_s
        self._chans = {}

    def _stub(self, kind):
        name, port = self.members[self.i % len(self.members)]
        ch = self._chans.get(name)
        if ch is None:
            ch = self._chans[name] = grpc.insecure_channel("127.0.0.1:%d" % port)
        return name, getattr(self.grpc_stubs, kind + "Stub")(ch)

    def _failover(self):
        self.i += 1

    def close(self):
        for ch in self._chans.values():
            ch.close()

    # ---- request building ------------------------------------------------------------------------

    def _req_op(self, op):
        rpc = self.rpc
        if op[0] == "put":
            return rpc.RequestOp(request_put=rpc.PutRequest(key=op[1].encode(), value=op[2].encode()
                                                            if isinstance(op[2], str) else op[2],
                                                            lease=op[3] or 0))
        if op[0] == "del":
            return rpc.RequestOp(request_delete_range=rpc.DeleteRangeRequest(
                key=op[1].encode(), range_end=(op[2] or "").encode()))
        return rpc.RequestOp(request_range=self._range_req(op, False))

    def _range_req(self, op, serializable):
        return self.rpc.RangeRequest(key=op[1].encode(), range_end=(op[2] or "").encode(), limit=op[3] or 0,
                                     revision=op[4] or 0, serializable=serializable)

    def _cmp(self, c):
        rpc = self.rpc
        key, target, want = c
        if target == "mod":
            return rpc.Compare(key=key.encode(), result=rpc.Compare.EQUAL, target=rpc.Compare.MOD,
                               mod_revision=want)
        return rpc.Compare(key=key.encode(), result=rpc.Compare.EQUAL, target=rpc.Compare.VALUE,
                           value=want.encode())

    def _result(self, r):
        kvs = [[kv.key.decode(), norm(kv.value), kv.mod_revision, kv.create_revision, kv.version, kv.lease]
               for kv in r.kvs]
        return {"kvs": kvs, "more": r.more, "count": r.count}

    def _results(self, responses):
        out = []
        for ro in responses:
            w = ro.WhichOneof("response")
            if w == "response_range":
                out.append(self._result(ro.response_range))
            elif w == "response_delete_range":
                out.append({"deleted": ro.response_delete_range.deleted})
            else:
                out.append({})
        return out

    # ---- recorded calls --------------------------------------------------------------------------

    def txn(self, compare=(), success=(), failure=(), serializable=False):
        """Sends the generic txn in its cheapest form (a single op uses Put/Range/DeleteRange);
        returns the response dict or None on error."""
        rec = {"id": next(_ids), "client": self.cid, "kind": "txn", "serializable": serializable,
               "compare": [list(c) for c in compare],
               "success": [[norm(x) if i == 2 and o[0] == "put" else x for i, x in enumerate(o)] for o in success],
               "failure": [list(o) for o in failure], "resp": None, "error": None}
        name, stub = self._stub("KV")
        rec["member"] = name
        rec["call"] = time.monotonic()
        try:
            if not compare and not failure and len(success) == 1:
                op = success[0]
                if op[0] == "range":
                    r = stub.Range(self._range_req(op, serializable), timeout=self.timeout_s)
                    results, succeeded = [self._result(r)], True
                elif op[0] == "put":
                    r = stub.Put(self._req_op(op).request_put, timeout=self.timeout_s)
                    results, succeeded = [{}], True
                else:
                    r = stub.DeleteRange(self._req_op(op).request_delete_range, timeout=self.timeout_s)
                    results, succeeded = [{"deleted": r.deleted}], True
            else:
                r = stub.Txn(self.rpc.TxnRequest(compare=[self._cmp(c) for c in compare],
                                                 success=[self._req_op(o) for o in success],
                                                 failure=[self._req_op(o) for o in failure]),
                             timeout=self.timeout_s)
                results, succeeded = self._results(r.responses), r.succeeded
            rec["ret"] = time.monotonic()
            rec["resp"] = {"rev": r.header.revision, "succeeded": succeeded, "results": results}
        except grpc.RpcError as e:
            rec["ret"] = None
            rec["error"] = "%s: %s" % (e.code().name, e.details())
            rec["not_sent"] = never_sent(e)
            self._failover()
        self.history.add(rec)
        return rec["resp"]

    def lease_grant(self, ttl):
        """A lease id or None. Grants are recorded (kind "grant") but change no key."""
        name, stub = self._stub("Lease")
        try:
            r = stub.LeaseGrant(self.rpc.LeaseGrantRequest(TTL=ttl), timeout=self.timeout_s)
            return r.ID
        except grpc.RpcError:
            self._failover()
            return None

    def lease_revoke(self, lease):
        rec = {"id": next(_ids), "client": self.cid, "kind": "revoke", "lease": lease, "serializable": False,
               "compare": [], "success": [], "failure": [], "resp": None, "error": None}
        name, stub = self._stub("Lease")
        rec["member"] = name
        rec["call"] = time.monotonic()
        try:
            r = stub.LeaseRevoke(self.rpc.LeaseRevokeRequest(ID=lease), timeout=self.timeout_s)
            rec["ret"] = time.monotonic()
            rec["resp"] = {"rev": r.header.revision, "succeeded": True, "results": []}
        except grpc.RpcError as e:
            rec["ret"] = None
            rec["error"] = "%s: %s" % (e.code().name, e.details())
            rec["not_sent"] = never_sent(e)
            if e.code() == grpc.StatusCode.NOT_FOUND:  # "requested lease not found": certainly no effect
                rec["ret"], rec["resp"] = time.monotonic(), {"rev": 0, "succeeded": False, "results": []}
            self._failover()
        self.history.add(rec)
        return rec["resp"]

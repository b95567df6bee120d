"""The robustness checks over one recorded run (client.py op records, watch.py watch records).

The recorder watch (whole keyspace, from revision 1, never compacted past) gives the reference
log: revision -> events. It is not trusted blindly: it must be gap-free and self-consistent, every
acknowledged write must appear in it at the revision the server acknowledged, every read must match
its replay, and the final full read must equal its replay. Then:

  log_violations        recorder ordered, no duplicate (rev, key), every revision present, kv
                        metadata (create/mod/version) and prev_kv consistent with the replay.
  op_violations         (1)+(4) each acknowledged request, evaluated on the replayed state, gives
                        what the server answered and (if it wrote) exactly the events logged at its
                        revision; real time: an op called after another returned never sees a
                        lower revision (a write: a higher one); a timed-out write found in the log
                        is placed after everything that returned before its call; every logged
                        value was written by some request, once. (2) serializable reads equal the
                        replayed state at their revision, and never go back per client and member
                        (between restarts of that member).
  lincheck_violations   (1) independently of the log: the per-key projection of the history
                        (puts, deletes as put(None), cas, single-key and prefix gets) checked by
                        tests/lincheck (WGL), timed-out writes pending.
  watch_violations      (3) per watcher: ordered, unique, atomic per revision, no gap and no
                        foreign event versus the log over [start, coverage], correct prev_kv,
                        never canceled by the server, filters (NOPUT/NODELETE) honoured,
                        progress notifications only after every earlier event; >= 1 progress
                        notification in the run.
  final_violations      (4) the final read equals the replay; (5) every member's HashKV equal.
check_run(run) -> [violation strings] runs them all.
"""
import bisect
import collections

import lincheck

LEASED_MARKS = ("/leased-", "/registry/events/")


class Log:
    def __init__(self, recorder):
        self.start = recorder["start"]
        self.by_rev = collections.OrderedDict()  # rev -> [event]
        self.prev = {}  # (rev, key) -> kv record before the event, or None
        self.violations = []
        self.coverage = self.start - 1
        last = 0
        state = {}
        for r in recorder["responses"]:
            if r["progress"]:
                self.coverage = max(self.coverage, r["rev"])
                continue
            for e in r["events"]:
                rev, key = e[3], e[1]
                if rev < last:
                    self.violations.append("recorder: revision went back %d -> %d" % (last, rev))
                if (rev, key) in self.prev:
                    self.violations.append("recorder: duplicated event rev %d key %r" % (rev, key))
                    continue
                last = rev
                self.coverage = max(self.coverage, rev)
                before = state.get(key)
                self.prev[(rev, key)] = before
                if e[0] == "PUT":
                    want = [key, e[2], rev, before[3] if before else rev, (before[4] + 1) if before else 1, e[6]]
                    if e[1:7] != want:
                        self.violations.append("recorder: rev %d key %r kv %r, replay says %r" % (rev, key, e[1:7], want))
                    state[key] = e[1:7]
                else:
                    if before is None:
                        self.violations.append("recorder: rev %d deletes absent key %r" % (rev, key))
                    state.pop(key, None)
                if recorder["prev_kv"] and e[7] != before:
                    self.violations.append("recorder: rev %d key %r prev_kv %r, replay says %r" % (rev, key, e[7], before))
                self.by_rev.setdefault(rev, []).append(e)
        for rev in range(self.start, (max(self.by_rev) if self.by_rev else 0) + 1):
            if rev not in self.by_rev:
                self.violations.append("recorder: no event at revision %d (gap)" % rev)
                break
        self.revs = list(self.by_rev)

    def states(self):
        """Yields (rev, state) for rev = start-1, start, ...: state is {key: [key, value, mod, create,
        version, lease]} after rev (the same dict, mutated)."""
        state = {}
        yield self.start - 1, state
        for rev, evs in self.by_rev.items():
            for e in evs:
                if e[0] == "PUT":
                    state[e[1]] = e[1:7]
                else:
                    state.pop(e[1], None)
            yield rev, state


def _in_range(key, k, end):
    if not end:
        return key == k
    if end == "\0":
        return key >= k
    return k <= key < end


def evaluate(op, state):
    """Runs a txn record on a copy-on-write view of `state`: (succeeded, results, events)."""
    def cur(key):
        return view[key] if key in view else state.get(key)
    view = {}
    ok = True
    for key, target, want in op["compare"]:
        kv = cur(key)
        if target == "mod":
            ok = ok and (kv[2] if kv else 0) == want
        else:
            ok = ok and kv is not None and kv[1] == want
    results, events = [], []
    for o in (op["success"] if ok else op["failure"]):
        if o[0] == "range":
            keys = sorted(k for k in set(state) | set(view) if cur(k) is not None and _in_range(k, o[1], o[2]))
            lim = o[3] or len(keys)
            results.append({"kvs": [list(cur(k)) for k in keys[:lim]], "more": len(keys) > lim, "count": len(keys)})
        elif o[0] == "put":
            before = cur(o[1])
            view[o[1]] = [o[1], o[2], None, before[3] if before else None, (before[4] + 1) if before else 1, o[3]]
            events.append(("PUT", o[1], o[2]))
            results.append({})
        else:
            keys = sorted(k for k in set(state) | set(view) if cur(k) is not None and _in_range(k, o[1], o[2]))
            for k in keys:
                view[k] = None
                events.append(("DELETE", k, None))
            results.append({"deleted": len(keys)})
    return ok, results, events


def _logged(evs):
    return sorted((e[0], e[1], e[2] if e[0] == "PUT" else None) for e in evs)


def _pending_writes(op):
    return op["kind"] == "revoke" or any(o[0] in ("put", "del") for o in op["success"] + op["failure"])


def _fmt(op):
    return "op %d client %s on %s [%s, %s] %s%s%s -> %s" % (
        op["id"], op["client"], op.get("member"), "%.3f" % op["call"],
        "%.3f" % op["ret"] if op["ret"] is not None else "pending", "serializable " if op["serializable"] else "",
        op["kind"] if op["kind"] != "txn" else "", {"if": op["compare"], "then": op["success"], "else": op["failure"]}
        if op["kind"] == "txn" else op.get("lease"), op["resp"] or op["error"])


def _cmp_results(got, want):
    """Range results compare on every kv field; the results of puts/deletes by shape."""
    if len(got) != len(want):
        return False
    for g, w in zip(got, want):
        if "kvs" in w:
            if [kv[:2] + kv[3:] for kv in g.get("kvs", [])] != [kv[:2] + kv[3:] for kv in w["kvs"]]:
                return False
            if [kv[2] for kv in g.get("kvs", [])] != [kv[2] for kv in w["kvs"]] or g.get("more") != w["more"] \
                    or g.get("count") != w["count"]:
                return False
        elif "deleted" in w and g.get("deleted") != w["deleted"]:
            return False
    return True


def op_violations(ops, log, restarts=None, limit=20, stats=None):
    out = []
    acked = [o for o in ops if o["ret"] is not None and o["resp"] is not None
             and (o["kind"] == "txn" or o["resp"]["succeeded"])]
    put_at = {}  # value -> rev (values are unique per run)
    for rev, evs in log.by_rev.items():
        for e in evs:
            if e[0] == "PUT":
                if e[2] in put_at:
                    out.append("value %r applied twice: rev %d and %d" % (e[2], put_at[e[2]], rev))
                put_at[e[2]] = rev
    # Evaluation points: (rev, op, mode) in revision order, replaying the log once.
    points = []
    for o in acked:
        if o["kind"] == "revoke":
            points.append((o["resp"]["rev"], 1, o))
            continue
        pinned = [x[4] for x in o["success"] if x[0] == "range" and x[4]]
        if pinned:
            points.append((pinned[0], 1, o))
        else:
            points.append((o["resp"]["rev"] - 1, 0, o))  # as a write at rev
            points.append((o["resp"]["rev"], 1, o))      # as a read/no-op at rev
    pending_found = []
    for o in ops:
        if o["ret"] is None and o["kind"] == "txn":
            revs = {put_at[x[2]] for x in o["success"] + o["failure"] if x[0] == "put" and x[2] in put_at}
            if revs:
                pending_found.append((min(revs), o))
                points.append((min(revs) - 1, 2, o))
    points.sort(key=lambda p: (p[0], p[1], p[2]["id"]))
    if stats is not None:
        stats["acked"] = len(acked)
        stats["pending_found_in_log"] = len(pending_found)
        stats["pending"] = sum(1 for o in ops if o["ret"] is None and _pending_writes(o))
    wrote = {}  # op id -> rev it wrote at
    as_write = {}
    states = log.states()
    rev, state = next(states)
    for at, mode, o in points:
        if at > log.coverage:
            out.append("%s: revision %d beyond the recorded history (%d)" % (_fmt(o), at, log.coverage))
            continue
        while rev < at:
            rev, state = next(states)
        if o["kind"] == "revoke":
            left = [k for k, kv in state.items() if kv[5] == o["lease"]]
            if left:
                out.append("%s: keys %r still attached to the revoked lease at rev %d" % (_fmt(o), left, at))
            continue
        succeeded, results, events = evaluate(o, state)
        logged = _logged(log.by_rev.get(at + 1, []))
        if mode == 0:  # would it have written at resp.rev, answering what the server answered?
            if events and succeeded == o["resp"]["succeeded"] and sorted(events) == logged \
                    and _cmp_results(o["resp"]["results"], results):
                as_write[o["id"]] = o["resp"]["rev"]
            elif events and succeeded == o["resp"]["succeeded"]:
                as_write[o["id"]] = ("lost", logged, events)
        elif mode == 2:
            if not events or sorted(events) != logged:
                out.append("%s: its write is at rev %d, but evaluated there it gives %r, the log %r"
                           % (_fmt(o), at + 1, events, logged))
            wrote[o["id"]] = at + 1
        else:
            w = as_write.get(o["id"])
            if isinstance(w, int):
                wrote[o["id"]] = w
                continue
            if succeeded == o["resp"]["succeeded"] and not events and _cmp_results(o["resp"]["results"], results):
                continue
            if w:
                out.append("%s: acknowledged write not in the log at its revision: logged %r, expected %r"
                           % (_fmt(o), w[1], w[2]))
            else:
                out.append("%s: evaluated at rev %d gives succeeded=%s results=%r" % (_fmt(o), at, succeeded, results))
        if len(out) >= limit:
            return out
    claimed = collections.Counter(wrote.values())
    out += ["rev %d claimed as their write by %d requests" % (r, n) for r, n in claimed.items() if n > 1]
    # Real time, linearizable ops only: called after b returned => revision >= b's (> if it wrote).
    lin = [o for o in acked if not o["serializable"] and o["kind"] == "txn"
           and not any(x[0] == "range" and x[4] for x in o["success"])]
    by_ret = sorted(lin, key=lambda o: o["ret"])
    j, best = 0, None
    for o in sorted(lin, key=lambda o: o["call"]):
        while j < len(by_ret) and by_ret[j]["ret"] < o["call"]:
            if best is None or by_ret[j]["resp"]["rev"] > best["resp"]["rev"]:
                best = by_ret[j]
            j += 1
        if best is None:
            continue
        r = o["resp"]["rev"]
        if r < best["resp"]["rev"] or (o["id"] in wrote and r == best["resp"]["rev"]):
            out.append("real time: %s  was called after  %s  returned" % (_fmt(o), _fmt(best)))
    for rev, o in pending_found:
        floor = max((b["resp"]["rev"] for b in lin if b["ret"] < o["call"]), default=0)
        if rev <= floor:
            out.append("real time: timed-out %s applied at rev %d, not after rev %d returned before its call"
                       % (_fmt(o), rev, floor))
    # Every logged revision produced by some request.
    explained = set(wrote.values())
    deleters = any(o["kind"] == "revoke" or any(x[0] == "del" for x in o["success"] + o["failure"])
                   for o in ops if o["ret"] is None)
    written = {x[2] for o in ops if o["kind"] == "txn" for x in o["success"] + o["failure"] if x[0] == "put"}
    for rev, evs in log.by_rev.items():
        for e in evs:
            if e[0] == "PUT" and e[2] not in written:
                out.append("rev %d: value %r of key %r was never written by any client" % (rev, e[2], e[1]))
        if rev in explained or any(e[0] == "PUT" for e in evs):
            continue
        revoked = any(o["kind"] == "revoke" and o["resp"]["rev"] == rev for o in acked)
        if not (revoked or deleters):
            out.append("rev %d: deletes %r that no request explains" % (rev, [e[1] for e in evs]))
    # Serializable reads: monotonic per (client, member) between restarts of the member.
    last = {}
    for o in sorted((o for o in acked if o["serializable"]), key=lambda o: o["call"]):
        k = (o["client"], o["member"])
        restarted = [t for t in (restarts or {}).get(o["member"], []) if k in last and last[k][1]["ret"] < t < o["call"]]
        if k in last and not restarted and o["resp"]["rev"] < last[k][0]:
            out.append("serializable read went back on %s: %s after %s" % (o["member"], _fmt(o), _fmt(last[k][1])))
        last[k] = (o["resp"]["rev"], o)
    return out[:limit]


def lincheck_history(ops, keys, log):
    """The per-key projection for tests/lincheck (see the module comment). Keys with leases are left
    out (a revoke deletes them), as are pinned or limited ranges and serializable reads."""
    value_at = {(e[1], e[3]): e[2] for evs in log.by_rev.values() for e in evs if e[0] == "PUT"}
    hist = []

    def add(o, kind, key, inp, out):
        if any(m in key for m in LEASED_MARKS):
            return
        hist.append({"client": o["client"], "op": kind, "input": dict(inp, key=key), "output": out,
                     "call_time": o["call"], "return_time": o["ret"]})
    for o in ops:
        if o["kind"] != "txn" or o["serializable"] or (o["ret"] is None and o["resp"] is None
                                                       and not _pending_writes(o)):
            continue
        resp = o["resp"]
        if o["compare"]:
            (key, target, want), = o["compare"]
            if target == "mod":
                if want and (key, want) not in value_at:
                    continue
                expect = value_at[(key, want)] if want else None
            else:
                expect = want
            w = [x for x in o["success"] if x[0] in ("put", "del")]
            if len(w) != 1 or w[0][1] != key or w[0][2 if w[0][0] == "del" else 1] != (key if w[0][0] == "put" else ""):
                continue
            add(o, "cas", key, {"expect": expect, "value": w[0][2] if w[0][0] == "put" else None},
                resp["succeeded"] if resp else None)
            continue
        for i, x in enumerate(o["success"]):
            if x[0] == "put":
                add(o, "put", x[1], {"value": x[2]}, None)
            elif x[0] == "del" and not x[2]:
                add(o, "put", x[1], {"value": None}, None)
            elif x[0] == "range" and not x[3] and not x[4] and resp is not None:
                got = {kv[0]: kv[1] for kv in resp["results"][i]["kvs"]}
                for k in ([x[1]] if not x[2] else [k for k in keys if _in_range(k, x[1], x[2])]):
                    add(o, "get", k, {}, got.get(k))
    return hist


def lincheck_violations(ops, keys, log, stats=None):
    hist = lincheck_history(ops, keys, log)
    if stats is not None:
        stats["lincheck_ops"] = len(hist)
    res = lincheck.check(hist)
    return [] if res.ok else ["lincheck: " + res.detail]


def watch_violations(w, log, limit=10):
    out = []
    name = "watch %s [%r, %r) from %d" % (w["name"], w["key"], w["end"], w["start"])
    dropped = {"NOPUT": "PUT", "NODELETE": "DELETE"}
    skip = {dropped[f] for f in w.get("filters", [])}
    want = [(rev, e) for rev, evs in log.by_rev.items() if rev >= w["start"]
            for e in evs if _in_range(e[1], w["key"], w["end"]) and e[0] not in skip]
    want_revs = [rev for rev, _ in want]
    seen = []
    seen_keys = set()
    last = 0
    for i, r in enumerate(w["responses"]):
        if r["progress"]:
            n = bisect.bisect_right(want_revs, min(r["rev"], log.coverage))
            if len(seen) < n:
                out.append("%s: progress notification at rev %d before the event at rev %d"
                           % (name, r["rev"], want_revs[len(seen)]))
            continue
        revs_here = collections.Counter(e[3] for e in r["events"])
        for rev, cnt in revs_here.items():
            whole = sum(1 for rr in want_revs[bisect.bisect_left(want_revs, rev):bisect.bisect_right(want_revs, rev)])
            if cnt != whole:
                out.append("%s: revision %d split: %d of its %d events in one response" % (name, rev, cnt, whole))
        for e in r["events"]:
            if e[3] < last:
                out.append("%s: revision went back %d -> %d" % (name, last, e[3]))
            if (e[3], e[1]) in seen_keys:
                out.append("%s: duplicated event rev %d key %r" % (name, e[3], e[1]))
                continue
            last = e[3]
            seen_keys.add((e[3], e[1]))
            seen.append(e)
            if w["prev_kv"] and (e[3], e[1]) in log.prev and e[7] != log.prev[(e[3], e[1])]:
                out.append("%s: rev %d key %r prev_kv %r, history says %r" % (name, e[3], e[1], e[7], log.prev[(e[3], e[1])]))
        if len(out) >= limit:
            return out
    cov = min(max([last] + [r["rev"] for r in w["responses"] if r["progress"]]), log.coverage)
    expect = [e[:7] for rev, e in want if rev <= cov]
    got = [e[:7] for e in seen if e[3] <= cov]
    if got != expect:
        missing = [e for e in expect if e not in got]
        extra = [e for e in got if e not in expect]
        out.append("%s: events up to rev %d differ from the history: missing %r, unexpected %r"
                   % (name, cov, missing[:5], extra[:5]))
    return out[:limit]


def final_violations(run, log):
    out = []
    final = run.get("final")
    if not final:
        out.append("no final read")
    else:
        if final["rev"] > log.coverage:
            out.append("the recorder never reached the final revision %d (coverage %d)" % (final["rev"], log.coverage))
        else:
            for rev, state in log.states():
                if rev == final["rev"] or rev == log.start - 1 and final["rev"] < log.start:
                    break
            want = [state[k] for k in sorted(state)]
            if [kv[:2] + kv[3:] for kv in final["kvs"]] != [kv[:2] + kv[3:] for kv in want] or \
                    [kv[2] for kv in final["kvs"]] != [kv[2] for kv in want]:
                got = {kv[0]: kv for kv in final["kvs"]}
                diff = [(k, got.get(k), state.get(k)) for k in sorted(set(got) | set(state)) if got.get(k) != state.get(k)]
                out.append("final state at rev %d differs from the history (key, read, history): %r" % (final["rev"], diff[:5]))
    hashes = run.get("hashes") or {}
    if len(set(hashes.values())) > 1:
        out.append("HashKV differs at rev %s: %r" % (run.get("hash_rev"), hashes))
    return out


def check_run(run, keys, stats=None):
    """Every check; `stats` (a dict), if given, receives what was checked."""
    stats = {} if stats is None else stats
    run = dict(run, ops=[o for o in run["ops"] if not o.get("not_sent")])
    log = Log(run["recorder"])
    stats["log_revisions"] = len(log.by_rev)
    out = list(log.violations)
    out += op_violations(run["ops"], log, run.get("restarts"), stats=stats)
    try:
        out += lincheck_violations(run["ops"], keys, log, stats)
    except lincheck.SearchBudgetExceeded as e:
        out.append("lincheck: search budget exceeded (%s): neither proved nor refuted" % e)
    progress = 0
    stats["watch_events"] = 0
    for w in [run["recorder"]] + run["watches"]:
        if w.get("canceled"):
            out.append("watch %s from %d canceled by the server: %s (compaction never passed a live "
                       "watcher's coverage)" % (w["name"], w["start"], w["canceled"]))
        out += watch_violations(w, log)  # the recorder against itself: order, progress
        if w is not run["recorder"]:
            stats["watch_events"] += sum(len(r["events"]) for r in w["responses"])
        progress += sum(1 for r in w["responses"] if r["progress"])
    stats["progress_notifications"] = progress
    if progress == 0:
        out.append("no progress notification seen by any watcher")
    out += final_violations(run, log)
    return out

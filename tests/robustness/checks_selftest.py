"""Proves the checkers of checks.py can fail: a consistent synthetic run (sequential clients: puts,
deletes, cas, reads, a serializable read, a watcher, final read, equal hashes) must pass, and each
doctored copy — lost write, stale read, value never written, watch gap, duplicated watch event,
wrong prev_kv, split revision, early progress notification, no progress notification, final state
differing, HashKV differing, serializable read going back, duplicated apply — must be reported by
the checker meant to catch it."""
import copy
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(HERE, "..", "lincheck")]

import checks  # noqa: E402

KEYS = ["/etcd/key-0", "/etcd/key-1"]


def build():
    state, rev, t = {}, 1, [0.0]
    ops, responses = [], []

    def tick():
        t[0] += 1.0
        return t[0]

    def op(client, success, compare=(), failure=(), serializable=False):
        nonlocal rev
        o = {"id": len(ops) + 1, "client": client, "member": "m1", "kind": "txn", "serializable": serializable,
             "compare": [list(c) for c in compare], "success": success, "failure": list(failure),
             "error": None, "call": tick()}
        o["ret"] = tick()
        ok, results, events = checks.evaluate(o, state)
        evs = []
        if events:
            rev += 1
            for typ, key, value in events:
                before = state.get(key)
                if typ == "PUT":
                    kv = [key, value, rev, before[3] if before else rev, before[4] + 1 if before else 1, 0]
                    state[key] = kv
                    evs.append(["PUT"] + kv + [list(before) if before else None])
                else:
                    state.pop(key)
                    evs.append(["DELETE", key, "", rev, 0, 0, 0, list(before)])
            responses.append({"rev": rev, "progress": False, "member": "m1", "events": evs})
        o["resp"] = {"rev": rev, "succeeded": ok, "results": copy.deepcopy(results)}
        ops.append(o)
        return o

    k0, k1 = KEYS
    op(0, [["put", k0, "c0-1", 0]])
    op(1, [["range", k0, "", 0, 0]])
    op(0, [["put", k1, "c0-2", 0]])
    op(1, [["put", k0, "c1-1", 0], ["put", k1, "c1-2", 0]])
    op(0, [["range", "/etcd/", "/etcd0", 0, 0]])
    op(1, [["put", k0, "c1-3", 0]], compare=[[k0, "value", "c1-1"]], failure=[["range", k0, "", 0, 0]])
    op(0, [["range", k0, "", 0, 0]], serializable=True)
    op(1, [["del", k1, ""]])
    op(0, [["range", k1, "", 0, 0]])
    op(1, [["put", k1, "c1-4", 0]], compare=[[k1, "mod", 0]], failure=[["range", k1, "", 0, 0]])
    op(0, [["range", k0, "", 0, 0]], serializable=True)
    responses.append({"rev": rev, "progress": True, "member": "m1", "events": []})
    rec = {"name": "recorder", "key": "\0", "end": "\0", "start": 2, "prev_kv": True, "compacted": 0,
           "opens": [2], "responses": responses}
    w = copy.deepcopy(rec)
    w["name"] = "w-all"
    kvs = [list(state[k]) for k in sorted(state)]
    return {"ops": ops, "recorder": rec, "watches": [w], "final": {"rev": rev, "kvs": kvs},
            "hashes": {"m1": 1, "m2": 1}, "hash_rev": rev, "restarts": {}}


def ops_of(run, pred):
    return [o for o in run["ops"] if pred(o)]


def doctor_lost_write(run):
    # The recorder (and so the history) has another value at the acknowledged put's revision.
    run["recorder"]["responses"][0]["events"][0][2] = "c9-9"


def doctor_stale_read(run):
    # The linearizable get of key-1 after its delete returns the deleted value at an old revision.
    o = ops_of(run, lambda o: o["success"] == [["range", KEYS[1], "", 0, 0]])[0]
    o["resp"]["rev"] = 4
    o["resp"]["results"] = [{"kvs": [[KEYS[1], "c1-2", 4, 3, 2, 0]], "more": False, "count": 1}]


def doctor_never_written(run):
    o = ops_of(run, lambda o: o["serializable"])[0]
    o["resp"]["results"][0]["kvs"][0][1] = "never"


def doctor_watch_gap(run):
    w = run["watches"][0]
    del w["responses"][2]


def doctor_watch_duplicate(run):
    w = run["watches"][0]
    w["responses"].insert(3, copy.deepcopy(w["responses"][2]))


def doctor_watch_prev_kv(run):
    w = run["watches"][0]
    w["prev_kv"] = True
    w["responses"][3]["events"][0][7] = None  # the cas at rev 5 overwrote key-0


def doctor_watch_split(run):
    w = run["watches"][0]
    r = w["responses"][2]  # the multi-put txn: two events at one revision
    w["responses"][2:3] = [dict(r, events=r["events"][:1]), dict(r, events=r["events"][1:])]


def doctor_early_progress(run):
    w = run["watches"][0]
    w["responses"].insert(0, {"rev": 5, "progress": True, "member": "m1", "events": []})


def doctor_no_progress(run):
    for w in [run["recorder"]] + run["watches"]:
        w["responses"] = [r for r in w["responses"] if not r["progress"]]


def doctor_canceled(run):
    run["watches"][0]["canceled"] = "compacted at 3"


def doctor_final(run):
    run["final"]["kvs"] = run["final"]["kvs"][1:]


def doctor_hash(run):
    run["hashes"]["m2"] = 2


def doctor_serializable_back(run):
    o = ops_of(run, lambda o: o["serializable"])[1]
    first = ops_of(run, lambda o: o["serializable"])[0]
    o["resp"] = copy.deepcopy(first["resp"])
    o["resp"]["rev"] -= 1


def doctor_double_apply(run):
    evs = run["recorder"]["responses"]
    extra = copy.deepcopy(evs[0])
    extra["events"][0][3] = evs[-2]["rev"] + 1
    evs.insert(len(evs) - 1, extra)


CASES = [
    ("lost write", doctor_lost_write, "acknowledged write not in the log"),
    ("stale read", doctor_stale_read, "real time"),
    ("never-written value", doctor_never_written, "evaluated at rev"),
    ("watch gap", doctor_watch_gap, "differ from the history"),
    ("watch duplicate", doctor_watch_duplicate, "duplicated event"),
    ("watch prev_kv", doctor_watch_prev_kv, "prev_kv"),
    ("watch split revision", doctor_watch_split, "split"),
    ("early progress notification", doctor_early_progress, "progress notification at rev"),
    ("no progress notification", doctor_no_progress, "no progress notification"),
    ("watch canceled", doctor_canceled, "canceled by the server"),
    ("final state", doctor_final, "final state"),
    ("hashkv", doctor_hash, "HashKV differs"),
    ("serializable back", doctor_serializable_back, "serializable read went back"),
    ("double apply", doctor_double_apply, "applied twice"),
]


def main():
    base = build()
    got = checks.check_run(copy.deepcopy(base), KEYS)
    failures = []
    if got:
        failures.append("consistent run reported: %r" % got)
    # lincheck alone must also refuse the stale read (independently of the recorder's log).
    run = copy.deepcopy(base)
    doctor_stale_read(run)
    if not checks.lincheck_violations(run["ops"], KEYS, checks.Log(run["recorder"])):
        failures.append("lincheck accepted the stale read")
    for name, doctor, want in CASES:
        run = copy.deepcopy(base)
        doctor(run)
        got = checks.check_run(run, KEYS)
        if not any(want in v for v in got):
            failures.append("%s: no violation containing %r; got %r" % (name, want, got))
        else:
            print("ok   %-28s -> %s" % (name, next(v for v in got if want in v)[:150]))
    for f in failures:
        print("FAIL " + f)
    print("%d cases, %d failures" % (len(CASES) + 2, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

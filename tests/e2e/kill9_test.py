"""Durability across kill -9 (DESIGN.md §4: an acknowledged write is in the fsynced WAL).

Concurrent writers (real etcdctl processes) put unique keys; the server is SIGKILLed while they
run, then restarted on the same data dir. Twice. After each restart, every acknowledged put must
be present with the value and the revision its acknowledgement carried, and the revisions of all
keys (unique keys, no deletes) must be exactly 2..current: no gap, no duplicate.

A lease with an attached key and a physical compaction must survive the kills as well. After
each kill the bolt file (member/snap/db) passes real bbolt's Tx.Check (`bbolt_oracle check`), and
the restart re-applies only the WAL above the db's consistent index (which the 100 ms batch
interval has advanced while the writers ran).

usage: kill9_test.py <path to cairn binary> <path to bbolt_oracle>
"""
import base64
import os
import random
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_lib  # noqa: E402

WRITERS = 8
LEASED_KEY_REVISION = 2  # the one write outside the k- prefix, before the writers start


def write_until_killed(server, round_no, acked, lock, stop):
    def writer(w):
        i = 0
        while not stop.is_set():
            key = "k-%d-%d-%05d" % (round_no, w, i)
            value = "v%d" % random.randrange(1 << 30)
            try:
                rc, out, _ = server.ctl("put", key, value, "-w", "json", "--command-timeout=3s", check=False,
                                        timeout_s=10)
            except Exception:
                rc = 1
            if rc == 0:
                rev = e2e_lib.load_json(out)["header"]["revision"]
                with lock:
                    acked[key] = (value, rev)
            i += 1

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(WRITERS)]
    for t in threads:
        t.start()
    return threads


def verify(server, acked, f, label):
    _, out, _ = server.ctl("get", "--prefix", "k-", "-w", "json", timeout_s=60)
    resp = e2e_lib.load_json(out)
    current = resp["header"]["revision"]
    stored = {}
    for kv in resp.get("kvs", []):
        stored[base64.b64decode(kv["key"]).decode()] = (base64.b64decode(kv.get("value", "")).decode(),
                                                       kv["mod_revision"], kv.get("version"))
    missing = [k for k in acked if k not in stored]
    f.expect(label + ": every acknowledged write survives", not missing, "missing %d, e.g. %s" % (len(missing), missing[:3]))
    wrong = [k for k, (v, rev) in acked.items() if k in stored and stored[k][:2] != (v, rev)]
    f.expect(label + ": value and revision as acknowledged", not wrong,
             "e.g. %s" % [(k, acked[k], stored[k]) for k in wrong[:3]])
    revs = sorted([r for _, r, _ in stored.values()] + [LEASED_KEY_REVISION])
    f.expect_eq(label + ": revisions are gapless", revs, list(range(2, current + 1)))
    f.expect(label + ": enough acknowledged writes to mean something", len(acked) >= 20, "only %d" % len(acked))
    print("%s: %d acknowledged, %d stored, revision %d" % (label, len(acked), len(stored), current))


def main():
    f = e2e_lib.Failures()
    binary = e2e_lib.cairn_binary()
    oracle = os.path.abspath(sys.argv[2])
    server = e2e_lib.Server(binary).start()
    db = os.path.join(server.dir, "data", "member", "snap", "db")
    acked, lock = {}, threading.Lock()
    try:
        # State beside the keys that must survive too: a lease with a key, and a compaction.
        _, o, _ = server.ctl("lease", "grant", "600")
        lease_id = o.split()[1]
        _, o, _ = server.ctl("put", "--lease=" + lease_id, "leased", "v", "-w", "json")
        f.expect_eq("leased key revision", e2e_lib.load_json(o)["header"]["revision"], LEASED_KEY_REVISION)
        for round_no in range(2):
            stop = threading.Event()
            threads = write_until_killed(server, round_no, acked, lock, stop)
            time.sleep(2.0 + random.random() * 1.5)
            server.kill9()
            stop.set()
            for t in threads:
                t.join(timeout=30)
            rc, out = e2e_lib.bbolt_check(oracle, db)
            f.expect_eq("bbolt check after kill -9 #%d (%s)" % (round_no + 1, out), rc, 0)
            server.start()
            lines = e2e_lib.replay_lines(server)
            rec = lines[-1] if lines else {}
            print("restart #%d: %s" % (round_no + 1, rec))
            f.expect("restart #%d starts from the db's consistent index" % (round_no + 1),
                     rec.get("consistent-index", 0) > 0 and
                     # applied = consistent index + replayed WAL entries (+ the restarted leader's
                     # own empty entry of its new term, which carries no request)
                     rec.get("applied-index", 0) - (rec.get("consistent-index", 0) +
                                                    rec.get("replayed-entries", -1)) in (0, 1),
                     rec)
            with lock:
                snapshot = dict(acked)
            verify(server, snapshot, f, "after kill -9 #%d" % (round_no + 1))
            _, o, _ = server.ctl("lease", "timetolive", lease_id, "--keys")
            f.expect("lease survives kill -9 #%d" % (round_no + 1),
                     o.startswith("lease %s granted with TTL(600s)" % lease_id) and "attached keys([leased])" in o, o)
            if round_no == 0:
                server.ctl("compact", "10", "--physical")
            rc, _, e = server.ctl("get", "leased", "--rev", "5", check=False)
            f.expect("compaction survives kill -9 #%d" % (round_no + 1),
                     rc != 0 and "required revision has been compacted" in e, e)
        # The server keeps working after the restarts, at the next revision.
        _, out, _ = server.ctl("put", "after", "restart", "-w", "json")
        rev = e2e_lib.load_json(out)["header"]["revision"]
        _, out, _ = server.ctl("get", "after", "-w", "json")
        f.expect_eq("write after restarts", e2e_lib.load_json(out)["kvs"][0]["mod_revision"], rev)
    finally:
        server.stop()
    f.finish()


if __name__ == "__main__":
    main()

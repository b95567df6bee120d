"""Unit tests of lincheck: hand-made histories, linearizable and not, with pending operations."""
import os
import random
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lincheck  # noqa: E402


def put(client, key, value, call, ret):
    return {"client": client, "op": "put", "input": {"key": key, "value": value}, "output": None,
            "call_time": call, "return_time": ret}


def get(client, key, value, call, ret):
    return {"client": client, "op": "get", "input": {"key": key}, "output": value,
            "call_time": call, "return_time": ret}


def cas(client, key, expect, value, swapped, call, ret):
    return {"client": client, "op": "cas", "input": {"key": key, "expect": expect, "value": value},
            "output": swapped, "call_time": call, "return_time": ret}


class Sequential(unittest.TestCase):
    def test_empty_history(self):
        r = lincheck.check([])
        self.assertTrue(r.ok)
        self.assertEqual(r.ops_checked, 0)

    def test_read_your_write(self):
        h = [put(1, "x", "a", 0, 1), get(1, "x", "a", 2, 3)]
        self.assertTrue(lincheck.check(h).ok)

    def test_read_of_absent_key(self):
        self.assertTrue(lincheck.check([get(1, "x", None, 0, 1)]).ok)

    def test_read_of_never_written_value(self):
        h = [put(1, "x", "a", 0, 1), get(2, "x", "zzz", 2, 3)]
        r = lincheck.check(h)
        self.assertFalse(r.ok)
        self.assertEqual(r.bad_key, "x")

    def test_stale_read(self):
        # b is acknowledged before the read starts; reading a is stale.
        h = [put(1, "x", "a", 0, 1), put(1, "x", "b", 2, 3), get(2, "x", "a", 4, 5)]
        r = lincheck.check(h)
        self.assertFalse(r.ok)
        self.assertIn("no linearization", r.detail)

    def test_lost_write(self):
        # An acknowledged write is gone: the key reads as absent afterwards.
        h = [put(1, "x", "a", 0, 1), get(2, "x", None, 2, 3)]
        self.assertFalse(lincheck.check(h).ok)

    def test_lost_write_then_older_value(self):
        h = [put(1, "x", "a", 0, 1), put(1, "x", "b", 2, 3), get(2, "x", "b", 4, 5), get(2, "x", "a", 6, 7)]
        self.assertFalse(lincheck.check(h).ok)


class Concurrent(unittest.TestCase):
    def test_overlapping_put_and_get_may_see_either(self):
        for seen in ("a", "b"):
            h = [put(1, "x", "a", 0, 1), put(2, "x", "b", 2, 6), get(3, "x", seen, 3, 5)]
            self.assertTrue(lincheck.check(h).ok, seen)

    def test_overlapping_puts_reordered(self):
        # b's call precedes a's, both overlap; the reads fix the order a then b, which is allowed.
        h = [put(1, "x", "b", 0, 10), put(2, "x", "a", 1, 4),
             get(3, "x", "a", 5, 6), get(3, "x", "b", 11, 12)]
        self.assertTrue(lincheck.check(h).ok)

    def test_two_readers_disagree_on_order(self):
        # Two concurrent puts; reader 1 sees a then b, reader 2 sees b then a, all after both
        # puts ended: impossible in any single order.
        h = [put(1, "x", "a", 0, 10), put(2, "x", "b", 0, 10),
             get(3, "x", "a", 11, 12), get(3, "x", "b", 13, 14),
             get(4, "x", "b", 11, 12), get(4, "x", "a", 15, 16)]
        self.assertFalse(lincheck.check(h).ok)

    def test_value_flip_flop_during_one_put(self):
        # One put overlaps two reads: new then old would need the put to be undone.
        h = [put(1, "x", "a", 0, 1), put(2, "x", "b", 2, 20), get(3, "x", "b", 3, 4), get(3, "x", "a", 5, 6)]
        self.assertFalse(lincheck.check(h).ok)

    def test_equal_timestamps_count_as_concurrent(self):
        h = [put(1, "x", "a", 0, 5), get(2, "x", None, 5, 6)]
        self.assertTrue(lincheck.check(h).ok)

    def test_keys_are_independent(self):
        h = [put(1, "x", "a", 0, 1), put(1, "y", "b", 0, 1), get(2, "x", "a", 2, 3), get(2, "y", "b", 2, 3)]
        r = lincheck.check(h)
        self.assertTrue(r.ok)
        self.assertEqual(r.keys, 2)
        bad = h + [get(2, "y", "a", 4, 5)]
        r = lincheck.check(bad)
        self.assertFalse(r.ok)
        self.assertEqual(r.bad_key, "y")


class Pending(unittest.TestCase):
    def test_pending_put_may_never_take_effect(self):
        h = [put(1, "x", "a", 0, 1), put(2, "x", "b", 2, None),
             get(3, "x", "a", 3, 4), get(3, "x", "a", 50, 51)]
        self.assertTrue(lincheck.check(h).ok)

    def test_pending_put_may_take_effect_late(self):
        h = [put(1, "x", "a", 0, 1), put(2, "x", "b", 2, None),
             get(3, "x", "a", 3, 4), get(3, "x", "b", 50, 51)]
        self.assertTrue(lincheck.check(h).ok)

    def test_pending_put_cannot_take_effect_before_its_call(self):
        h = [put(1, "x", "a", 0, 1), get(3, "x", "b", 2, 3), put(2, "x", "b", 10, None)]
        self.assertFalse(lincheck.check(h).ok)

    def test_pending_put_takes_effect_once(self):
        # Seen, then overwritten, then seen again: one pending put cannot apply twice.
        h = [put(1, "x", "a", 0, 1), put(2, "x", "b", 2, None), get(3, "x", "b", 3, 4),
             put(1, "x", "c", 5, 6), get(3, "x", "b", 7, 8)]
        self.assertFalse(lincheck.check(h).ok)

    def test_many_unobserved_pending_puts_stay_cheap(self):
        # 40 timed-out writes nobody read, interleaved with acknowledged ones: a naive search would
        # consider every subset of them.
        h = []
        for i in range(40):
            h.append(put(1, "x", "a%d" % i, 10 * i, 10 * i + 1))
            h.append(put(2, "x", "lost%d" % i, 10 * i + 2, None))
            h.append(get(3, "x", "a%d" % i, 10 * i + 3, 10 * i + 4))
        r = lincheck.check(h, max_steps_per_key=100_000)
        self.assertTrue(r.ok)
        self.assertEqual(r.ops_checked, 120)
        h.append(get(3, "x", "lost7", 1000, 1001))  # an old pending write resurfacing: still allowed
        self.assertTrue(lincheck.check(h, max_steps_per_key=100_000).ok)
        h.append(get(3, "x", "a39", 1002, 1003))  # ... but not undone afterwards
        self.assertFalse(lincheck.check(h, max_steps_per_key=100_000).ok)

    def test_pending_get_is_ignored(self):
        h = [put(1, "x", "a", 0, 1), get(2, "x", "garbage", 2, None)]
        r = lincheck.check(h)
        self.assertTrue(r.ok)
        self.assertEqual(r.ops_checked, 1)

    def test_pending_cas(self):
        h = [put(1, "x", "a", 0, 1), cas(2, "x", "a", "b", None, 2, None), get(3, "x", "b", 5, 6)]
        self.assertTrue(lincheck.check(h).ok)
        # The pending cas expected "zzz": it cannot have produced b.
        h = [put(1, "x", "a", 0, 1), cas(2, "x", "zzz", "b", None, 2, None), get(3, "x", "b", 5, 6)]
        self.assertFalse(lincheck.check(h).ok)


class Cas(unittest.TestCase):
    def test_cas_success_and_failure(self):
        h = [put(1, "x", "a", 0, 1), cas(2, "x", "a", "b", True, 2, 3), cas(3, "x", "a", "c", False, 4, 5),
             get(1, "x", "b", 6, 7)]
        self.assertTrue(lincheck.check(h).ok)

    def test_cas_on_absent_key(self):
        self.assertTrue(lincheck.check([cas(1, "x", None, "a", True, 0, 1), get(1, "x", "a", 2, 3)]).ok)

    def test_two_concurrent_cas_cannot_both_win(self):
        h = [put(1, "x", "a", 0, 1), cas(2, "x", "a", "b", True, 2, 5), cas(3, "x", "a", "c", True, 2, 5)]
        self.assertFalse(lincheck.check(h).ok)

    def test_cas_reported_failed_but_took_effect(self):
        h = [put(1, "x", "a", 0, 1), cas(2, "x", "a", "b", False, 2, 3), get(1, "x", "b", 4, 5)]
        self.assertFalse(lincheck.check(h).ok)


class Generated(unittest.TestCase):
    """Histories from a simulated atomic register (linearizable by construction), then corrupted."""

    def simulate(self, seed, clients=5, ops_per_client=200, pending_rate=0.05):
        rng = random.Random(seed)
        value = None
        history = []
        # Each client alternates idle and busy; an op takes effect at one instant inside its interval.
        events = []
        for c in range(clients):
            t = rng.random()
            for i in range(ops_per_client):
                call = t
                effect = call + rng.random() * 3
                ret = effect + rng.random() * 3
                events.append((effect, c, i, call, ret))
                t = ret + rng.random()
        for effect, c, i, call, ret in sorted(events):
            if rng.random() < 0.5:
                value = "c%d-%d" % (c, i)
                op = put(c, "k", value, call, ret)
            else:
                op = get(c, "k", value, call, ret)
            if rng.random() < pending_rate and op["op"] == "put":
                op["return_time"] = None
            history.append(op)
        return history

    def test_simulated_register_is_linearizable(self):
        for seed in range(5):
            r = lincheck.check(self.simulate(seed))
            self.assertTrue(r.ok, r.detail)
            self.assertGreater(r.ops_checked, 900)

    def test_corrupted_read_is_caught(self):
        caught = 0
        for seed in range(10):
            h = self.simulate(seed, pending_rate=0)
            reads = [o for o in h if o["op"] == "get" and o["output"] is not None]
            reads[len(reads) // 2]["output"] = "never-written"
            caught += not lincheck.check(h).ok
        self.assertEqual(caught, 10)


class KnownBad(unittest.TestCase):
    def test_known_bad_history_fails(self):
        """The checker must reject a known non-linearizable history (stale read after a quorum write)."""
        h = [put("w", "k", "v1", 0.0, 0.1), put("w", "k", "v2", 0.2, 0.3),
             get("r1", "k", "v2", 0.35, 0.4), get("r2", "k", "v1", 0.45, 0.5)]
        r = lincheck.check(h)
        self.assertFalse(r.ok)
        self.assertIn("key 'k'", r.detail)

    def test_budget(self):
        # 14 concurrent puts and an impossible read: refuting it needs many steps.
        h = [put(c, "k", "v%d" % c, 0, 100) for c in range(14)]
        h.append(get(99, "k", "nope", 101, 102))
        with self.assertRaises(lincheck.SearchBudgetExceeded):
            lincheck.check(h, max_steps_per_key=1000)


if __name__ == "__main__":
    unittest.main()

"""Linearizability checker for a key-value store history (Wing & Gong's search with Lowe's
memoization, the algorithm Porcupine implements), partitioned per key.

A history is a list of operations, each a dict:
    {"client": any, "op": "put" | "get" | "cas", "input": {...}, "output": ...,
     "call_time": float, "return_time": float or None}
with
    put: input {"key": k, "value": v}                 output ignored (an acknowledged put)
    get: input {"key": k}                             output: the value read, None if absent
    cas: input {"key": k, "expect": e, "value": v}    output: True if it swapped, False if not
                                                       (expect None means "key absent")
An operation whose outcome is unknown (timed out, connection lost after sending) is PENDING:
return_time None. A pending operation may have taken effect at any instant after its call, or
never; it is modelled as returning at +infinity with any output (as Porcupine and Knossos do:
"never" is the same as "last"). A pending get changes nothing and is dropped. Operations that
definitely did not take effect (e.g. refused before sending) must be left out by the caller.

Keys are independent registers, so the history is linearizable iff each key's sub-history is
(linearizability is local: Herlihy & Wing 1990, Theorem 1), which keeps the search small.

check(history) -> Result(ok, ops_checked, keys, bad_key, detail).
"""
import collections
import math
import random

INF = math.inf
TAIL = 10  # operations shown on each side of the point where a failed search got stuck


class Result(collections.namedtuple("Result", "ok ops_checked keys bad_key detail")):
    __slots__ = ()


class SearchBudgetExceeded(Exception):
    """The search for one key exceeded its step budget: neither proved nor refuted."""


def _step(state, op, inp, out, pending):
    """The sequential specification of one key (a register; None means absent).
    Returns (allowed, new_state)."""
    if op == "put":
        return True, inp["value"]
    if op == "get":
        return out == state, state
    if op == "cas":
        swapped = state == inp["expect"]
        if not pending and out != swapped:
            return False, state
        return True, (inp["value"] if swapped else state)
    raise ValueError("unknown op %r" % (op,))


class _Entry:
    """A node of the doubly linked list of call/return events (WGL's list)."""
    __slots__ = ("op_id", "is_call", "time", "match", "prev", "next")

    def __init__(self, op_id, is_call, time):
        self.op_id, self.is_call, self.time = op_id, is_call, time
        self.match = self.prev = self.next = None


def _build_list(ops):
    """Events sorted by time; on equal times calls come first, so touching intervals count as
    concurrent (the permissive reading, as in Porcupine)."""
    events = []
    for i, o in enumerate(ops):
        call, ret = _Entry(i, True, o["call_time"]), _Entry(i, False, o["_ret"])
        call.match = ret
        events.append(call)
        events.append(ret)
    events.sort(key=lambda e: (e.time, 0 if e.is_call else 1, e.op_id))
    head = _Entry(-1, False, -INF)
    prev = head
    for e in events:
        prev.next, e.prev = e, prev
        prev = e
    return head


def _lift(call):
    """Removes an operation's call and return entries from the list."""
    call.prev.next = call.next
    if call.next:
        call.next.prev = call.prev
    ret = call.match
    ret.prev.next = ret.next
    if ret.next:
        ret.next.prev = ret.prev


def _unlift(call):
    ret = call.match
    ret.prev.next = ret
    if ret.next:
        ret.next.prev = ret
    call.prev.next = call
    if call.next:
        call.next.prev = call


def check_key(ops, initial=None, max_steps=5_000_000):
    """WGL search over one key's operations. Returns (ok, length of the longest linearizable
    prefix found, the last TAIL op indexes of that prefix). Raises SearchBudgetExceeded after
    max_steps list steps.

    The memo holds (set of linearized operations, register value). The set is represented by a
    128-bit Zobrist hash (XOR of a random word per operation) instead of an n-bit bitset, so each
    step is O(1) rather than O(n) in time and memory; two different sets collide with probability
    2^-128 per pair, and a collision could only make the search skip a branch (a false alarm, never
    a missed violation)."""
    head = _build_list(ops)
    rng = random.Random(len(ops))
    zobrist = [rng.getrandbits(128) for _ in ops]
    state, linearized = initial, 0
    cache = set()
    stack = []  # (call entry, state before it)
    best_len, best_tail = 0, []
    steps = 0
    entry = head.next
    while head.next is not None:
        steps += 1
        if steps > max_steps:
            raise SearchBudgetExceeded("more than %d steps" % max_steps)
        if entry.is_call:
            o = ops[entry.op_id]
            ok, new_state = _step(state, o["op"], o["input"], o["output"], o["_ret"] == INF)
            if ok:
                new_linearized = linearized ^ zobrist[entry.op_id]
                # The cache key must hold states by value; values are hashable (str/bytes/None).
                if (new_linearized, new_state) not in cache:
                    cache.add((new_linearized, new_state))
                    stack.append((entry, state))
                    state, linearized = new_state, new_linearized
                    _lift(entry)
                    if len(stack) > best_len:
                        best_len, best_tail = len(stack), [c.op_id for c, _ in stack[-TAIL:]]
                    entry = head.next
                    continue
            entry = entry.next
        else:
            # A return entry: the operation it ends must already be linearized. Backtrack.
            if not stack:
                return False, best_len, best_tail
            top, state = stack.pop()
            linearized ^= zobrist[top.op_id]
            _unlift(top)
            entry = top.next
    return True, len(stack), [c.op_id for c, _ in stack[-TAIL:]]


def _describe(o):
    inp = o["input"]
    ret = "pending" if o["_ret"] == INF else "%.6f" % o["_ret"]
    if o["op"] == "put":
        what = "put(%r)" % (inp["value"],)
    elif o["op"] == "get":
        what = "get() -> %r" % (o["output"],)
    else:
        what = "cas(%r -> %r) -> %r" % (inp["expect"], inp["value"], o["output"])
    return "client %s: %s  [%.6f, %s]" % (o["client"], what, o["call_time"], ret)


def _drop_unobserved_pending_puts(ops):
    """Drops the pending puts whose value no get returned, on a key without cas. This never changes
    the verdict: such a put can be linearized at +infinity in any linearization of the rest, and in
    any linearization of the whole it can be cut out (no read sits between it and the next write,
    since none returned its value). Without this, every timed-out write would double the search
    space."""
    if any(o["op"] == "cas" for o in ops):
        return ops
    seen = {o["output"] for o in ops if o["op"] == "get"}
    return [o for o in ops if not (o["op"] == "put" and o["_ret"] == INF and o["input"]["value"] not in seen)]


def check(history, max_steps_per_key=5_000_000):
    """Checks a whole history (see the module comment). Pending gets are dropped."""
    by_key = collections.OrderedDict()
    for o in history:
        pending = o.get("return_time") is None
        if pending and o["op"] == "get":
            continue
        o = dict(o)
        o["_ret"] = INF if pending else o["return_time"]
        if o["_ret"] < o["call_time"]:
            raise ValueError("operation returns before its call: %r" % (o,))
        by_key.setdefault(o["input"]["key"], []).append(o)
    checked = 0
    for key, ops in by_key.items():
        checked += len(ops)
        ops = _drop_unobserved_pending_puts(ops)
        ok, best_len, tail = check_key(ops, max_steps=max_steps_per_key)
        if not ok:
            lines = ["key %r: no linearization of %d operations; the longest linearizable prefix has %d, "
                     "ending with:" % (key, len(ops), best_len)]
            lines += ["  " + _describe(ops[i]) for i in tail]
            # The search got stuck after the tail: show what was open or started from there on.
            stuck = max((ops[i]["call_time"] for i in tail), default=-INF)
            rest = sorted((o for i, o in enumerate(ops) if i not in tail and o["_ret"] >= stuck),
                          key=lambda o: o["call_time"])
            lines.append("operations open at or called after that point (first %d):" % TAIL)
            lines += ["  " + _describe(o) for o in rest[:TAIL]]
            return Result(False, checked, len(by_key), key, "\n".join(lines))
    return Result(True, checked, len(by_key), None, "")

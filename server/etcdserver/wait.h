// WaitRegistry: proposers wait here for the apply thread's result of their request, keyed by the
// request ID carried in InternalRequest.header.id (etcd pkg/wait), without blocking a thread: a
// waiter is a callback plus a deadline.
//
// Contract:
//   1. Register(id, deadline, done) before proposing. (Register(id) without a deadline returns a
//      future instead, for callers that block and time out by themselves, then Cancel.)
//   2. Exactly one of these takes the waiter out, and only the one that does runs (or returns)
//      its callback, so `done` runs at most once:
//        - Trigger(id, result), from the apply thread: runs done(result) on the caller's thread;
//        - TakeExpired(now), from the timer: returns the callbacks whose deadline <= now, for the
//          caller to run with its timeout result (TakeAll at stop: every waiter left);
//        - Cancel(id), from the proposer (the proposal failed): returns the callback (not run) if
//          it took the waiter out, for the caller to run with its error.
//      Trigger of an unknown ID (a re-applied entry from before a restart, a waiter that timed out
//      or was canceled) is a no-op.
//   3. Callbacks run outside the registry's lock and may call back into the registry.
//
// Bounds: one map entry per pending waiter, plus one deadline record per waiter not yet expired;
// records of waiters that were triggered early are dropped lazily, and the deadline heap is
// rebuilt when stale records outnumber live waiters (so it stays O(pending)).
//
// Thread-safety: all methods are thread-safe.
#pragma once

#include <algorithm>
#include <cassert>
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

namespace cairn::etcdserver {

template <typename Result>
class WaitRegistry {
 public:
  using Clock = std::chrono::steady_clock;
  using Callback = std::function<void(Result)>;

  // REQUIRES: id not registered. Returns true when `deadline` is now the earliest one (the timer
  // must be re-armed).
  bool Register(uint64_t id, Clock::time_point deadline, Callback done) {
    std::lock_guard<std::mutex> lock(mu_);
    auto [it, inserted] = waiters_.try_emplace(id, Waiter{deadline, std::move(done)});
    assert(inserted);
    (void)it;
    const bool earliest = deadlines_.empty() || deadline < deadlines_.front().first;
    deadlines_.emplace_back(deadline, id);
    std::push_heap(deadlines_.begin(), deadlines_.end(), Later);
    return earliest;
  }

  // A waiter without a deadline whose result arrives through a future (which reports a broken
  // promise if the waiter is canceled). REQUIRES: id not registered.
  std::future<Result> Register(uint64_t id) {
    auto p = std::make_shared<std::promise<Result>>();
    std::future<Result> f = p->get_future();
    std::lock_guard<std::mutex> lock(mu_);
    auto [it, inserted] =
        waiters_.try_emplace(id, Waiter{std::nullopt, [p](Result r) { p->set_value(std::move(r)); }});
    assert(inserted);
    (void)it;
    return f;
  }

  // Runs the waiter's callback with `result` (on this thread). False if `id` is not registered.
  bool Trigger(uint64_t id, Result result) {
    Callback done;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = waiters_.find(id);
      if (it == waiters_.end()) return false;
      done = std::move(it->second.done);
      waiters_.erase(it);
      MaybeCompactLocked();
    }
    done(std::move(result));
    return true;
  }

  // Takes a waiter out without running its callback and returns the callback; an empty one if
  // `id` is not registered (it was triggered or expired first).
  Callback Cancel(uint64_t id) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = waiters_.find(id);
    if (it == waiters_.end()) return nullptr;
    Callback done = std::move(it->second.done);
    waiters_.erase(it);
    MaybeCompactLocked();
    return done;
  }

  // Takes out every waiter whose deadline is <= now and returns their callbacks (oldest first).
  std::vector<Callback> TakeExpired(Clock::time_point now) {
    std::vector<Callback> expired;
    std::lock_guard<std::mutex> lock(mu_);
    while (!deadlines_.empty() && deadlines_.front().first <= now) {
      const auto [deadline, id] = deadlines_.front();
      std::pop_heap(deadlines_.begin(), deadlines_.end(), Later);
      deadlines_.pop_back();
      auto it = waiters_.find(id);
      // A stale record: the waiter was triggered or canceled (the id may even be registered
      // again with a later deadline).
      if (it == waiters_.end() || it->second.deadline != deadline) continue;
      expired.push_back(std::move(it->second.done));
      waiters_.erase(it);
    }
    return expired;
  }

  // Takes out every waiter (at stop) and returns their callbacks.
  std::vector<Callback> TakeAll() {
    std::vector<Callback> all;
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [id, w] : waiters_) all.push_back(std::move(w.done));
    waiters_.clear();
    deadlines_.clear();
    return all;
  }

  // The earliest deadline on record (possibly of a waiter already gone: waking early is harmless).
  std::optional<Clock::time_point> NextDeadline() const {
    std::lock_guard<std::mutex> lock(mu_);
    if (deadlines_.empty()) return std::nullopt;
    return deadlines_.front().first;
  }

  bool IsRegistered(uint64_t id) const {
    std::lock_guard<std::mutex> lock(mu_);
    return waiters_.count(id) != 0;
  }
  size_t pending() const {
    std::lock_guard<std::mutex> lock(mu_);
    return waiters_.size();
  }
  // Deadline records held, live or stale (for tests of the bound).
  size_t deadline_records() const {
    std::lock_guard<std::mutex> lock(mu_);
    return deadlines_.size();
  }

 private:
  struct Waiter {
    std::optional<Clock::time_point> deadline;  // none: a future waiter
    Callback done;
  };
  using Record = std::pair<Clock::time_point, uint64_t>;  // (deadline, id)
  // Heap order: the earliest deadline at the front.
  static bool Later(const Record& a, const Record& b) { return a.first > b.first; }

  // Rebuilds the heap from the live waiters once stale records outnumber them (amortized O(1)).
  void MaybeCompactLocked() {
    if (deadlines_.size() < 1024 || deadlines_.size() < 2 * waiters_.size()) return;
    deadlines_.clear();
    for (const auto& [id, w] : waiters_) {
      if (w.deadline) deadlines_.emplace_back(*w.deadline, id);
    }
    std::make_heap(deadlines_.begin(), deadlines_.end(), Later);
  }

  mutable std::mutex mu_;
  std::unordered_map<uint64_t, Waiter> waiters_;
  std::vector<Record> deadlines_;  // a min-heap on deadline (Later)
};

}  // namespace cairn::etcdserver

// WaitRegistry: proposers wait here for the apply thread's result of their request, keyed by the
// request ID carried in InternalRequest.header.id (etcd pkg/wait).
//
// Register(id) before proposing; the apply thread calls Trigger(id, result) exactly once per
// applied entry. Trigger of an unknown ID (a re-applied entry from before a restart, or a waiter
// that gave up) is a no-op.
//
// Thread-safety: all methods are thread-safe.
#pragma once

#include <cassert>
#include <cstdint>
#include <future>
#include <mutex>
#include <unordered_map>

namespace cairn::etcdserver {

template <typename Result>
class WaitRegistry {
 public:
  // REQUIRES: id not registered.
  std::future<Result> Register(uint64_t id) {
    std::lock_guard<std::mutex> lock(mu_);
    auto [it, inserted] = waiters_.try_emplace(id);
    assert(inserted);
    return it->second.get_future();
  }
  void Trigger(uint64_t id, Result result) {
    std::promise<Result> p;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = waiters_.find(id);
      if (it == waiters_.end()) return;
      p = std::move(it->second);
      waiters_.erase(it);
    }
    p.set_value(std::move(result));
  }
  // Forgets a waiter (its future then reports a broken promise).
  void Cancel(uint64_t id) {
    std::lock_guard<std::mutex> lock(mu_);
    waiters_.erase(id);
  }
  bool IsRegistered(uint64_t id) const {
    std::lock_guard<std::mutex> lock(mu_);
    return waiters_.count(id) != 0;
  }

 private:
  mutable std::mutex mu_;
  std::unordered_map<uint64_t, std::promise<Result>> waiters_;
};

}  // namespace cairn::etcdserver

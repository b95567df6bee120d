// The leader's periodic corruption check (etcd monitorKVHash): every `interval`, when this member
// leads, PeriodicCheck; a failed check logs "failed to check hash KV" and the loop goes on.
// Start logs etcd's "enabled corruption checking". Stop (or the destructor) joins the thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "server/corruption/checker.h"

namespace cairn::corruption {

class Monitor {
 public:
  // is_leader: whether this member leads now.
  Monitor(Hasher* hasher, logging::Logger* lg, std::function<bool()> is_leader, std::chrono::nanoseconds interval);
  ~Monitor() { Stop(); }
  void Start();
  void Stop();

 private:
  void Loop();
  Hasher* const hasher_;
  logging::Logger* const lg_;
  const std::function<bool()> is_leader_;
  const std::chrono::nanoseconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace cairn::corruption

// A leader-only periodic task (etcd monitorKVHash / monitorCompactHash): every `interval`, when
// this member leads, runs `check`. Stop (or the destructor) joins the thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace cairn::corruption {

class Monitor {
 public:
  Monitor(std::function<bool()> is_leader, std::chrono::nanoseconds interval, std::function<void()> check);
  ~Monitor() { Stop(); }
  void Start();
  void Stop();

 private:
  void Loop();
  const std::function<bool()> is_leader_;
  const std::chrono::nanoseconds interval_;
  const std::function<void()> check_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace cairn::corruption

#include "server/corruption/monitor.h"

namespace cairn::corruption {

Monitor::Monitor(std::function<bool()> is_leader, std::chrono::nanoseconds interval,
                 std::function<void()> check)
    : is_leader_(std::move(is_leader)), interval_(interval), check_(std::move(check)) {}

void Monitor::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void Monitor::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Monitor::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    if (cv_.wait_for(lock, interval_, [this] { return stopping_; })) return;
    if (!is_leader_()) continue;
    lock.unlock();
    check_();
    lock.lock();
  }
}

}  // namespace cairn::corruption

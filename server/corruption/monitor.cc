#include "server/corruption/monitor.h"

namespace cairn::corruption {

Monitor::Monitor(Hasher* hasher, logging::Logger* lg, std::function<bool()> is_leader,
                 std::chrono::nanoseconds interval)
    : hasher_(hasher), lg_(lg), is_leader_(std::move(is_leader)), interval_(interval) {}

void Monitor::Start() {
  lg_->Info("enabled corruption checking",
            {logging::HexId("local-member-id", hasher_->MemberId()), logging::Duration("interval", interval_)});
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
    if (Status st = PeriodicCheck(*hasher_, *lg_); !st.ok()) {
      lg_->Warn("failed to check hash KV", {logging::Error(st)});
    }
    lock.lock();
  }
}

}  // namespace cairn::corruption

#include "raft/node/ticker.h"

#include <pthread.h>

namespace cairn::raft::node {

Ticker::Ticker(std::chrono::milliseconds interval, std::function<void()> fn)
    : interval_(interval), fn_(std::move(fn)), thread_([this] { Run(); }) {}

Ticker::~Ticker() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void Ticker::Run() {
  pthread_setname_np(pthread_self(), "raft-ticker");
  // Deadline-based, so a slow tick does not shift every later one.
  auto next = std::chrono::steady_clock::now() + interval_;
  std::unique_lock<std::mutex> lk(mu_);
  while (!stopping_) {
    if (cv_.wait_until(lk, next, [this] { return stopping_; })) break;
    lk.unlock();
    fn_();
    lk.lock();
    next += interval_;
    const auto now = std::chrono::steady_clock::now();
    if (next < now) next = now + interval_;  // fell behind: do not burst
  }
}

}  // namespace cairn::raft::node

// Ticker: calls a function every `interval` on its own thread until destroyed.
// The node driver's clock (DESIGN.md §6): tests that want determinism do not
// start one and call Node::Tick() themselves.
//
// Thread-safety: construction and destruction from one thread; `fn` runs on
// the ticker's thread and must be thread-safe with respect to its target.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace cairn::raft::node {

class Ticker {
 public:
  Ticker(std::chrono::milliseconds interval, std::function<void()> fn);
  ~Ticker();  // stops and joins; `fn` is not called after it returns
  Ticker(const Ticker&) = delete;
  Ticker& operator=(const Ticker&) = delete;

 private:
  void Run();
  const std::chrono::milliseconds interval_;
  const std::function<void()> fn_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace cairn::raft::node

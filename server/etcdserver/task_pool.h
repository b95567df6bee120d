// TaskPool: a fixed set of threads running posted tasks in FIFO order. The server core runs on it
// the linearizable reads whose read barrier completed on a log thread (which must not execute
// reads), and the few reads that must block, so that the callback gRPC threads never block.
//
// Bounds: `threads` threads; the queue is bounded by the callers (one task per in-flight RPC).
// Stop() runs what is queued, then joins; Post after Stop returns false and drops the task.
//
// Thread-safety: all methods are thread-safe. Tasks must not call Stop().
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace cairn::etcdserver {

class TaskPool {
 public:
  explicit TaskPool(int threads) : threads_count_(threads) {}
  ~TaskPool() { Stop(); }
  TaskPool(const TaskPool&) = delete;
  TaskPool& operator=(const TaskPool&) = delete;

  // Threads start on the first Post (a server that never needs the pool starts none).
  bool Post(std::function<void()> task) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return false;
      if (threads_.empty()) {
        for (int i = 0; i < threads_count_; ++i) threads_.emplace_back([this] { Loop(); });
      }
      tasks_.push_back(std::move(task));
    }
    cv_.notify_one();
    return true;
  }

  void Stop() {
    std::vector<std::thread> threads;
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
      threads.swap(threads_);
    }
    cv_.notify_all();
    for (std::thread& t : threads) t.join();
  }

 private:
  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      cv_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;  // stopping, queue drained
      std::function<void()> task = std::move(tasks_.front());
      tasks_.pop_front();
      lock.unlock();
      task();
      lock.lock();
    }
  }

  const int threads_count_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  std::vector<std::thread> threads_;
  bool stopping_ = false;
};

}  // namespace cairn::etcdserver

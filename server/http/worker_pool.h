// WorkerPool: threads for HTTP/1 handlers, made on demand and kept while busy.
//
// The event loop parses request heads itself; only a complete request reaches a worker, which
// runs the handler (which may block, e.g. a gateway watch stream) and writes the response. At
// most `max_threads` run at once; beyond that tasks wait in FIFO order. A thread idle for
// `idle_exit` exits, so a quiet server holds no workers.
//
// Lifetime: the pool's state is shared with its threads, which are detached: destroying the pool
// never waits; WaitIdle() is how an owner waits (with a bound) for running tasks.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

namespace cairn::http {

class WorkerPool {
 public:
  explicit WorkerPool(size_t max_threads, std::chrono::milliseconds idle_exit = std::chrono::seconds(10));
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Submit(std::function<void()> task);
  // Waits until no task is queued or running, or `timeout` passes. True when idle.
  bool WaitIdle(std::chrono::milliseconds timeout);
  size_t Running() const;

  struct State;  // worker_pool.cc; shared with the detached threads

 private:
  std::shared_ptr<State> state_;
};

}  // namespace cairn::http

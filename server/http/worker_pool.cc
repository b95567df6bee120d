#include "server/http/worker_pool.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace cairn::http {

struct WorkerPool::State {
  std::mutex mu;
  std::condition_variable work_cv;
  std::condition_variable idle_cv;
  std::deque<std::function<void()>> queue;
  size_t max_threads = 0;
  std::chrono::milliseconds idle_exit{0};
  size_t threads = 0;
  size_t waiting = 0;  // threads blocked on work_cv
  size_t running = 0;  // tasks being run
  bool closed = false;
};

namespace {

void WorkerMain(std::shared_ptr<WorkerPool::State> s) {
  std::unique_lock<std::mutex> lock(s->mu);
  while (true) {
    s->waiting++;
    bool got = s->work_cv.wait_for(lock, s->idle_exit, [&] { return !s->queue.empty() || s->closed; });
    s->waiting--;
    if (!got || s->queue.empty()) break;
    std::function<void()> task = std::move(s->queue.front());
    s->queue.pop_front();
    s->running++;
    lock.unlock();
    task();
    task = nullptr;  // destroy captures outside the lock
    lock.lock();
    s->running--;
    if (s->running == 0 && s->queue.empty()) s->idle_cv.notify_all();
  }
  s->threads--;
}

}  // namespace

WorkerPool::WorkerPool(size_t max_threads, std::chrono::milliseconds idle_exit)
    : state_(std::make_shared<State>()) {
  state_->max_threads = max_threads == 0 ? 1 : max_threads;
  state_->idle_exit = idle_exit;
}

WorkerPool::~WorkerPool() {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->closed = true;
  state_->work_cv.notify_all();
}

void WorkerPool::Submit(std::function<void()> task) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->queue.push_back(std::move(task));
  if (state_->waiting >= state_->queue.size()) {
    state_->work_cv.notify_one();
  } else if (state_->threads < state_->max_threads) {
    state_->threads++;
    std::thread(WorkerMain, state_).detach();
  }
}

bool WorkerPool::WaitIdle(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(state_->mu);
  return state_->idle_cv.wait_for(lock, timeout, [&] { return state_->running == 0 && state_->queue.empty(); });
}

size_t WorkerPool::Running() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->running;
}

}  // namespace cairn::http

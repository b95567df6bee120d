#include "bench/driver.h"

#include <cassert>
#include <chrono>
#include <thread>

namespace cairn::bench {
namespace {

constexpr int kRateAlarmKind = Call::kMaxKinds;

int64_t SteadyNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int64_t UnixNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Call::Call() {
  for (int i = 0; i <= kMaxKinds; i++) tags_[i] = {this, i};
}

// Owns one CompletionQueue and the calls assigned to it.
class DriverThread {
 public:
  DriverThread(std::vector<Call*> calls, std::atomic<int64_t>* next_seq, const DriverOptions& options)
      : calls_(std::move(calls)), next_seq_(next_seq), options_(options), logs_(options.categories) {}

  void Run() {
    active_ = static_cast<int64_t>(calls_.size());
    for (Call* call : calls_) Issue(call);
    void* got = nullptr;
    bool ok = false;
    while (active_ > 0 && cq_.Next(&got, &ok)) {
      auto* tag = static_cast<Call::Tag*>(got);
      Call* call = tag->call;
      if (tag->kind == kRateAlarmKind) {
        Begin(call, call->pending_seq_);
        continue;
      }
      if (!call->OnEvent(tag->kind, ok)) continue;
      const int64_t end_ns = SteadyNowNs();
      const std::string error = call->Error();
      const int category = call->category();
      assert(category >= 0 && category < options_.categories);
      if (error.empty()) {
        logs_[category].AddSuccess(call->start_unix_ns_, end_ns - call->start_steady_ns_);
      } else {
        logs_[category].AddError(error);
      }
      Issue(call);
    }
    for (Call* call : calls_) call->Close();
    cq_.Shutdown();
    while (cq_.Next(&got, &ok)) {
      auto* tag = static_cast<Call::Tag*>(got);
      if (tag->kind != kRateAlarmKind) tag->call->OnEvent(tag->kind, ok);
    }
  }

  std::vector<ResultLog>& logs() { return logs_; }

 private:
  // Takes the next request number for `call`, or retires the call when all are taken.
  void Issue(Call* call) {
    const int64_t seq = next_seq_->fetch_add(1);
    if (seq >= options_.total) {
      active_--;
      return;
    }
    if (options_.limiter != nullptr) {
      const auto now = std::chrono::steady_clock::now();
      const auto at = options_.limiter->Reserve(now);
      if (at > now) {
        call->pending_seq_ = seq;
        const auto deadline = std::chrono::system_clock::now() +
                              std::chrono::duration_cast<std::chrono::system_clock::duration>(at - now);
        call->rate_alarm_.Set(&cq_, deadline, &call->tags_[kRateAlarmKind]);
        return;
      }
    }
    Begin(call, seq);
  }

  void Begin(Call* call, int64_t seq) {
    call->start_steady_ns_ = SteadyNowNs();
    call->start_unix_ns_ = UnixNowNs();
    call->Start(seq, &cq_);
  }

  std::vector<Call*> calls_;
  std::atomic<int64_t>* next_seq_;
  const DriverOptions& options_;
  grpc::CompletionQueue cq_;
  int64_t active_ = 0;
  std::vector<ResultLog> logs_;
};

DriverResult RunClosedLoop(const std::vector<std::unique_ptr<Call>>& calls, const DriverOptions& options) {
  assert(!calls.empty());
  const int64_t thread_count = std::max<int64_t>(1, std::min<int64_t>(options.threads, calls.size()));
  std::vector<std::vector<Call*>> per_thread(static_cast<size_t>(thread_count));
  for (size_t i = 0; i < calls.size(); i++) per_thread[i % per_thread.size()].push_back(calls[i].get());

  std::atomic<int64_t> next_seq{0};
  std::vector<std::unique_ptr<DriverThread>> drivers;
  drivers.reserve(per_thread.size());
  for (auto& list : per_thread) drivers.push_back(std::make_unique<DriverThread>(list, &next_seq, options));

  const int64_t start_ns = SteadyNowNs();
  std::vector<std::thread> threads;
  threads.reserve(drivers.size());
  for (auto& d : drivers) threads.emplace_back([&d] { d->Run(); });
  for (auto& t : threads) t.join();
  DriverResult result;
  result.total_ns = SteadyNowNs() - start_ns;
  result.logs.resize(static_cast<size_t>(options.categories));
  for (auto& d : drivers) {
    for (int c = 0; c < options.categories; c++) result.logs[c].Merge(std::move(d->logs()[c]));
  }
  return result;
}

}  // namespace cairn::bench

// The closed-loop load driver behind put/range/txn-put/lease-keepalive: `calls.size()` clients
// each keep one request in flight (etcd's benchmark: one goroutine per client pulling from a
// request channel) until `total` requests have completed. All requests are asynchronous gRPC
// calls completed on a few CompletionQueues, each polled by one thread, so one process can keep
// thousands of requests in flight over N connections without being the bottleneck.
//
// Latency of a request = from just before it is started (after any --rate wait) to the moment
// its completion is processed, as in etcd (st := time.Now() after limit.Wait()).
#pragma once

#include <grpcpp/alarm.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bench/rate_limiter.h"
#include "bench/report.h"

namespace cairn::bench {

// One client's request kind. Driven by exactly one driver thread (not thread-safe).
class Call {
 public:
  // Completion-queue tag: the driver routes every event of this call back to OnEvent(kind).
  struct Tag {
    Call* call;
    int kind;
  };
  static constexpr int kMaxKinds = 4;

  Call();
  virtual ~Call() = default;

  // Starts request number `seq`; every completion it posts uses tag(kind), 0 <= kind < kMaxKinds.
  virtual void Start(int64_t seq, grpc::CompletionQueue* cq) = 0;
  // Handles one event; returns true when the request is complete (then Error() is valid).
  virtual bool OnEvent(int kind, bool ok) = 0;
  // "" on success, else the error text shown in the report's error distribution.
  virtual std::string Error() const = 0;
  // Called once after the last request: cancel long-lived streams so that the completion queue
  // can drain (post any final events with tag(kind)).
  virtual void Close() {}
  // After completion: which report the request belongs to, in [0, DriverOptions::categories)
  // (txn-mixed reports reads and writes separately).
  virtual int category() const { return 0; }

 protected:
  void* tag(int kind) { return &tags_[kind]; }

 private:
  friend class DriverThread;
  Tag tags_[kMaxKinds + 1];  // the last one is the driver's --rate alarm
  grpc::Alarm rate_alarm_;
  int64_t pending_seq_ = 0;
  int64_t start_steady_ns_ = 0;
  int64_t start_unix_ns_ = 0;
};

struct DriverOptions {
  int64_t total = 0;               // requests to complete (successes + failures)
  int64_t threads = 1;             // completion-queue threads, >= 1
  RateLimiter* limiter = nullptr;  // optional --rate limit, shared by all clients
  int categories = 1;              // number of separate reports (see Call::category())
};

struct DriverResult {
  std::vector<ResultLog> logs;  // one per category
  int64_t total_ns = 0;         // wall time from the first start to the last completion
};

// REQUIRES: !calls.empty(). Calls are distributed over the threads round-robin.
DriverResult RunClosedLoop(const std::vector<std::unique_ptr<Call>>& calls, const DriverOptions& options);

}  // namespace cairn::bench

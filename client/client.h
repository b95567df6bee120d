// Client: the etcd v3 client behaviour etcdctl relies on (clientv3.Client), over one channel per
// endpoint.
//
// Contract:
// - Open() parses every endpoint and dials each lazily (an endpoint that does not parse is
//   never ready, so calls through it end with "context deadline exceeded", as with clientv3) (a down endpoint
//   is no error, like clientv3 without WithBlock). With a user, it authenticates once within the dial timeout
//   (a server without auth enabled is fine: no token) and attaches metadata `token` to every
//   call afterwards.
// - Unary() sends a call to a READY endpoint, rotating from the last one that worked; while none
//   is ready it waits (up to the call's deadline) for any to connect. An `Unavailable` answer is
//   retried on the next endpoint after a 25 ms backoff when the call is immutable (reads,
//   status, lists), or for any call when it never reached a server (clientv3's
//   isSafeRetryImmutableRPC / isSafeRetryMutableRPC). `etcdserver: invalid auth token` (and the
//   other token errors) re-authenticates once and retries.
// - Errors come back as Status::Unavailable carrying clientv3's text (client/errors.h), e.g.
//   "context deadline exceeded" when the deadline passes.
//
// Thread-safety: Unary() may be called from several threads; the token and the preferred
// endpoint are guarded by a mutex.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "client/dial.h"
#include "client/endpoint.h"
#include "client/errors.h"
#include "proto/rpc.grpc.pb.h"

namespace cairn::client {

struct Options {
  std::vector<std::string> endpoints = {"127.0.0.1:2379"};
  DialOptions dial;
  int64_t dial_timeout_ns = 2'000'000'000;  // --dial-timeout: authentication's deadline
  std::string user;                         // empty: no authentication
  std::string password;
  // Called after every failed attempt of a unary call (clientv3's retry interceptor logs
  // "retrying of unary invoker failed" there); may be empty.
  std::function<void(const std::string& endpoint, int attempt, const grpc::Status& status)> on_attempt_failed;
};

enum class Idempotence { kImmutable, kMutable };

using Clock = std::chrono::system_clock;

class Client {
 public:
  static Status Open(const Options& options, std::unique_ptr<Client>* out);

  const Options& options() const { return options_; }
  const std::vector<Endpoint>& endpoints() const { return endpoints_; }
  // The channel of endpoint i (for streams and per-endpoint calls such as status/defrag).
  const std::shared_ptr<grpc::Channel>& channel(size_t i) const { return channels_[i]; }
  // Index of a READY endpoint (waiting until `deadline`); -1 if none became ready.
  int PickReady(Clock::time_point deadline);

  // The current auth token ("" without authentication).
  std::string token() {
    std::lock_guard<std::mutex> lock(mu_);
    return token_;
  }
  // Auth token metadata for a call made directly on a channel.
  void Prepare(grpc::ClientContext* context);

  // One unary RPC with failover/retry as described above. `Service` is the generated service
  // `method` a generated Stub's synchronous method (&etcdserverpb::KV::Stub::Range).
  template <class Stub, class Req, class Resp>
  Status Unary(grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*), const Req& req,
               Resp* resp, Clock::time_point deadline, Idempotence idem);

  // The same call sent to endpoint i only (etcdctl's per-endpoint commands); no failover.
  template <class Stub, class Req, class Resp>
  Status UnaryAt(size_t i, grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                 const Req& req, Resp* resp, Clock::time_point deadline);

 private:
  Client() = default;
  Status Authenticate(Clock::time_point deadline);
  // Whether the error asks for a fresh token (clientv3's shouldRefreshToken).
  static bool IsTokenError(const grpc::Status& s);

  Options options_;
  std::vector<Endpoint> endpoints_;
  std::vector<std::shared_ptr<grpc::Channel>> channels_;
  std::mutex mu_;
  std::string token_;
  size_t preferred_ = 0;
};

// ---- implementation of the templates ----

template <class Stub, class Req, class Resp>
Status Client::Unary(grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*), const Req& req,
                     Resp* resp, Clock::time_point deadline, Idempotence idem) {
  bool refreshed = false;
  grpc::Status last;
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int i = PickReady(deadline);
    if (i < 0) {
      if (!last.ok() && last.error_code() != grpc::StatusCode::DEADLINE_EXCEEDED) {
        return Status::Unavailable(GoErrorString(last));
      }
      return Status::Unavailable("context deadline exceeded");
    }
    Stub stub(channels_[static_cast<size_t>(i)]);
    grpc::ClientContext ctx;
    ctx.set_deadline(deadline);
    Prepare(&ctx);
    last = (stub.*method)(&ctx, req, resp);
    if (!last.ok() && options_.on_attempt_failed) {
      options_.on_attempt_failed(endpoints_[static_cast<size_t>(i)].original, attempt, last);
    }
    if (last.ok()) {
      std::lock_guard<std::mutex> lock(mu_);
      preferred_ = static_cast<size_t>(i);
      return Status::Ok();
    }
    if (IsTokenError(last) && !refreshed && !options_.user.empty()) {
      refreshed = true;
      CAIRN_RETURN_IF_ERROR(Authenticate(deadline));
      continue;
    }
    const bool unavailable = last.error_code() == grpc::StatusCode::UNAVAILABLE;
    const bool not_sent =
        unavailable && channels_[static_cast<size_t>(i)]->GetState(false) != GRPC_CHANNEL_READY;
    if (!unavailable || (idem == Idempotence::kMutable && !not_sent)) {
      return Status::Unavailable(
          GoErrorString(last, last.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED));
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      preferred_ = (static_cast<size_t>(i) + 1) % channels_.size();
    }
    if (Clock::now() + std::chrono::milliseconds(25) >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));  // clientv3's backoff between retries
  }
  return Status::Unavailable(last.ok() ? "context deadline exceeded" : GoErrorString(last));
}

template <class Stub, class Req, class Resp>
Status Client::UnaryAt(size_t i, grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                       const Req& req, Resp* resp, Clock::time_point deadline) {
  bool refreshed = false;
  for (;;) {
    Stub stub(channels_[i]);
    grpc::ClientContext ctx;
    ctx.set_deadline(deadline);
    ctx.set_wait_for_ready(true);
    Prepare(&ctx);
    const grpc::Status s = (stub.*method)(&ctx, req, resp);
    if (!s.ok() && options_.on_attempt_failed) options_.on_attempt_failed(endpoints_[i].original, 0, s);
    if (s.ok()) return Status::Ok();
    if (IsTokenError(s) && !refreshed && !options_.user.empty()) {
      refreshed = true;
      CAIRN_RETURN_IF_ERROR(Authenticate(deadline));
      continue;
    }
    return Status::Unavailable(GoErrorString(s, s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED));
  }
}

}  // namespace cairn::client

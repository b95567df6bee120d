#include "server/api/grpc_metrics.h"

#include <array>
#include <chrono>
#include <atomic>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "server/metrics/etcd_metrics.h"

namespace cairn::api {
namespace {

using grpc::experimental::InterceptionHookPoints;

const char* TypeName(grpc::experimental::ServerRpcInfo::Type t) {
  switch (t) {
    case grpc::experimental::ServerRpcInfo::Type::UNARY: return "unary";
    case grpc::experimental::ServerRpcInfo::Type::CLIENT_STREAMING: return "client_stream";
    case grpc::experimental::ServerRpcInfo::Type::SERVER_STREAMING: return "server_stream";
    case grpc::experimental::ServerRpcInfo::Type::BIDI_STREAMING: return "bidi_stream";
  }
  return "unary";
}

// The counters of one method, resolved once: the label lookups (a vector of strings and a
// family lock each) would otherwise run four times per RPC.
struct MethodCounters {
  std::string full, type, service, method;
  metrics::Counter* started = nullptr;
  metrics::Counter* received = nullptr;
  metrics::Counter* sent = nullptr;
  std::atomic<metrics::Histogram*> handling{nullptr};  // on first use (--metrics=extensive)

  metrics::Histogram& Handling() {
    metrics::Histogram* h = handling.load(std::memory_order_acquire);
    if (h == nullptr) {
      h = &metrics::Etcd().grpc_server_handling_seconds.With({type, service, method});
      handling.store(h, std::memory_order_release);
    }
    return *h;
  }
  std::array<std::atomic<metrics::Counter*>, 17> handled{};  // by grpc::StatusCode, on first use

  metrics::Counter& Handled(int code) {
    if (code < 0 || code >= static_cast<int>(handled.size())) {
      return metrics::Etcd().grpc_server_handled_total.With(
          {type, service, method, metrics::GrpcCodeName(code)});
    }
    metrics::Counter* c = handled[code].load(std::memory_order_acquire);
    if (c == nullptr) {
      c = &metrics::Etcd().grpc_server_handled_total.With(
          {type, service, method, metrics::GrpcCodeName(code)});
      handled[code].store(c, std::memory_order_release);
    }
    return *c;
  }
};

// One MethodCounters per (type, full method name); they live as long as the process, like the
// registry's children they point to.
MethodCounters* CountersFor(grpc::experimental::ServerRpcInfo::Type type, const char* full_method) {
  static std::mutex mu;
  // Keyed by views of MethodCounters::full, one map per RPC type.
  static auto* by_type =
      new std::array<std::unordered_map<std::string_view, std::unique_ptr<MethodCounters>>, 4>();
  auto& by_method = (*by_type)[static_cast<size_t>(type) % 4];
  std::lock_guard<std::mutex> lock(mu);
  auto it = by_method.find(std::string_view(full_method));
  if (it != by_method.end()) return it->second.get();
  auto c = std::make_unique<MethodCounters>();
  if (!SplitMethodName(full_method, &c->service, &c->method)) return nullptr;
  c->full = full_method;
  c->type = TypeName(type);
  metrics::EtcdMetrics& m = metrics::Etcd();
  c->started = &m.grpc_server_started_total.With({c->type, c->service, c->method});
  c->received = &m.grpc_server_msg_received_total.With({c->type, c->service, c->method});
  c->sent = &m.grpc_server_msg_sent_total.With({c->type, c->service, c->method});
  std::string_view key = c->full;
  return by_method.emplace(key, std::move(c)).first->second.get();
}

class GrpcMetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit GrpcMetricsInterceptor(MethodCounters* counters)
      : c_(counters), start_(std::chrono::steady_clock::now()) {
    c_->started->Inc();
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE)) c_->received->Inc();
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_MESSAGE)) c_->sent->Inc();
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      c_->Handled(static_cast<int>(methods->GetSendStatus().error_code())).Inc();
      if (metrics::Etcd().grpc_handling_time_enabled()) {
        // go-grpc-prometheus: from the call's start to its status, in seconds.
        c_->Handling().Observe(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
      }
    }
    methods->Proceed();
  }

 private:
  MethodCounters* const c_;
  const std::chrono::steady_clock::time_point start_;
};

}  // namespace

bool SplitMethodName(std::string_view full, std::string* service, std::string* method) {
  if (full.size() < 3 || full[0] != '/') return false;
  size_t slash = full.find('/', 1);
  if (slash == std::string_view::npos || slash + 1 >= full.size()) return false;
  *service = std::string(full.substr(1, slash - 1));
  *method = std::string(full.substr(slash + 1));
  return true;
}

grpc::experimental::Interceptor* GrpcMetricsInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  if (info->method() == nullptr) return nullptr;
  MethodCounters* counters = CountersFor(info->type(), info->method());
  if (counters == nullptr) return nullptr;
  return new GrpcMetricsInterceptor(counters);
}

}  // namespace cairn::api

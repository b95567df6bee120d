#include "server/api/grpc_metrics.h"

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

class GrpcMetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  GrpcMetricsInterceptor(std::string type, std::string service, std::string method)
      : type_(std::move(type)), service_(std::move(service)), method_(std::move(method)) {
    metrics::Etcd().grpc_server_started_total.With({type_, service_, method_}).Inc();
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    metrics::EtcdMetrics& m = metrics::Etcd();
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE)) {
      m.grpc_server_msg_received_total.With({type_, service_, method_}).Inc();
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_MESSAGE)) {
      m.grpc_server_msg_sent_total.With({type_, service_, method_}).Inc();
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      const char* code = metrics::GrpcCodeName(static_cast<int>(methods->GetSendStatus().error_code()));
      m.grpc_server_handled_total.With({type_, service_, method_, code}).Inc();
    }
    methods->Proceed();
  }

 private:
  const std::string type_, service_, method_;
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
  std::string service, method;
  if (info->method() == nullptr || !SplitMethodName(info->method(), &service, &method)) return nullptr;
  return new GrpcMetricsInterceptor(TypeName(info->type()), std::move(service), std::move(method));
}

}  // namespace cairn::api

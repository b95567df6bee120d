// go-grpc-prometheus's server metrics for every RPC, as a gRPC server interceptor:
//   grpc_server_started_total{grpc_type,grpc_service,grpc_method}       at the RPC's start
//   grpc_server_msg_received_total / grpc_server_msg_sent_total          per message
//   grpc_server_handled_total{...,grpc_code}                             with the final status
// Labels as go-grpc-prometheus prints them ("unary", "bidi_stream", "etcdserverpb.KV", "Range",
// "OK"). Install with ServerBuilder::experimental().SetInterceptorCreators.
// Thread-safety: the counters are lock-free; one interceptor object per RPC.
#pragma once

#include <grpcpp/support/server_interceptor.h>

#include <string>
#include <string_view>

namespace cairn::api {

class GrpcMetricsInterceptorFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override;
};

// "/etcdserverpb.KV/Range" -> {"etcdserverpb.KV", "Range"}; false if not in that form.
bool SplitMethodName(std::string_view full, std::string* service, std::string* method);

}  // namespace cairn::api

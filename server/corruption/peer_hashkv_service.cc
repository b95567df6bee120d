#include "server/corruption/peer_hashkv_service.h"

#include "server/api/rpc_errors.h"

namespace cairn::corruption {

grpc::Status PeerHashKVService::HashKV(grpc::ServerContext* ctx, const etcdserverpb::HashKVRequest* req,
                                       etcdserverpb::HashKVResponse* resp) {
  if (cairn::Status st = raft::transport::CheckPeerIdentity(*ctx, tls_); !st.ok()) {
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED, st.message());
  }
  etcdserver::EtcdServer* s = server_.load();
  if (s == nullptr) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "etcdserver: server not ready");
  return api::ToGrpcStatus(s->HashKV(*req, resp));
}

}  // namespace cairn::corruption

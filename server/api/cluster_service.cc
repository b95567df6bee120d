#include "server/api/cluster_service.h"

#include "server/api/caller.h"
#include "server/api/rpc_errors.h"
#include "server/etcdserver/errors.h"

namespace cairn::api {
namespace {

const grpc::Status kNotReady(grpc::StatusCode::UNAVAILABLE, "etcdserver: server stopped");

}  // namespace

grpc::Status ClusterService::MemberList(grpc::ServerContext*, const etcdserverpb::MemberListRequest*,
                                        etcdserverpb::MemberListResponse* resp) {
  etcdserver::EtcdServer* s = server_.load();
  if (s == nullptr) return kNotReady;
  return ToGrpcStatus(s->MemberList(resp));
}

grpc::Status ClusterService::MemberAdd(grpc::ServerContext* ctx, const etcdserverpb::MemberAddRequest* req,
                                       etcdserverpb::MemberAddResponse* resp) {
  etcdserver::EtcdServer* s = server_.load();
  if (s == nullptr) return kNotReady;
  if (Status st = RequireAdmin(*ctx, s); !st.ok()) return ToGrpcStatus(st);
  return ToGrpcStatus(s->MemberAdd(*req, resp));
}

grpc::Status ClusterService::MemberRemove(grpc::ServerContext* ctx,
                                          const etcdserverpb::MemberRemoveRequest* req,
                                          etcdserverpb::MemberRemoveResponse* resp) {
  etcdserver::EtcdServer* s = server_.load();
  if (s == nullptr) return kNotReady;
  if (Status st = RequireAdmin(*ctx, s); !st.ok()) return ToGrpcStatus(st);
  return ToGrpcStatus(s->MemberRemove(*req, resp));
}

grpc::Status ClusterService::MemberUpdate(grpc::ServerContext* ctx,
                                          const etcdserverpb::MemberUpdateRequest* req,
                                          etcdserverpb::MemberUpdateResponse* resp) {
  etcdserver::EtcdServer* s = server_.load();
  if (s == nullptr) return kNotReady;
  if (Status st = RequireAdmin(*ctx, s); !st.ok()) return ToGrpcStatus(st);
  return ToGrpcStatus(s->MemberUpdate(*req, resp));
}

grpc::Status ClusterService::MemberPromote(grpc::ServerContext* ctx,
                                           const etcdserverpb::MemberPromoteRequest* req,
                                           etcdserverpb::MemberPromoteResponse* resp) {
  etcdserver::EtcdServer* s = server_.load();
  if (s == nullptr) return kNotReady;
  // Membership changes need the root role when auth is on (etcd checkMembershipOperationPermission).
  if (Status admin = RequireAdmin(*ctx, s); !admin.ok()) return ToGrpcStatus(admin);
  Status st = s->MemberPromote(*req, resp);
  if (st.message() != etcdserver::kErrNotLeader || leader_ == nullptr || LeaderChannel::IsForwarded(ctx)) {
    return ToGrpcStatus(st);
  }
  std::shared_ptr<grpc::Channel> channel;
  if (grpc::Status cs = leader_->Get(s, &channel); !cs.ok()) return cs;
  grpc::ClientContext fwd;
  LeaderChannel::Prepare(&fwd, s->options().request_timeout);
  ForwardCredentials(*ctx, &fwd);
  return etcdserverpb::Cluster::NewStub(channel)->MemberPromote(&fwd, *req, resp);
}

}  // namespace cairn::api

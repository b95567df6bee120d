#include "server/api/lease_service.h"

#include "server/api/caller.h"
#include "server/api/rpc_errors.h"
#include "server/etcdserver/errors.h"
#include "server/metrics/etcd_metrics.h"

namespace cairn::api {

namespace {
const grpc::Status kNotReady(grpc::StatusCode::UNAVAILABLE, "etcdserver: server stopped");
}  // namespace

grpc::Status LeaseService::LeaseGrant(grpc::ServerContext*, const etcdserverpb::LeaseGrantRequest* req,
                                      etcdserverpb::LeaseGrantResponse* resp) {
  etcdserver::EtcdServer* const s = server_.load();
  if (s == nullptr) return kNotReady;
  grpc::Status st = ToGrpcStatus(s->LeaseGrant(*req, resp));
  if (st.ok()) metrics::Etcd().lease_granted_total.Inc();
  return st;
}

grpc::Status LeaseService::LeaseRevoke(grpc::ServerContext* ctx, const etcdserverpb::LeaseRevokeRequest* req,
                                       etcdserverpb::LeaseRevokeResponse* resp) {
  etcdserver::EtcdServer* const s = server_.load();
  if (s == nullptr) return kNotReady;
  auth::AuthInfo who;
  if (Status cs = CallerOf(*ctx, s, &who); !cs.ok()) return ToGrpcStatus(cs);
  grpc::Status st = ToGrpcStatus(s->LeaseRevoke(*req, resp, who));
  if (st.ok()) metrics::Etcd().lease_revoked_total.Inc();
  return st;
}

grpc::Status LeaseService::ForwardRenew(etcdserver::EtcdServer* s,
                                        const etcdserverpb::LeaseKeepAliveRequest& req,
                                        etcdserverpb::LeaseKeepAliveResponse* resp) {
  std::shared_ptr<grpc::Channel> channel;
  if (grpc::Status cs = leader_->Get(s, &channel); !cs.ok()) return cs;
  grpc::ClientContext ctx;
  LeaderChannel::Prepare(&ctx, s->options().request_timeout);
  auto stream = etcdserverpb::Lease::NewStub(channel)->LeaseKeepAlive(&ctx);
  const bool ok = stream->Write(req) && stream->Read(resp);
  stream->WritesDone();
  grpc::Status st = stream->Finish();
  if (ok) return grpc::Status::OK;
  return st.ok() ? grpc::Status(grpc::StatusCode::UNAVAILABLE, std::string(etcdserver::kErrNoLeader)) : st;
}

grpc::Status LeaseService::LeaseKeepAlive(
    grpc::ServerContext* ctx,
    grpc::ServerReaderWriter<etcdserverpb::LeaseKeepAliveResponse, etcdserverpb::LeaseKeepAliveRequest>*
        stream) {
  etcdserver::EtcdServer* const s = server_.load();
  if (s == nullptr) return kNotReady;
  const bool may_forward = leader_ != nullptr && !LeaderChannel::IsForwarded(ctx);
  etcdserverpb::LeaseKeepAliveRequest req;
  while (stream->Read(&req)) {
    etcdserverpb::LeaseKeepAliveResponse resp;
    if (!s->IsLeader()) {
      if (!may_forward) return ToGrpcStatus(etcdserver::EtcdError(etcdserver::kErrNotLeader));
      grpc::Status fs = ForwardRenew(s, req, &resp);
      if (!fs.ok()) return fs;
      if (!stream->Write(resp)) break;
      continue;
    }
    Status st = s->LeaseRenew(req.id(), &resp);
    if (!st.ok()) {
      Status etcd = etcdserver::ToEtcdError(st);
      if (etcd.message() != etcdserver::kErrLeaseNotFound) return ToGrpcStatus(etcd);
      resp.Clear();
      resp.set_id(req.id());
      resp.set_ttl(0);
      s->FillHeader(resp.mutable_header());
    } else {
      metrics::Etcd().lease_renewed_total.Inc();
    }
    if (!stream->Write(resp)) break;
  }
  return grpc::Status::OK;
}

grpc::Status LeaseService::LeaseTimeToLive(grpc::ServerContext* ctx,
                                           const etcdserverpb::LeaseTimeToLiveRequest* req,
                                           etcdserverpb::LeaseTimeToLiveResponse* resp) {
  etcdserver::EtcdServer* const s = server_.load();
  if (s == nullptr) return kNotReady;
  if (!s->IsLeader() && leader_ != nullptr && !LeaderChannel::IsForwarded(ctx)) {
    std::shared_ptr<grpc::Channel> channel;
    if (grpc::Status cs = leader_->Get(s, &channel); !cs.ok()) return cs;
    grpc::ClientContext fwd;
    LeaderChannel::Prepare(&fwd, s->options().request_timeout);
    ForwardCredentials(*ctx, &fwd);
    return etcdserverpb::Lease::NewStub(channel)->LeaseTimeToLive(&fwd, *req, resp);
  }
  auth::AuthInfo who;
  if (Status cs = CallerOf(*ctx, s, &who); !cs.ok()) return ToGrpcStatus(cs);
  return ToGrpcStatus(s->LeaseTimeToLive(*req, resp, who));
}

grpc::Status LeaseService::LeaseLeases(grpc::ServerContext*, const etcdserverpb::LeaseLeasesRequest*,
                                       etcdserverpb::LeaseLeasesResponse* resp) {
  etcdserver::EtcdServer* const s = server_.load();
  if (s == nullptr) return kNotReady;
  return ToGrpcStatus(s->LeaseLeases(resp));
}

}  // namespace cairn::api

#include "server/api/lease_service.h"

#include "server/api/rpc_errors.h"
#include "server/etcdserver/errors.h"
#include "server/metrics/etcd_metrics.h"

namespace cairn::api {

grpc::Status LeaseService::LeaseGrant(grpc::ServerContext*, const etcdserverpb::LeaseGrantRequest* req,
                                      etcdserverpb::LeaseGrantResponse* resp) {
  grpc::Status st = ToGrpcStatus(server_->LeaseGrant(*req, resp));
  if (st.ok()) metrics::Etcd().lease_granted_total.Inc();
  return st;
}

grpc::Status LeaseService::LeaseRevoke(grpc::ServerContext*, const etcdserverpb::LeaseRevokeRequest* req,
                                       etcdserverpb::LeaseRevokeResponse* resp) {
  grpc::Status st = ToGrpcStatus(server_->LeaseRevoke(*req, resp));
  if (st.ok()) metrics::Etcd().lease_revoked_total.Inc();
  return st;
}

grpc::Status LeaseService::LeaseKeepAlive(
    grpc::ServerContext*,
    grpc::ServerReaderWriter<etcdserverpb::LeaseKeepAliveResponse, etcdserverpb::LeaseKeepAliveRequest>*
        stream) {
  etcdserverpb::LeaseKeepAliveRequest req;
  while (stream->Read(&req)) {
    etcdserverpb::LeaseKeepAliveResponse resp;
    Status st = server_->LeaseRenew(req.id(), &resp);
    if (!st.ok()) {
      Status etcd = etcdserver::ToEtcdError(st);
      if (etcd.message() != etcdserver::kErrLeaseNotFound) return ToGrpcStatus(etcd);
      resp.Clear();
      resp.set_id(req.id());
      resp.set_ttl(0);
      server_->FillHeader(resp.mutable_header());
    } else {
      metrics::Etcd().lease_renewed_total.Inc();
    }
    if (!stream->Write(resp)) break;
  }
  return grpc::Status::OK;
}

grpc::Status LeaseService::LeaseTimeToLive(grpc::ServerContext*,
                                           const etcdserverpb::LeaseTimeToLiveRequest* req,
                                           etcdserverpb::LeaseTimeToLiveResponse* resp) {
  return ToGrpcStatus(server_->LeaseTimeToLive(*req, resp));
}

grpc::Status LeaseService::LeaseLeases(grpc::ServerContext*, const etcdserverpb::LeaseLeasesRequest*,
                                       etcdserverpb::LeaseLeasesResponse* resp) {
  return ToGrpcStatus(server_->LeaseLeases(resp));
}

}  // namespace cairn::api

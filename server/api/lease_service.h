// etcdserverpb.Lease over the server core (etcd api/v3rpc/lease.go). Grant and Revoke go through
// the log; keep-alives renew on this (leader) member; an unknown lease in a keep-alive is answered
// with TTL 0, not an error, as etcd does.
// Thread-safety: gRPC calls methods concurrently; the core is thread-safe.
#pragma once

#include "proto/rpc.grpc.pb.h"
#include "server/etcdserver/server.h"

namespace cairn::api {

class LeaseService final : public etcdserverpb::Lease::Service {
 public:
  explicit LeaseService(etcdserver::EtcdServer* server) : server_(server) {}
  grpc::Status LeaseGrant(grpc::ServerContext*, const etcdserverpb::LeaseGrantRequest* req,
                          etcdserverpb::LeaseGrantResponse* resp) override;
  grpc::Status LeaseRevoke(grpc::ServerContext*, const etcdserverpb::LeaseRevokeRequest* req,
                           etcdserverpb::LeaseRevokeResponse* resp) override;
  grpc::Status LeaseKeepAlive(grpc::ServerContext*,
                              grpc::ServerReaderWriter<etcdserverpb::LeaseKeepAliveResponse,
                                                       etcdserverpb::LeaseKeepAliveRequest>* stream) override;
  grpc::Status LeaseTimeToLive(grpc::ServerContext*, const etcdserverpb::LeaseTimeToLiveRequest* req,
                               etcdserverpb::LeaseTimeToLiveResponse* resp) override;
  grpc::Status LeaseLeases(grpc::ServerContext*, const etcdserverpb::LeaseLeasesRequest* req,
                           etcdserverpb::LeaseLeasesResponse* resp) override;

 private:
  etcdserver::EtcdServer* server_;
};

}  // namespace cairn::api

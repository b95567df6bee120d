// etcdserverpb.Lease over the server core (etcd api/v3rpc/lease.go). Grant and Revoke go through
// the log; keep-alives renew on this (leader) member; an unknown lease in a keep-alive is answered
// with TTL 0, not an error, as etcd does.
// Thread-safety: gRPC calls methods concurrently; the core is thread-safe.
#pragma once

#include <atomic>

#include "proto/rpc.grpc.pb.h"
#include "server/api/leader_channel.h"
#include "server/etcdserver/server.h"

namespace cairn::api {

class LeaseService final : public etcdserverpb::Lease::Service {
 public:
  // Keep-alive and time-to-live need the leader's lessor: on another member they are forwarded
  // through `leader` (may be null: answered locally). The peer-URL instance is created before the
  // core and bound with set_server().
  explicit LeaseService(etcdserver::EtcdServer* server, LeaderChannel* leader = nullptr)
      : server_(server), leader_(leader) {}
  void set_server(etcdserver::EtcdServer* server) { server_.store(server); }
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
  // Forwards one keep-alive to the leader.
  grpc::Status ForwardRenew(etcdserver::EtcdServer* s, const etcdserverpb::LeaseKeepAliveRequest& req,
                            etcdserverpb::LeaseKeepAliveResponse* resp);
  std::atomic<etcdserver::EtcdServer*> server_;
  LeaderChannel* const leader_;
};

}  // namespace cairn::api

// etcdserverpb.Cluster over the server core (etcd api/v3rpc/member.go). Served on the client URLs
// and, for the other members, on the peer URL: a joining member reads the membership there, and
// a member that is not the leader forwards MemberPromote to the leader's peer URL (only the
// leader knows whether the learner caught up), as etcd forwards it over its peer HTTP API.
//
// The peer-URL instance exists before the server core (the transport starts first): until
// set_server() it answers UNAVAILABLE "etcdserver: server stopped"-style errors.
// Thread-safety: gRPC calls methods concurrently; the core is thread-safe.
#pragma once

#include <atomic>

#include "proto/rpc.grpc.pb.h"
#include "server/api/leader_channel.h"
#include "server/etcdserver/server.h"

namespace cairn::api {

class ClusterService final : public etcdserverpb::Cluster::Service {
 public:
  // `leader` (may be null: no forwarding) must outlive the service.
  explicit ClusterService(etcdserver::EtcdServer* server = nullptr, LeaderChannel* leader = nullptr)
      : server_(server), leader_(leader) {}
  void set_server(etcdserver::EtcdServer* server) { server_.store(server); }

  grpc::Status MemberList(grpc::ServerContext*, const etcdserverpb::MemberListRequest* req,
                          etcdserverpb::MemberListResponse* resp) override;
  grpc::Status MemberAdd(grpc::ServerContext*, const etcdserverpb::MemberAddRequest* req,
                         etcdserverpb::MemberAddResponse* resp) override;
  grpc::Status MemberRemove(grpc::ServerContext*, const etcdserverpb::MemberRemoveRequest* req,
                            etcdserverpb::MemberRemoveResponse* resp) override;
  grpc::Status MemberUpdate(grpc::ServerContext*, const etcdserverpb::MemberUpdateRequest* req,
                            etcdserverpb::MemberUpdateResponse* resp) override;
  grpc::Status MemberPromote(grpc::ServerContext*, const etcdserverpb::MemberPromoteRequest* req,
                             etcdserverpb::MemberPromoteResponse* resp) override;

 private:
  std::atomic<etcdserver::EtcdServer*> server_;
  LeaderChannel* const leader_;
};

}  // namespace cairn::api

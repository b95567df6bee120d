// v3electionpb.Election over the server core (etcd server/etcdserver/api/v3election/election.go,
// which runs clientv3/concurrency's Election against the local server).
//
// A candidate's key is "<name>/<lease in hex>"; the leader is the first-created key under
// "<name>/" (LeaderKey = {name, key, create revision, lease}).
//   Campaign(name, lease, value): creates the key with the value and lease (lease 0: a new 60 s
//     lease), or reuses it (proclaiming the new value if it differs); waits until every key
//     created before it is gone. Answers the header of the first transaction and the LeaderKey.
//     If the client goes away while waiting, the key is deleted (resign) as etcd does.
//   Proclaim(leader, value): puts the value if the key still has create revision leader.rev,
//     else "election: not leader".
//   Leader(name): the leader's KeyValue, or "election: no leader".
//   Observe(name): a stream of LeaderResponse: the current leader (or the first key put when
//     there is none), each later put of that key, then the next leader once it is deleted. Like
//     etcd, the stream ends without error when the store compacts past it or a read fails.
//   Resign(leader): deletes the key if its create revision is still leader.rev; no error if not.
// Proclaim and Resign without `leader`: "\"leader\" field must be provided". Like etcd, they
// grant a 60 s lease when leader.lease is 0 (Proclaim then attaches the value to it).
// Errors: gRPC code Unknown with etcd's text (concurrency.h).
// Thread-safety: gRPC calls methods concurrently; a waiting Campaign or an Observe stream holds one
// gRPC thread.
#pragma once

#include <functional>
#include <string_view>

#include "proto/v3election.grpc.pb.h"
#include "server/api/concurrency.h"
#include "server/etcdserver/server.h"

namespace cairn::api {

inline constexpr std::string_view kErrMissingLeaderKey = "\"leader\" field must be provided";
inline constexpr std::string_view kErrElectionNotLeader = "election: not leader";
inline constexpr std::string_view kErrElectionNoLeader = "election: no leader";

// The operations, shared by the gRPC service and the JSON gateway.
Status ElectionCampaign(etcdserver::EtcdServer* server, const v3electionpb::CampaignRequest& req,
                        const IsCancelled& cancelled, v3electionpb::CampaignResponse* resp);
Status ElectionProclaim(etcdserver::EtcdServer* server, const v3electionpb::ProclaimRequest& req,
                        v3electionpb::ProclaimResponse* resp);
Status ElectionLeader(etcdserver::EtcdServer* server, const v3electionpb::LeaderRequest& req,
                      v3electionpb::LeaderResponse* resp);
Status ElectionResign(etcdserver::EtcdServer* server, const v3electionpb::ResignRequest& req,
                      v3electionpb::ResignResponse* resp);
// Sends each observation to `send` until `send` returns false (the receiver is gone), the wait is
// cancelled or interrupted (the error), or the observation ends (Ok).
using LeaderSink = std::function<bool(const v3electionpb::LeaderResponse&)>;
Status ElectionObserve(etcdserver::EtcdServer* server, const v3electionpb::LeaderRequest& req,
                       const IsCancelled& cancelled, const LeaderSink& send);

class ElectionService final : public v3electionpb::Election::Service {
 public:
  explicit ElectionService(etcdserver::EtcdServer* server) : server_(server) {}
  grpc::Status Campaign(grpc::ServerContext* ctx, const v3electionpb::CampaignRequest* req,
                        v3electionpb::CampaignResponse* resp) override;
  grpc::Status Proclaim(grpc::ServerContext* ctx, const v3electionpb::ProclaimRequest* req,
                        v3electionpb::ProclaimResponse* resp) override;
  grpc::Status Leader(grpc::ServerContext* ctx, const v3electionpb::LeaderRequest* req,
                      v3electionpb::LeaderResponse* resp) override;
  grpc::Status Observe(grpc::ServerContext* ctx, const v3electionpb::LeaderRequest* req,
                       grpc::ServerWriter<v3electionpb::LeaderResponse>* writer) override;
  grpc::Status Resign(grpc::ServerContext* ctx, const v3electionpb::ResignRequest* req,
                      v3electionpb::ResignResponse* resp) override;

 private:
  etcdserver::EtcdServer* const server_;
};

}  // namespace cairn::api

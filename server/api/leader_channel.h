// LeaderChannel: a gRPC channel to the current leader's peer URL, for the requests only the
// leader can answer (lease keep-alive and time-to-live, learner promotion), as etcd forwards them
// over its peer API. The peer URL serves etcd's own Lease and Cluster services for this. A
// forwarded call carries kForwardedMetadata; a member that receives one while not the leader
// answers "etcdserver: not leader" instead of forwarding again.
// Thread-safety: thread-safe.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <mutex>

#include "raft/transport/credentials.h"
#include "server/etcdserver/server.h"

namespace cairn::api {

inline constexpr char kForwardedMetadata[] = "cairn-forwarded";

class LeaderChannel {
 public:
  explicit LeaderChannel(raft::transport::TlsOptions tls) : tls_(std::move(tls)) {}

  // The channel to `s`'s current leader. UNAVAILABLE "etcdserver: no leader" when none is known.
  grpc::Status Get(etcdserver::EtcdServer* s, std::shared_ptr<grpc::Channel>* out);
  // Sets the deadline and marks the call as forwarded.
  static void Prepare(grpc::ClientContext* ctx, std::chrono::milliseconds timeout);
  static bool IsForwarded(const grpc::ServerContext* ctx);

 private:
  const raft::transport::TlsOptions tls_;
  std::mutex mu_;
  uint64_t leader_ = 0;
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace cairn::api

// Maintenance.HashKV on the peer URL (etcd serves /members/hashkv there for its corruption
// checks): the only Maintenance method answered on the peer listener; the others answer
// UNIMPLEMENTED (gRPC's default). Inbound calls pass the peer identity check (--peer-cert-allowed-cn).
// UNAVAILABLE until set_server. Thread-safety: set_server happens before calls race with it
// (atomic).
#pragma once

#include <atomic>

#include "proto/rpc.grpc.pb.h"
#include "raft/transport/credentials.h"
#include "server/etcdserver/server.h"

namespace cairn::corruption {

class PeerHashKVService final : public etcdserverpb::Maintenance::Service {
 public:
  explicit PeerHashKVService(raft::transport::TlsOptions tls) : tls_(std::move(tls)) {}
  void set_server(etcdserver::EtcdServer* s) { server_.store(s); }
  grpc::Status HashKV(grpc::ServerContext* ctx, const etcdserverpb::HashKVRequest* req,
                      etcdserverpb::HashKVResponse* resp) override;

 private:
  const raft::transport::TlsOptions tls_;
  std::atomic<etcdserver::EtcdServer*> server_{nullptr};
};

}  // namespace cairn::corruption

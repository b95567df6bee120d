// The Hasher over a running EtcdServer: local HashKV, the peers' HashKV over their peer URLs
// (PeerHashKVService, gRPC Maintenance.HashKV, with the peer TLS options), the linearizable read
// point, and the CORRUPT alarm proposed through Raft (etcd's triggerCorruptAlarm).
// Thread-safety: thread-safe (channels are created per call; checks are seconds apart).
#pragma once

#include <chrono>

#include "raft/transport/credentials.h"
#include "server/corruption/checker.h"
#include "server/etcdserver/server.h"

namespace cairn::corruption {

class ServerHasher final : public Hasher {
 public:
  ServerHasher(etcdserver::EtcdServer* server, raft::transport::TlsOptions tls,
               std::chrono::milliseconds timeout)
      : server_(server), tls_(std::move(tls)), timeout_(timeout) {}
  uint64_t MemberId() override { return server_->options().member_id; }
  Status HashByRev(int64_t rev, KvHash* out) override;
  std::vector<PeerHash> PeerHashByRev(int64_t rev) override;
  Status LinearizableReadNotify() override { return server_->LinearizableReadNotify(); }
  void TriggerCorruptAlarm(uint64_t id) override;

 private:
  etcdserver::EtcdServer* const server_;
  const raft::transport::TlsOptions tls_;
  const std::chrono::milliseconds timeout_;
};

}  // namespace cairn::corruption

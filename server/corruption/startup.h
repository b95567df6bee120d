// What `etcd` start-up does with the corruption flags, in one place for serve.cc:
//  * PassesInitialCheck: with --experimental-initial-corrupt-check on a member that has data
//    (etcd checks only an initialized member), runs InitialCheck; on a mismatch logs etcd's
//    "checkInitialHashKV failed" with "<id> found data inconsistency with peers" and returns false
//    (the caller exits non-zero before serving clients).
//  * StartMonitors: --experimental-corrupt-check-time > 0 starts the leader's periodic check
//    (failures log "failed to check hash KV"); --experimental-compact-hash-check-enabled starts
//    the leader's compaction hash check every --experimental-compact-hash-check-time over the
//    hashes MVCC recorded (ServerOptions::record_compaction_hashes must be on). Null when both
//    are off. Destroying the result stops them (before the server stops).
#pragma once

#include <memory>
#include <vector>

#include "raft/transport/credentials.h"
#include "server/corruption/monitor.h"
#include "server/corruption/server_hasher.h"
#include "server/flags/server_config.h"

namespace cairn::corruption {

bool PassesInitialCheck(const flags::ServerConfig& config, bool member_initialized,
                        etcdserver::EtcdServer* server, const raft::transport::TlsOptions& peer_tls,
                        logging::Logger& lg);

class RunningMonitors {
 public:
  RunningMonitors(etcdserver::EtcdServer* server, const raft::transport::TlsOptions& peer_tls)
      : hasher_(server, peer_tls, server->options().request_timeout) {}
  ~RunningMonitors();
  ServerHasher* hasher() { return &hasher_; }
  void Add(std::unique_ptr<Monitor> m);

 private:
  ServerHasher hasher_;
  std::vector<std::unique_ptr<Monitor>> monitors_;
};

std::unique_ptr<RunningMonitors> StartMonitors(const flags::ServerConfig& config,
                                               etcdserver::EtcdServer* server,
                                               const raft::transport::TlsOptions& peer_tls,
                                               logging::Logger& lg);

}  // namespace cairn::corruption

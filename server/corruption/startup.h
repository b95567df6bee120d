// What `etcd` start-up does with the corruption flags, in one place for serve.cc:
//  * PassesInitialCheck: with --experimental-initial-corrupt-check on a member that has data
//    (etcd checks only an initialized member), runs InitialCheck; on a mismatch logs etcd's
//    "checkInitialHashKV failed" with "<id> found data inconsistency with peers" and returns false
//    (the caller exits non-zero before serving clients).
//  * StartMonitor: --experimental-corrupt-check-time > 0 starts the leader's periodic check;
//    null when off. Destroying it stops it (before the server stops).
#pragma once

#include <memory>

#include "raft/transport/credentials.h"
#include "server/corruption/monitor.h"
#include "server/corruption/server_hasher.h"
#include "server/flags/server_config.h"

namespace cairn::corruption {

bool PassesInitialCheck(const flags::ServerConfig& config, bool member_initialized, etcdserver::EtcdServer* server,
                        const raft::transport::TlsOptions& peer_tls, logging::Logger& lg);

class RunningMonitor {
 public:
  RunningMonitor(etcdserver::EtcdServer* server, const raft::transport::TlsOptions& peer_tls, logging::Logger* lg,
                 std::chrono::nanoseconds interval);
  ~RunningMonitor() { monitor_.Stop(); }

 private:
  ServerHasher hasher_;
  Monitor monitor_;
};

std::unique_ptr<RunningMonitor> StartMonitor(const flags::ServerConfig& config, etcdserver::EtcdServer* server,
                                             const raft::transport::TlsOptions& peer_tls, logging::Logger& lg);

}  // namespace cairn::corruption

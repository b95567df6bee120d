#include "server/corruption/startup.h"

namespace cairn::corruption {

bool PassesInitialCheck(const flags::ServerConfig& config, bool member_initialized, etcdserver::EtcdServer* server,
                        const raft::transport::TlsOptions& peer_tls, logging::Logger& lg) {
  if (!config.experimental_initial_corrupt_check || !member_initialized) return true;
  ServerHasher hasher(server, peer_tls, server->options().request_timeout);
  Status st = InitialCheck(hasher, lg, server->options().request_timeout);
  if (st.ok()) return true;
  lg.Error("checkInitialHashKV failed", {logging::Error(st)});
  return false;
}

RunningMonitor::RunningMonitor(etcdserver::EtcdServer* server, const raft::transport::TlsOptions& peer_tls,
                               logging::Logger* lg, std::chrono::nanoseconds interval)
    : hasher_(server, peer_tls, server->options().request_timeout),
      monitor_(&hasher_, lg, [server] { return server->IsLeader(); }, interval) {
  monitor_.Start();
}

std::unique_ptr<RunningMonitor> StartMonitor(const flags::ServerConfig& config, etcdserver::EtcdServer* server,
                                             const raft::transport::TlsOptions& peer_tls, logging::Logger& lg) {
  if (config.experimental_corrupt_check_time.count() <= 0) return nullptr;
  return std::make_unique<RunningMonitor>(server, peer_tls, &lg, config.experimental_corrupt_check_time);
}

}  // namespace cairn::corruption

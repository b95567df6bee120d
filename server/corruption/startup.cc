#include "server/corruption/startup.h"

namespace cairn::corruption {

bool PassesInitialCheck(const flags::ServerConfig& config, bool member_initialized,
                        etcdserver::EtcdServer* server, const raft::transport::TlsOptions& peer_tls,
                        logging::Logger& lg) {
  if (!config.experimental_initial_corrupt_check || !member_initialized) return true;
  ServerHasher hasher(server, peer_tls, server->options().request_timeout);
  Status st = InitialCheck(hasher, lg, server->options().request_timeout);
  if (st.ok()) return true;
  lg.Error("checkInitialHashKV failed", {logging::Error(st)});
  return false;
}

RunningMonitors::~RunningMonitors() {
  for (auto& m : monitors_) m->Stop();
}

void RunningMonitors::Add(std::unique_ptr<Monitor> m) {
  m->Start();
  monitors_.push_back(std::move(m));
}

std::unique_ptr<RunningMonitors> StartMonitors(const flags::ServerConfig& config,
                                               etcdserver::EtcdServer* server,
                                               const raft::transport::TlsOptions& peer_tls,
                                               logging::Logger& lg) {
  const bool periodic = config.experimental_corrupt_check_time.count() > 0;
  const bool compact = config.experimental_compact_hash_check_enabled;
  if (!periodic && !compact) return nullptr;
  auto running = std::make_unique<RunningMonitors>(server, peer_tls);
  ServerHasher* hasher = running->hasher();
  auto is_leader = [server] { return server->IsLeader(); };
  const uint64_t id = server->options().member_id;
  if (periodic) {
    lg.Info("enabled corruption checking",
            {logging::HexId("local-member-id", id),
             logging::Duration("interval", config.experimental_corrupt_check_time)});
    running->Add(std::make_unique<Monitor>(is_leader, config.experimental_corrupt_check_time, [hasher, &lg] {
      if (Status st = PeriodicCheck(*hasher, lg); !st.ok())
        lg.Warn("failed to check hash KV", {logging::Error(st)});
    }));
  }
  if (compact) {
    lg.Info("enabled compact hash check",
            {logging::HexId("local-member-id", id),
             logging::Duration("interval", config.experimental_compact_hash_check_time)});
    auto latest_checked = std::make_shared<int64_t>(0);  // the monitor's thread only
    running->Add(std::make_unique<Monitor>(
        is_leader, config.experimental_compact_hash_check_time, [hasher, &lg, server, latest_checked] {
          std::vector<KvHash> recorded;
          for (const mvcc::KvStore::CompactionHash& h : server->kv()->CompactionHashes()) {
            recorded.push_back(KvHash{h.hash, h.revision, h.compact_revision, 0});
          }
          CompactHashCheck(*hasher, lg, recorded, latest_checked.get());
        }));
  }
  return running;
}

}  // namespace cairn::corruption

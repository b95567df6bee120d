#include "server/slowdisk/diagnostics.h"

#include "server/etcdserver/member_id.h"
#include "server/metrics/etcd_metrics.h"

namespace cairn::slowdisk {

void ObserveWalSync(std::chrono::nanoseconds took, logging::Logger& lg) {
  metrics::Etcd().wal_fsync_duration_seconds.Observe(std::chrono::duration<double>(took).count());
  if (took > kWarnSyncDuration) {
    lg.Warn("slow fdatasync",
            {logging::Duration("took", took), logging::Duration("expected-duration", kWarnSyncDuration)});
  }
}

bool HeartbeatWatch::Observe(uint64_t to, Clock::time_point now, std::chrono::nanoseconds* exceeded) {
  std::lock_guard<std::mutex> lock(mu_);
  bool ok = true;
  *exceeded = std::chrono::nanoseconds(0);
  auto it = last_.find(to);
  if (it != last_.end()) {
    *exceeded = (now - it->second) - 2 * heartbeat_;
    if (exceeded->count() > 0) ok = false;
  }
  last_[to] = now;
  return ok;
}

void HeartbeatWatch::Reset() {
  std::lock_guard<std::mutex> lock(mu_);
  last_.clear();
}

void HeartbeatWatch::Send(std::vector<raft::Message> msgs) {
  const Clock::time_point now = Clock::now();
  for (const raft::Message& m : msgs) {
    if (m.type != raft::MessageType::kHeartbeat) continue;
    std::chrono::nanoseconds exceeded;
    if (Observe(m.to, now, &exceeded)) continue;
    lg_->Warn(
        "leader failed to send out heartbeat on time; took too long, leader is overloaded likely from slow "
        "disk",
        {logging::String("to", etcdserver::IdToHex(m.to)),
         logging::Duration("heartbeat-interval", heartbeat_),
         logging::Duration("expected-duration", 2 * heartbeat_),
         logging::Duration("exceeded-duration", exceeded)});
    metrics::Etcd().heartbeat_send_failures_total.Inc();
  }
  next_->Send(std::move(msgs));
}

bool LeaderChangeWatch::NoteLeaderChange(uint64_t leader, uint64_t term) {
  std::lock_guard<std::mutex> lock(mu_);
  const bool stepped_down = leader_ == id_ && leader != id_ && term == term_;
  leader_ = leader;
  term_ = term;
  if (stepped_down)
    lg_->Warn(etcdserver::IdToHex(id_) + " stepped down to follower since quorum is not active");
  return stepped_down;
}

void ReadIndexRetried(uint64_t request_seq, logging::Logger& lg) {
  lg.Warn("waiting for ReadIndex response took too long, retrying",
          {logging::Uint("sent-request-id", request_seq),
           logging::Duration("retry-timeout", kReadIndexRetryTime)});
  metrics::Etcd().slow_read_indexes_total.Inc();
}

void ReadIndexFailed() { metrics::Etcd().read_indexes_failed_total.Inc(); }

}  // namespace cairn::slowdisk

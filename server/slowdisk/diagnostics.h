// etcd's slow-disk diagnostics (issue 15), each with etcd's message, fields and metric:
//
//  * ObserveWalSync: etcd_disk_wal_fsync_duration_seconds, and above 1 s (etcd wal.go
//    warnSyncDuration) the warning "slow fdatasync" {took, expected-duration}.
//  * HeartbeatWatch: a raft Transport wrapper that, like etcd's raftNode.processMessages with
//    pkg/contention's TimeoutDetector, notes each heartbeat the leader sends; when two heartbeats
//    to one member are more than 2 x heartbeat-interval apart it warns "leader failed to send out
//    heartbeat on time; took too long, leader is overloaded likely from slow disk" {to,
//    heartbeat-interval, expected-duration, exceeded-duration} and counts
//    etcd_server_heartbeat_send_failures_total. Reset() on every leader change (etcd resets its
//    detector when leadership changes), so a new term starts clean.
//  * NoteLeaderChange: a leader that loses leadership without a term change stepped down by
//    check-quorum: raft's "<id> stepped down to follower since quorum is not active".
//  * ReadIndexRetried / ReadIndexFailed: "waiting for ReadIndex response took too long,
//    retrying" {sent-request-id, retry-timeout} + etcd_server_slow_read_indexes_total;
//    etcd_server_read_indexes_failed_total.
// Thread-safety: all thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>

#include "raft/node/transport.h"
#include "server/logging/logger.h"

namespace cairn::slowdisk {

inline constexpr std::chrono::seconds kWarnSyncDuration{1};
inline constexpr std::chrono::milliseconds kReadIndexRetryTime{500};

void ObserveWalSync(std::chrono::nanoseconds took, logging::Logger& lg);

class HeartbeatWatch final : public raft::node::Transport {
 public:
  using Clock = std::chrono::steady_clock;
  HeartbeatWatch(raft::node::Transport* next, std::chrono::milliseconds heartbeat_interval,
                 logging::Logger* lg)
      : next_(next), heartbeat_(heartbeat_interval), lg_(lg) {}
  void Send(std::vector<raft::Message> msgs) override;
  void Reset();
  // etcd contention.TimeoutDetector.Observe: false (and how much too late) when the previous
  // heartbeat to `to` was more than 2 x heartbeat-interval before `now`. Exposed for tests.
  bool Observe(uint64_t to, Clock::time_point now, std::chrono::nanoseconds* exceeded);

 private:
  raft::node::Transport* const next_;
  const std::chrono::milliseconds heartbeat_;
  logging::Logger* const lg_;
  std::mutex mu_;
  std::map<uint64_t, Clock::time_point> last_;
};

// Tracks leadership for the check-quorum step-down message.
class LeaderChangeWatch {
 public:
  LeaderChangeWatch(uint64_t member_id, logging::Logger* lg) : id_(member_id), lg_(lg) {}
  // Returns true when this change is a check-quorum step-down (and logs it).
  bool NoteLeaderChange(uint64_t leader, uint64_t term);

 private:
  const uint64_t id_;
  logging::Logger* const lg_;
  std::mutex mu_;
  uint64_t leader_ = 0;
  uint64_t term_ = 0;
};

void ReadIndexRetried(uint64_t request_seq, logging::Logger& lg);
void ReadIndexFailed();

}  // namespace cairn::slowdisk

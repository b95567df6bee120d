// Progress: the leader's view of one follower's log (Raft §5.3), plus flow
// control. States:
//   kProbe     — next is a guess; at most one append in flight per heartbeat
//                interval until the follower's match is found.
//   kReplicate — match is known; appends are pipelined optimistically up to the
//                inflight count/byte limits.
//   kSnapshot  — the follower needs a snapshot; no appends until it reports.
#pragma once

#include <cstdint>
#include <string>

#include "raft/inflights.h"
#include "raft/types.h"

namespace cairn::raft {

enum class ProgressState : uint8_t { kProbe = 0, kReplicate = 1, kSnapshot = 2 };
std::string_view ProgressStateName(ProgressState s);

struct Progress {
  Progress(size_t max_inflight_msgs, uint64_t max_inflight_bytes)
      : inflights(max_inflight_msgs, max_inflight_bytes) {}

  Index match = 0;  // highest index known replicated (durably) on the follower
  Index next = 1;   // next index to send
  ProgressState state = ProgressState::kProbe;
  Index pending_snapshot = 0;  // kSnapshot: index of the snapshot sent
  // Heard from the follower since the last check-quorum round.
  bool recent_active = false;
  // kProbe: an append was sent; wait for a response or the next heartbeat.
  bool msg_app_flow_paused = false;
  Inflights inflights;
  bool is_learner = false;

  void ResetState(ProgressState s);
  void BecomeProbe();
  void BecomeReplicate();
  void BecomeSnapshot(Index snapshot_index);
  // Account for an append of `entry_count` entries (`bytes` payload) starting
  // at next_index.
  void UpdateOnEntriesSend(size_t entry_count, uint64_t bytes, Index next_index);
  // The follower acknowledged n. Returns false if n is stale.
  bool MaybeUpdate(Index n);
  // The follower rejected an append at `rejected`; match_hint is its guess of
  // the highest possibly matching index. Returns false if the rejection is stale.
  bool MaybeDecrTo(Index rejected, Index match_hint);
  bool IsPaused() const;
  std::string Describe() const;
};

}  // namespace cairn::raft

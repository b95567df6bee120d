#include "raft/progress.h"

#include <algorithm>
#include <cassert>
#include <sstream>

namespace cairn::raft {

std::string_view ProgressStateName(ProgressState s) {
  switch (s) {
    case ProgressState::kProbe: return "StateProbe";
    case ProgressState::kReplicate: return "StateReplicate";
    case ProgressState::kSnapshot: return "StateSnapshot";
  }
  return "StateUnknown";
}

void Progress::ResetState(ProgressState s) {
  msg_app_flow_paused = false;
  pending_snapshot = 0;
  state = s;
  inflights.Reset();
}

void Progress::BecomeProbe() {
  // Leaving kSnapshot: the snapshot (if it was applied) moved match forward;
  // probe from after whichever is larger.
  if (state == ProgressState::kSnapshot) {
    Index pending = pending_snapshot;
    ResetState(ProgressState::kProbe);
    next = std::max(match + 1, pending + 1);
  } else {
    ResetState(ProgressState::kProbe);
    next = match + 1;
  }
}

void Progress::BecomeReplicate() {
  ResetState(ProgressState::kReplicate);
  next = match + 1;
}

void Progress::BecomeSnapshot(Index snapshot_index) {
  ResetState(ProgressState::kSnapshot);
  pending_snapshot = snapshot_index;
}

void Progress::UpdateOnEntriesSend(size_t entry_count, uint64_t bytes, Index next_index) {
  switch (state) {
    case ProgressState::kReplicate:
      if (entry_count > 0) {
        Index last = next_index + entry_count - 1;
        next = last + 1;
        inflights.Add(last, bytes);
      }
      break;
    case ProgressState::kProbe:
      // One probe per heartbeat interval, empty or not.
      msg_app_flow_paused = true;
      break;
    case ProgressState::kSnapshot: assert(false && "sending append in snapshot state");
  }
}

bool Progress::MaybeUpdate(Index n) {
  bool updated = false;
  if (match < n) {
    match = n;
    updated = true;
    msg_app_flow_paused = false;
  }
  next = std::max(next, n + 1);
  return updated;
}

bool Progress::MaybeDecrTo(Index rejected, Index match_hint) {
  if (state == ProgressState::kReplicate) {
    // Stale: we already know the follower has this index.
    if (rejected <= match) return false;
    next = match + 1;
    return true;
  }
  // Probe: only the rejection of our latest probe counts.
  if (next - 1 != rejected) return false;
  next = std::max(std::min(rejected, match_hint + 1), match + 1);
  msg_app_flow_paused = false;
  return true;
}

bool Progress::IsPaused() const {
  switch (state) {
    case ProgressState::kProbe: return msg_app_flow_paused;
    case ProgressState::kReplicate: return inflights.Full();
    case ProgressState::kSnapshot: return true;
  }
  return true;
}

std::string Progress::Describe() const {
  std::ostringstream os;
  os << ProgressStateName(state) << " match=" << match << " next=" << next;
  if (is_learner) os << " learner";
  if (msg_app_flow_paused) os << " paused";
  if (pending_snapshot) os << " pendingSnap=" << pending_snapshot;
  if (!recent_active) os << " inactive";
  if (inflights.Count()) os << " inflight=" << inflights.Count();
  return os.str();
}

}  // namespace cairn::raft

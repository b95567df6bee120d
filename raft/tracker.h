// ProgressTracker: the current membership (voters, learners), each member's
// Progress, and the votes of the ongoing election.
//
// Membership changes one node at a time (Raft thesis §4.1, single-server
// changes); there is no joint consensus. Learners have a Progress but are
// never counted in a quorum.
#pragma once

#include <map>
#include <vector>

#include "raft/progress.h"
#include "raft/quorum.h"
#include "raft/types.h"

namespace cairn::raft {

class ProgressTracker {
 public:
  ProgressTracker(size_t max_inflight_msgs, uint64_t max_inflight_bytes)
      : max_inflight_msgs_(max_inflight_msgs), max_inflight_bytes_(max_inflight_bytes) {}

  // Membership (sorted).
  const std::vector<NodeId>& voters() const { return voters_; }
  const std::vector<NodeId>& learners() const { return learners_; }
  ConfState GetConfState() const { return ConfState{voters_, learners_}; }
  bool IsVoter(NodeId id) const;
  bool IsLearner(NodeId id) const;

  // Membership edits; Progress of a new member starts at (match 0, next).
  void AddVoter(NodeId id, Index next);
  void AddLearner(NodeId id, Index next);
  void Remove(NodeId id);
  // Replace the whole membership (restart, snapshot restore).
  void Reset(const ConfState& cs, Index next);

  Progress* Get(NodeId id);
  const Progress* Get(NodeId id) const;
  std::map<NodeId, Progress>& progress() { return progress_; }
  const std::map<NodeId, Progress>& progress() const { return progress_; }

  // Largest index matched by a majority of voters.
  Index Committed() const;
  // True if a majority of voters were recently active (check-quorum).
  bool QuorumActive() const;

  void ResetVotes() { votes_.clear(); }
  void RecordVote(NodeId id, bool granted);
  // Tally of the recorded votes among voters.
  VoteResult TallyVotes(size_t* granted, size_t* rejected) const;

 private:
  Progress MakeProgress(Index next, bool learner) const;

  size_t max_inflight_msgs_;
  uint64_t max_inflight_bytes_;
  std::vector<NodeId> voters_;
  std::vector<NodeId> learners_;
  std::map<NodeId, Progress> progress_;
  std::map<NodeId, bool> votes_;
};

}  // namespace cairn::raft

#include "raft/tracker.h"

#include <algorithm>
#include <cassert>

namespace cairn::raft {

namespace {
void InsertSorted(std::vector<NodeId>* v, NodeId id) {
  auto it = std::lower_bound(v->begin(), v->end(), id);
  if (it == v->end() || *it != id) v->insert(it, id);
}
void EraseSorted(std::vector<NodeId>* v, NodeId id) {
  auto it = std::lower_bound(v->begin(), v->end(), id);
  if (it != v->end() && *it == id) v->erase(it);
}
bool ContainsSorted(const std::vector<NodeId>& v, NodeId id) {
  return std::binary_search(v.begin(), v.end(), id);
}
}  // namespace

bool ProgressTracker::IsVoter(NodeId id) const { return ContainsSorted(voters_, id); }
bool ProgressTracker::IsLearner(NodeId id) const { return ContainsSorted(learners_, id); }

Progress ProgressTracker::MakeProgress(Index next, bool learner) const {
  Progress pr(max_inflight_msgs_, max_inflight_bytes_);
  pr.next = std::max<Index>(next, 1);
  pr.is_learner = learner;
  // A new member is considered active so that check-quorum does not depose a
  // leader right after a membership change.
  pr.recent_active = true;
  return pr;
}

void ProgressTracker::AddVoter(NodeId id, Index next) {
  if (IsLearner(id)) {
    // Promotion keeps the learner's progress.
    EraseSorted(&learners_, id);
    InsertSorted(&voters_, id);
    progress_.at(id).is_learner = false;
    return;
  }
  if (IsVoter(id)) return;
  InsertSorted(&voters_, id);
  progress_.emplace(id, MakeProgress(next, false));
}

void ProgressTracker::AddLearner(NodeId id, Index next) {
  if (IsLearner(id)) return;
  assert(!IsVoter(id) && "demoting a voter to learner is not supported");
  InsertSorted(&learners_, id);
  progress_.emplace(id, MakeProgress(next, true));
}

void ProgressTracker::Remove(NodeId id) {
  EraseSorted(&voters_, id);
  EraseSorted(&learners_, id);
  progress_.erase(id);
  votes_.erase(id);
}

void ProgressTracker::Reset(const ConfState& cs, Index next) {
  voters_.clear();
  learners_.clear();
  progress_.clear();
  votes_.clear();
  for (NodeId id : cs.voters) AddVoter(id, next);
  for (NodeId id : cs.learners) AddLearner(id, next);
}

Progress* ProgressTracker::Get(NodeId id) {
  auto it = progress_.find(id);
  return it == progress_.end() ? nullptr : &it->second;
}

const Progress* ProgressTracker::Get(NodeId id) const {
  auto it = progress_.find(id);
  return it == progress_.end() ? nullptr : &it->second;
}

Index ProgressTracker::Committed() const {
  return MajorityCommittedIndex(voters_, [this](NodeId id) -> Index {
    auto it = progress_.find(id);
    return it == progress_.end() ? 0 : it->second.match;
  });
}

bool ProgressTracker::QuorumActive() const {
  std::map<NodeId, bool> votes;
  for (NodeId id : voters_) {
    auto it = progress_.find(id);
    if (it != progress_.end()) votes[id] = it->second.recent_active;
  }
  return MajorityVoteResult(voters_, votes) == VoteResult::kWon;
}

void ProgressTracker::RecordVote(NodeId id, bool granted) { votes_.emplace(id, granted); }

VoteResult ProgressTracker::TallyVotes(size_t* granted, size_t* rejected) const {
  *granted = 0;
  *rejected = 0;
  for (NodeId id : voters_) {
    auto it = votes_.find(id);
    if (it == votes_.end()) continue;
    if (it->second) {
      ++*granted;
    } else {
      ++*rejected;
    }
  }
  return MajorityVoteResult(voters_, votes_);
}

}  // namespace cairn::raft

#include "raft/quorum.h"

#include <algorithm>
#include <cstdint>

namespace cairn::raft {

Index MajorityCommittedIndex(const std::vector<NodeId>& voters, const std::function<Index(NodeId)>& acked) {
  size_t n = voters.size();
  if (n == 0) return UINT64_MAX;
  // Small clusters: a stack buffer avoids an allocation on every commit check.
  Index stack[16];
  std::vector<Index> heap;
  Index* srt = stack;
  if (n > 16) {
    heap.resize(n);
    srt = heap.data();
  }
  for (size_t i = 0; i < n; ++i) srt[i] = acked(voters[i]);
  std::sort(srt, srt + n);
  // Sorted ascending; the element at n - majority is matched by a majority.
  return srt[n - MajoritySize(n)];
}

VoteResult MajorityVoteResult(const std::vector<NodeId>& voters, const std::map<NodeId, bool>& votes) {
  if (voters.empty()) return VoteResult::kWon;
  size_t granted = 0, missing = 0;
  for (NodeId id : voters) {
    auto it = votes.find(id);
    if (it == votes.end()) {
      ++missing;
    } else if (it->second) {
      ++granted;
    }
  }
  size_t q = MajoritySize(voters.size());
  if (granted >= q) return VoteResult::kWon;
  if (granted + missing >= q) return VoteResult::kPending;
  return VoteResult::kLost;
}

}  // namespace cairn::raft

// Majority quorum arithmetic over a set of voters (Raft §5.2, §5.3). Learners
// never appear here. Pure functions: no state.
#pragma once

#include <functional>
#include <map>
#include <vector>

#include "raft/types.h"

namespace cairn::raft {

enum class VoteResult { kPending, kLost, kWon };

// The largest index acknowledged by a majority of `voters`, where `acked(id)`
// returns the index voter `id` has durably matched (0 if unknown). With no
// voters the result is "infinity" (UINT64_MAX), so an empty config never blocks.
Index MajorityCommittedIndex(const std::vector<NodeId>& voters, const std::function<Index(NodeId)>& acked);

// Outcome of an election given recorded votes (true = granted). Voters with no
// recorded vote are pending. An empty config wins (by convention, as etcd).
VoteResult MajorityVoteResult(const std::vector<NodeId>& voters, const std::map<NodeId, bool>& votes);

// Size of a majority of n voters.
inline size_t MajoritySize(size_t n) { return n / 2 + 1; }

}  // namespace cairn::raft

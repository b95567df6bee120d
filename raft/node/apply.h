// ApplyBatch: what the raft thread hands to the application's apply thread
// (Ready step 4), in log order: first the snapshot (if any), then the
// committed entries.
#pragma once

#include <vector>

#include "raft/types.h"

namespace cairn::raft::node {

struct ApplyBatch {
  Snapshot snapshot;  // empty() unless a snapshot from the leader must be installed first
  std::vector<Entry> entries;

  Index last_index() const {
    if (!entries.empty()) return entries.back().index;
    return snapshot.metadata.index;
  }
};

}  // namespace cairn::raft::node

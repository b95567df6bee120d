// The backend as Raft's starting point (DESIGN.md §4). Cairn keeps no separate snapshot files:
// the bolt db IS the Raft snapshot. Its meta/consistent_index and meta/term give the snapshot's
// index and term, the members bucket its membership (membership.h), and the WAL holds only what
// follows. Three ways a member starts:
//   - restart: the WAL exists; Raft restarts from this snapshot and the WAL after it;
//   - restored (`cairn snapshot restore`) or new: the WAL is empty and the db holds the whole
//     membership at index N (a new cluster's db is written by BootstrapNewCluster first), so
//     every member of a new cluster starts from the same snapshot {N, term 1, members};
//   - joining (--initial-cluster-state existing): the db is empty; the leader sends a snapshot.
#pragma once

#include <vector>

#include "base/status.h"
#include "raft/types.h"
#include "server/etcdserver/membership.h"
#include "storage/backend/backend.h"

namespace cairn::etcdserver {

// The backend as a Raft snapshot (empty data; metadata.index 0 for an empty backend).
// REQUIRES: no writer is active on the backend.
Status BackendRaftSnapshot(backend::Backend* b, raft::Snapshot* out);

// A new cluster: writes `members`, the cluster ID, consistent_index = members.size() and
// term = 1 into an empty backend and commits. InvalidArgument if the backend is not empty.
Status BootstrapNewCluster(backend::Backend* b, const std::vector<Member>& members, uint64_t cluster_id);

}  // namespace cairn::etcdserver

// How this member enters its cluster (server/etcdserver/bootstrap.h): decides between restart,
// new cluster, restored db and joining an existing cluster; writes a new cluster's membership
// into the db; asks a running member for the membership when joining (etcd fetches it from the
// peers' /members; Cairn calls etcdserverpb.Cluster/MemberList on their peer URLs).
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "raft/transport/credentials.h"
#include "server/etcdserver/membership.h"
#include "server/flags/server_config.h"
#include "storage/backend/backend.h"

namespace cairn::api {

struct ClusterStart {
  enum class Kind { kRestart, kNew, kRestored, kJoin };
  Kind kind = Kind::kNew;
  uint64_t member_id = 0;
  uint64_t cluster_id = 0;
  raft::Snapshot snapshot;                    // the backend as Raft's snapshot (empty when joining)
  std::vector<etcdserver::Member> peers;      // the other members, to connect to at start
};

const char* KindName(ClusterStart::Kind k);

// REQUIRES: the backend is open and nothing else uses it yet. `wal_exists`: the WAL directory
// holds segments. Errors carry etcd's texts where etcd has one.
Status PrepareClusterStart(const flags::ServerConfig& config, backend::Backend* b, bool wal_exists,
                           const raft::transport::TlsOptions& peer_tls, ClusterStart* out);

// A snapshot received from the leader whose install did not finish (member/snap/<term>-<index>.snap
// newer than the db's consistent index): its path, or "" if none. Older ones are deleted.
std::string PendingReceivedSnapshot(const std::string& snap_dir, uint64_t db_consistent_index);

}  // namespace cairn::api

// `cairn snapshot restore`: a new member data dir from a snapshot file, the equivalent of etcd
// 3.4's `etcdctl snapshot restore` (clientv3/snapshot/v3_snapshot.go Restore) for Cairn's server.
//
// Steps (each error is returned with etcd's message where etcd has one; nothing is left behind):
//   1. Validate --name/--initial-cluster/--initial-cluster-token/--initial-advertise-peer-urls and
//      derive member and cluster IDs (restore_cluster.h).
//   2. Refuse an existing data dir (`data-dir "X" exists`) or wal dir (`wal-dir "W" exists`).
//   3. Build the data dir under a fresh sibling `X.restore-XXXXXX`:
//        member/snap/db  = the snapshot's bolt part (trailer verified unless skip_hash_check,
//                          then cut off), fdatasynced;
//        then, in one bolt write transaction through storage/bolt (committed with bolt's own
//        fdatasync order): the members/members_removed buckets replaced and the meta keys set
//        as member_records.h specifies; every other bucket kept as in the snapshot;
//        member/wal/    = empty (unless --wal-dir points outside the data dir).
//      The db and every new directory are fsynced.
//   4. Create an external --wal-dir (empty), then rename the sibling to X (renameat2
//      RENAME_NOREPLACE) and fsync X's parent. A crash before this rename leaves no X.
// The server bootstraps its Raft log from the db when the WAL dir is empty.
//
// Thread-safety: one Restore per target dir at a time.
#pragma once

#include <string>

#include "base/status.h"
#include "server/logging/logger.h"

namespace cairn::snapshot {

struct RestoreOptions {
  std::string snapshot_path;
  std::string name = "default";
  std::string initial_cluster = "default=http://localhost:2380";
  std::string initial_cluster_token = "etcd-cluster";
  std::string initial_advertise_peer_urls = "http://localhost:2380";  // comma list
  std::string data_dir;                                               // empty: "<name>.etcd"
  std::string wal_dir;                                                // empty: "<data_dir>/member/wal"
  bool skip_hash_check = false;
  // Where etcd's "restoring snapshot" / "added member" / "restored snapshot" lines go; null: none.
  logging::Logger* logger = nullptr;
};

Status Restore(const RestoreOptions& options);

// Go's filepath.Join for the simple relative/absolute paths at hand: "a/" + "member" -> "a/member".
std::string JoinPath(const std::string& dir, const std::string& name);

}  // namespace cairn::snapshot

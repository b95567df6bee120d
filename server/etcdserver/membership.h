// Membership: the cluster's members as etcd keeps them in the backend (etcd 3.4/3.5
// membership/store.go), so a db moves between etcd and Cairn with its member list:
//   bucket `members`:          key = member ID in lowercase hex (Go types.ID.String()),
//                              value = etcd's Member JSON (EncodeMemberJson)
//   bucket `members_removed`:  key = member ID in hex, value = "removed"
//   bucket `meta`, key `cairn_cluster_id`: the cluster ID, 8 bytes big-endian (Cairn's own key;
//                              etcd keeps its cluster ID in the WAL metadata instead)
//
// Contract: every change is written by the apply thread inside the entry's backend write (so it
// commits with the entry's consistent index), then published to the in-memory view that RPC
// threads read.
//
// Thread-safety: all methods are thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "raft/types.h"
#include "server/etcdserver/member.h"
#include "storage/backend/backend.h"

namespace cairn::etcdserver {

class Membership {
 public:
  // Reads the buckets (creating them if missing). Corruption naming the key on bad JSON.
  Status Load(backend::Backend* b);

  // Apply-thread writes. REQUIRES: the caller holds the batch tx lock of `tx`.
  void UnsafeSave(backend::BatchTx* tx, const Member& m);
  void UnsafeRemove(backend::BatchTx* tx, uint64_t id);
  void UnsafeSetClusterId(backend::BatchTx* tx, uint64_t cluster_id);

  std::vector<Member> List() const;  // sorted by ID
  bool Get(uint64_t id, Member* out) const;
  bool Contains(uint64_t id) const;
  bool IsRemoved(uint64_t id) const;
  uint64_t cluster_id() const;
  // Voters and learners as Raft needs them.
  raft::ConfState ConfState() const;

 private:
  mutable std::mutex mu_;
  std::map<uint64_t, Member> members_;
  std::set<uint64_t> removed_;
  uint64_t cluster_id_ = 0;
};

}  // namespace cairn::etcdserver

// The records `cairn snapshot restore` writes into member/snap/db for a new cluster: the data-dir
// contract between restore and the server's start-up (README.md in this folder is the document).
//
//   bucket "members":  key   = member ID as etcd's types.ID.String() (lower-case hex, no padding)
//                      value = etcd 3.4 membership.Member JSON, Go encoding/json byte for byte:
//                              {"id":<decimal>,"peerURLs":[...],"name":"..."}
//                              ("name" omitted when empty, "clientURLs" omitted when empty,
//                              "isLearner" omitted when false: the struct tags' omitempty)
//   bucket "members_removed": empty
//   bucket "meta":     consistent_index = 8-byte big-endian number of members (etcd's restore
//                                         commits one ConfChange entry per member)
//                      term             = 8-byte big-endian 1
//                      confState        = etcd 3.5's JSON {"voters":[<decimal ids, ascending>],
//                                         "auto_leave":false}
//                      cairn_cluster_id = 8-byte big-endian cluster ID
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/etcdserver/member.h"

namespace cairn::snapshot {

inline constexpr std::string_view kConfStateKey = "confState";

// One member of the restored cluster (etcd membership.Member; a restored member has not
// published its client URLs yet).
using MemberRecord = etcdserver::Member;

// types.ID(id).String().
std::string MemberKey(uint64_t id);
// json.Marshal(membership.Member) as etcd 3.4 writes it to the backend.
std::string MemberJson(const MemberRecord& member);
// json.Marshal(raftpb.ConfState{Voters: ids}) as etcd 3.5 writes meta/confState; ids sorted here.
std::string ConfStateJson(std::vector<uint64_t> voter_ids);

}  // namespace cairn::snapshot

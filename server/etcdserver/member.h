// Member: one cluster member as etcd's membership.Member, and its JSON as etcd writes it into
// the `members` bucket (json.Marshal, Go's encoding byte for byte).
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::etcdserver {

// Where members live in the backend (membership.h has the layout).
inline constexpr std::string_view kMembersBucket = "members";
inline constexpr std::string_view kMembersRemovedBucket = "members_removed";
inline constexpr std::string_view kClusterIdKey = "cairn_cluster_id";  // in `meta`

struct Member {
  uint64_t id = 0;
  std::string name;  // empty until the member published its attributes ("unstarted")
  std::vector<std::string> peer_urls;
  std::vector<std::string> client_urls;
  bool is_learner = false;

  bool operator==(const Member&) const = default;
};

// {"id":N,"peerURLs":[...],"isLearner":true,"name":"..","clientURLs":[..]}: the Go struct's field
// order; isLearner, name and clientURLs omitted when empty/false (omitempty), peerURLs null when
// empty (a nil slice).
std::string EncodeMemberJson(const Member& m);
// False on malformed JSON or a missing id.
bool DecodeMemberJson(std::string_view json, Member* out);

}  // namespace cairn::etcdserver

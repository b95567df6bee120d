// Member and cluster IDs derived exactly as etcd 3.5 derives them (server/etcdserver/api/membership
// member.go computeMemberId and cluster.go genID), so a Cairn member started with the same name,
// peer URLs and --initial-cluster-token reports the IDs etcd would.
//
//   member ID  = first 8 bytes, big-endian, of sha1(join(sorted peer URLs, "") + cluster token
//                [+ decimal unix seconds, for members added at runtime])
//   cluster ID = first 8 bytes, big-endian, of sha1(member IDs sorted ascending, each as 8
//                big-endian bytes)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cairn::etcdserver {

// `peer_urls` as strings ("http://localhost:2380"); sorted here. `added_at_unix_seconds` is set
// only for members added by MemberAdd (etcd mixes the time in then).
uint64_t ComputeMemberId(std::vector<std::string> peer_urls, const std::string& cluster_token,
                         std::optional<int64_t> added_at_unix_seconds = std::nullopt);

uint64_t ComputeClusterId(std::vector<uint64_t> member_ids);

// etcd's types.ID.String(): lower-case hex without leading zeros.
std::string IdToHex(uint64_t id);

}  // namespace cairn::etcdserver

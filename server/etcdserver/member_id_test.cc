#include "server/etcdserver/member_id.h"

#include <gtest/gtest.h>

namespace cairn::etcdserver {
namespace {

// A default single-member etcd (--name default, peer http://localhost:2380, token etcd-cluster)
// reports member 8e9e05c52164694d in cluster cdf818194e3a8c32 (etcd's well-known defaults).
TEST(MemberIdTest, DefaultEtcdMember) {
  uint64_t member = ComputeMemberId({"http://localhost:2380"}, "etcd-cluster");
  EXPECT_EQ(IdToHex(member), "8e9e05c52164694d");
  EXPECT_EQ(IdToHex(ComputeClusterId({member})), "cdf818194e3a8c32");
}

TEST(MemberIdTest, PeerUrlOrderDoesNotMatterTokenDoes) {
  uint64_t a = ComputeMemberId({"http://b:2380", "http://a:2380"}, "t");
  uint64_t b = ComputeMemberId({"http://a:2380", "http://b:2380"}, "t");
  EXPECT_EQ(a, b);
  EXPECT_NE(a, ComputeMemberId({"http://a:2380", "http://b:2380"}, "u"));
  EXPECT_NE(a, ComputeMemberId({"http://a:2380", "http://b:2380"}, "t", 1700000000));
}

TEST(MemberIdTest, ClusterIdSortsMembers) {
  EXPECT_EQ(ComputeClusterId({1, 2, 3}), ComputeClusterId({3, 1, 2}));
  EXPECT_NE(ComputeClusterId({1, 2}), ComputeClusterId({1, 3}));
}

TEST(MemberIdTest, HexHasNoLeadingZeros) {
  EXPECT_EQ(IdToHex(0x0abc), "abc");
  EXPECT_EQ(IdToHex(0), "0");
}

}  // namespace
}  // namespace cairn::etcdserver

#include "server/snapshot/restore_cluster.h"

#include <gtest/gtest.h>

namespace cairn::snapshot {
namespace {

TEST(RestoreClusterTest, EtcdctlDefaults) {
  RestoreCluster c;
  ASSERT_TRUE(BuildRestoreCluster("default", "default=http://localhost:2380", "etcd-cluster",
                                  "http://localhost:2380", &c)
                  .ok());
  ASSERT_EQ(c.members.size(), 1u);
  // etcd's well-known IDs for these defaults (etcdctl snapshot restore logs them).
  EXPECT_EQ(MemberKey(c.members[0].id), "8e9e05c52164694d");
  EXPECT_EQ(MemberKey(c.cluster_id), "cdf818194e3a8c32");
  EXPECT_EQ(c.local_member_id, c.members[0].id);
  EXPECT_EQ(c.members[0].name, "default");
  EXPECT_EQ(c.members[0].peer_urls, std::vector<std::string>{"http://localhost:2380"});
}

TEST(RestoreClusterTest, ThreeMembersSortedById) {
  RestoreCluster c;
  ASSERT_TRUE(BuildRestoreCluster("m2",
                                  "m1=http://10.0.0.1:2380,m2=http://10.0.0.2:2380,m3=http://10.0.0.3:2380",
                                  "tok", "http://10.0.0.2:2380", &c)
                  .ok());
  ASSERT_EQ(c.members.size(), 3u);
  EXPECT_LT(c.members[0].id, c.members[1].id);
  EXPECT_LT(c.members[1].id, c.members[2].id);
  bool found = false;
  for (const MemberRecord& m : c.members) found |= (m.name == "m2" && m.id == c.local_member_id);
  EXPECT_TRUE(found);
}

TEST(RestoreClusterTest, EtcdErrorMessages) {
  RestoreCluster c;
  // The texts Debian's etcdctl 3.4.23 prints for the same flags.
  EXPECT_EQ(
      BuildRestoreCluster("m1", "default=http://localhost:2380", "t", "http://localhost:2380", &c).message(),
      "couldn't find local name \"m1\" in the initial cluster configuration");
  EXPECT_EQ(
      BuildRestoreCluster("m1", "m1=http://10.0.0.1:2380", "t", "http://localhost:2380", &c).message(),
      "--initial-cluster has m1=http://10.0.0.1:2380 but missing from "
      "--initial-advertise-peer-urls=http://localhost:2380 (resolved urls: \"http://localhost:2380\" != "
      "\"http://10.0.0.1:2380\")");
  EXPECT_EQ(BuildRestoreCluster("m1", "m1=http://10.0.0.1:2380,m2=http://10.0.0.1:2380", "t",
                                "http://10.0.0.1:2380", &c)
                .message(),
            "initial cluster m1=http://10.0.0.1:2380,m2=http://10.0.0.1:2380 has duplicate url");
  EXPECT_EQ(
      BuildRestoreCluster("default", "default=http://localhost:2380", "t",
                          "http://127.0.0.1:2380,http://127.0.0.1:2381", &c)
          .message(),
      "--initial-cluster has default=http://localhost:2380 but missing from "
      "--initial-advertise-peer-urls=http://127.0.0.1:2380,http://127.0.0.1:2381 "
      "(len([\"http://127.0.0.1:2380\" \"http://127.0.0.1:2381\"]) != len([\"http://localhost:2380\"]))");
  EXPECT_EQ(BuildRestoreCluster("default", "default=http://localhost:2380", "t", "foo", &c).message(),
            "URL scheme must be http, https, unix, or unixs: foo");
}

}  // namespace
}  // namespace cairn::snapshot

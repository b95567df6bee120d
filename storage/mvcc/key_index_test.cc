#include "storage/mvcc/key_index.h"

#include <gtest/gtest.h>

#include "storage/mvcc/tree_index.h"

namespace cairn::mvcc {
namespace {

// etcd key_index.go's doc example: put(1.0); put(2.0); tombstone(3.0); put(4.0); tombstone(5.0).
KeyIndex Example() {
  KeyIndex ki("foo");
  ki.Put({1, 0});
  ki.Put({2, 0});
  EXPECT_TRUE(ki.Tombstone({3, 0}));
  ki.Put({4, 0});
  EXPECT_TRUE(ki.Tombstone({5, 0}));
  return ki;
}

std::vector<std::vector<Revision>> Mains(const KeyIndex& ki) {
  std::vector<std::vector<Revision>> out;
  for (const Generation& g : ki.generations()) {
    out.emplace_back();
    for (auto r : g.revs) out.back().push_back(r.main);
  }
  return out;
}

TEST(KeyIndexTest, GetFollowsGenerations) {
  KeyIndex ki = Example();
  KeyIndex::GetResult g;
  EXPECT_FALSE(ki.Get(0, &g));
  ASSERT_TRUE(ki.Get(1, &g));
  EXPECT_EQ(g.modified, (RevisionPair{1, 0}));
  EXPECT_EQ(g.created, (RevisionPair{1, 0}));
  EXPECT_EQ(g.version, 1);
  ASSERT_TRUE(ki.Get(2, &g));
  EXPECT_EQ(g.version, 2);
  EXPECT_FALSE(ki.Get(3, &g));  // deleted at 3
  ASSERT_TRUE(ki.Get(4, &g));
  EXPECT_EQ(g.created, (RevisionPair{4, 0}));
  EXPECT_EQ(g.version, 1);  // a new generation restarts the version
  EXPECT_FALSE(ki.Get(5, &g));
  EXPECT_FALSE(ki.Get(100, &g));
  EXPECT_FALSE(ki.Tombstone({6, 0}));  // already deleted
}

TEST(KeyIndexTest, SinceKeepsLastSubRevisionPerMain) {
  KeyIndex ki("k");
  ki.Put({2, 0});
  ki.Put({2, 1});
  ki.Put({3, 0});
  auto revs = ki.Since(1);
  ASSERT_EQ(revs.size(), 2u);
  EXPECT_EQ(revs[0], (RevisionPair{2, 1}));
  EXPECT_EQ(revs[1], (RevisionPair{3, 0}));
  EXPECT_EQ(ki.Since(3).size(), 1u);
}

// The compaction sequence documented in etcd key_index.go.
TEST(KeyIndexTest, CompactAsEtcdDocuments) {
  KeyIndex ki = Example();
  RevisionSet avail;
  ki.Compact(2, &avail);
  EXPECT_EQ(Mains(ki), (std::vector<std::vector<Revision>>{{2, 3}, {4, 5}, {}}));
  EXPECT_EQ(avail, (RevisionSet{{2, 0}}));

  avail.clear();
  ki.Compact(4, &avail);
  EXPECT_EQ(Mains(ki), (std::vector<std::vector<Revision>>{{4, 5}, {}}));
  EXPECT_EQ(avail, (RevisionSet{{4, 0}}));

  avail.clear();
  ki.Compact(5, &avail);
  EXPECT_TRUE(ki.IsEmpty());   // the tree index removes the key
  EXPECT_TRUE(avail.empty());  // a tombstone is not kept
}

TEST(KeyIndexTest, CompactAtTombstoneDropsGeneration) {
  KeyIndex ki = Example();
  RevisionSet avail;
  ki.Compact(3, &avail);
  EXPECT_EQ(Mains(ki), (std::vector<std::vector<Revision>>{{4, 5}, {}}));
  EXPECT_TRUE(avail.empty());
}

TEST(KeyIndexTest, KeepMatchesCompactWithoutChanging) {
  for (Revision at = 1; at <= 6; ++at) {
    KeyIndex a = Example();
    KeyIndex b = Example();
    RevisionSet kept, compacted;
    a.Keep(at, &kept);
    b.Compact(at, &compacted);
    EXPECT_EQ(kept, compacted) << "at " << at;
    EXPECT_EQ(Mains(a), Mains(Example()));
  }
}

TEST(TreeIndexTest, RangeCountAndCompact) {
  TreeIndex ti;
  ti.Put("a", {2, 0});
  ti.Put("b", {3, 0});
  ti.Put("c", {4, 0});
  ti.Tombstone("b", {5, 0});
  std::string zero(1, '\0');
  auto r = ti.Range(KeyRange{"a", zero}, 5);
  EXPECT_EQ(r.keys, (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(r.total, 2);
  r = ti.Range(KeyRange{"a", "z"}, 4, 2);
  EXPECT_EQ(r.keys, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(r.total, 3);
  EXPECT_EQ(ti.Count(KeyRange{"b", ""}, 4), 1);
  EXPECT_EQ(ti.Count(KeyRange{"b", ""}, 5), 0);
  EXPECT_EQ(ti.RangeSince(KeyRange{"a", "z"}, 3), (std::vector<RevisionPair>{{3, 0}, {4, 0}, {5, 0}}));
  RevisionSet keep = ti.Compact(5);
  EXPECT_EQ(keep, (RevisionSet{{2, 0}, {4, 0}}));
  EXPECT_EQ(ti.size(), 2u);  // "b" is gone entirely
}

}  // namespace
}  // namespace cairn::mvcc

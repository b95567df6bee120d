#include "storage/mvcc/key_index.h"

#include <gtest/gtest.h>

#include <random>

#include "storage/mvcc/key_index_reference.h"

#include "storage/mvcc/tree_index.h"

namespace cairn::mvcc {
namespace {

// etcd key_index.go's doc example: put(1.0); put(2.0); tombstone(3.0); put(4.0); tombstone(5.0).
KeyIndex Example() {
  KeyIndex ki;
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
  KeyIndex ki;
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

TEST(KeyIndexTest, CommonHistoriesStayInline) {
  KeyIndex ki;
  ki.Put({5, 0});
  EXPECT_TRUE(ki.is_inline());
  EXPECT_EQ(ki.modified(), (RevisionPair{5, 0}));
  ki.Put({6, 1});
  EXPECT_FALSE(ki.is_inline());
  RevisionSet avail;
  ki.Compact(6, &avail);  // back to one revision in one live generation
  EXPECT_TRUE(ki.is_inline());
  EXPECT_EQ(avail, (RevisionSet{{6, 1}}));
  EXPECT_EQ(Mains(ki), (std::vector<std::vector<Revision>>{{6}}));
  KeyIndex::GetResult g;
  ASSERT_TRUE(ki.Get(6, &g));
  EXPECT_EQ(g.version, 2);
  EXPECT_EQ(g.created, (RevisionPair{5, 0}));

  KeyIndex restored;
  restored.Restore({3, 0}, {9, 2}, 4);
  EXPECT_TRUE(restored.is_inline());
  ASSERT_TRUE(restored.Get(9, &g));
  EXPECT_EQ(g.modified, (RevisionPair{9, 2}));
  EXPECT_EQ(g.created, (RevisionPair{3, 0}));
  EXPECT_EQ(g.version, 4);
  EXPECT_FALSE(restored.Get(8, &g));

  // Histories the inline form cannot hold (a sub-revision beyond 32 bits, a restored version
  // below 1) live on the heap and still answer the same.
  KeyIndex wide;
  wide.Put({7, int64_t{1} << 40});
  EXPECT_FALSE(wide.is_inline());
  ASSERT_TRUE(wide.Get(7, &g));
  EXPECT_EQ(g.modified, (RevisionPair{7, int64_t{1} << 40}));
  EXPECT_EQ(g.version, 1);
  KeyIndex odd;
  odd.Restore({2, 0}, {3, 0}, 0);
  EXPECT_FALSE(odd.is_inline());
  ASSERT_TRUE(odd.Get(3, &g));
  EXPECT_EQ(g.version, 0);

  KeyIndex copy = restored;  // copies and moves keep the history
  KeyIndex moved = std::move(ki);
  EXPECT_EQ(copy.generations(), restored.generations());
  EXPECT_EQ(Mains(moved), (std::vector<std::vector<Revision>>{{6}}));
  EXPECT_TRUE(restored.Tombstone({10, 0}));
  EXPECT_NE(copy.generations(), restored.generations());
}

// Randomized comparison with the previous implementation (key_index_reference.h): every query at
// every revision after every step. A failure prints the seed.
TEST(KeyIndexTest, MatchesReferenceImplementation) {
  auto same_generations = [](const KeyIndex& a, const ReferenceKeyIndex& b) {
    return a.generations() == b.generations();
  };
  for (uint32_t seed = 1; seed <= 400; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937 rng(seed);
    KeyIndex ki;
    ReferenceKeyIndex ref("k");
    Revision rev = 1 + static_cast<Revision>(rng() % 3);
    if (rng() % 4 == 0) {
      const int64_t version = 1 + static_cast<int64_t>(rng() % 5);
      ki.Restore({rev, 0}, {rev + 2, 1}, version);
      ref.Restore({rev, 0}, {rev + 2, 1}, version);
      rev += 3;
    }
    bool deleted = false;
    for (int step = 0; step < 40; ++step) {
      const uint32_t op = rng() % 10;
      if (op < 5 || (deleted && op < 8)) {
        const int64_t sub = rng() % 16 == 0 ? (int64_t{1} << 33) : static_cast<int64_t>(rng() % 3);
        const RevisionPair r{rev, sub};
        rev += 1 + static_cast<Revision>(rng() % 2);
        ki.Put(r);
        ref.Put(r);
        deleted = false;
      } else if (op < 8) {
        const RevisionPair r{rev++, 0};
        if (ref.generations().empty()) continue;
        ASSERT_EQ(ki.Tombstone(r), ref.Tombstone(r));
        deleted = true;
      } else {
        if (ref.generations().empty()) continue;
        const Revision at = static_cast<Revision>(rng() % (rev + 1));
        RevisionSet a, b;
        ki.Compact(at, &a);
        ref.Compact(at, &b);
        ASSERT_EQ(a, b) << "compact at " << at;
      }
      ASSERT_TRUE(same_generations(ki, ref)) << "step " << step;
      ASSERT_EQ(ki.IsEmpty(), ref.IsEmpty());
      if (ref.IsEmpty()) break;  // the tree index drops the key
      ASSERT_EQ(ki.modified(), ref.modified());
      const auto gens = ref.generations();
      ASSERT_EQ(ki.is_inline(), gens.size() == 1 && gens[0].revs.size() == 1 && gens[0].version > 0 &&
                                    gens[0].revs[0].sub <= UINT32_MAX && gens[0].created.sub <= UINT32_MAX);
      for (Revision at = 0; at <= rev + 1; ++at) {
        KeyIndex::GetResult g;
        ReferenceKeyIndex::GetResult h;
        const bool found = ki.Get(at, &g);
        ASSERT_EQ(found, ref.Get(at, &h)) << "get at " << at;
        if (found) {
          ASSERT_EQ(g.modified, h.modified);
          ASSERT_EQ(g.created, h.created);
          ASSERT_EQ(g.version, h.version);
        }
        ASSERT_EQ(ki.Since(at), ref.Since(at)) << "since " << at;
        RevisionSet a, b;
        ki.Keep(at, &a);
        ref.Keep(at, &b);
        ASSERT_EQ(a, b) << "keep at " << at;
      }
    }
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

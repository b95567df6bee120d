#include "storage/bolt/compact.h"

#include <gtest/gtest.h>

#include <string>

#include "storage/bolt/dump.h"
#include "storage/bolt/test_util.h"

namespace cairn::bolt {
namespace {

using testing::TempDir;

TEST(CompactTest, CopyHasSameContentsAndIsSmaller) {
  std::string dir = TempDir("compact");
  Options options;
  options.no_sync = true;
  std::unique_ptr<DB> src;
  ASSERT_TRUE(DB::Open(io::DefaultEnv(), dir + "/src", options, &src).ok());
  testing::RandomWorkload work(9);
  for (int i = 0; i < 40; ++i) ASSERT_TRUE(work.RunTx(src.get(), 200).ok());
  // Delete a lot so the source has free pages to drop.
  {
    std::unique_ptr<Tx> tx;
    ASSERT_TRUE(src->Begin(true, &tx).ok());
    Cursor c = tx->Root()->NewCursor();
    std::vector<std::string> names;
    for (bool ok = c.First(); ok; ok = c.Next()) names.emplace_back(c.key());
    ASSERT_GE(names.size(), 2u);
    ASSERT_TRUE(tx->DeleteBucket(names[0]).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  CompactOptions copt;
  copt.sync = false;
  copt.tx_bytes_max = 64 * 1024;  // several commits in the copy
  ASSERT_TRUE(CompactInto(src.get(), io::DefaultEnv(), dir + "/dst", copt).ok());
  std::unique_ptr<DB> dst;
  ASSERT_TRUE(DB::Open(io::DefaultEnv(), dir + "/dst", options, &dst).ok());
  ASSERT_TRUE(dst->Check().ok());
  EXPECT_EQ(Dump(dst.get()), Dump(src.get()));
  DbStats s, d;
  ASSERT_TRUE(src->Stats(&s).ok());
  ASSERT_TRUE(dst->Stats(&d).ok());
  EXPECT_LT(d.file_bytes, s.file_bytes);
  EXPECT_EQ(d.keys, s.keys);
  EXPECT_EQ(d.buckets, s.buckets);
  // Bucket sequences are copied too.
  std::unique_ptr<Tx> st, dt;
  ASSERT_TRUE(src->Begin(false, &st).ok());
  ASSERT_TRUE(dst->Begin(false, &dt).ok());
  Cursor c = st->Root()->NewCursor();
  for (bool ok = c.First(); ok; ok = c.Next()) {
    EXPECT_EQ(st->Bucket(c.key())->Sequence(), dt->Bucket(c.key())->Sequence());
  }
}

TEST(StatsTest, CountsPagesKeysAndBuckets) {
  std::string dir = TempDir("stats");
  std::unique_ptr<DB> db;
  Options options;
  options.no_sync = true;
  ASSERT_TRUE(DB::Open(io::DefaultEnv(), dir + "/db", options, &db).ok());
  {
    std::unique_ptr<Tx> tx;
    ASSERT_TRUE(db->Begin(true, &tx).ok());
    Bucket* b = nullptr;
    ASSERT_TRUE(tx->CreateBucket("big", &b).ok());
    for (int i = 0; i < 1000; ++i) ASSERT_TRUE(b->Put("k" + std::to_string(i), std::string(100, 'v')).ok());
    ASSERT_TRUE(b->Put("huge", std::string(10000, 'h')).ok());  // 3 pages: 2 overflow
    Bucket* small = nullptr;
    ASSERT_TRUE(tx->CreateBucket("small", &small).ok());
    ASSERT_TRUE(small->Put("a", "b").ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  DbStats stats;
  ASSERT_TRUE(db->Stats(&stats).ok());
  EXPECT_EQ(stats.keys, 1002u);
  EXPECT_EQ(stats.buckets, 2u);
  EXPECT_EQ(stats.inline_buckets, 1u);
  EXPECT_GE(stats.branch_pages, 1u);
  EXPECT_GT(stats.leaf_pages, 20u);
  EXPECT_EQ(stats.overflow_pages, 2u);
  EXPECT_EQ(stats.freelist_pages, 1u);
  EXPECT_LE(stats.high_water_bytes, stats.file_bytes);
  EXPECT_EQ(stats.in_use_bytes, stats.high_water_bytes - stats.free_pages * 4096);
  EXPECT_EQ(stats.pending_pages + stats.free_pages, 2u);  // the initial freelist and root leaf pages
}

}  // namespace
}  // namespace cairn::bolt

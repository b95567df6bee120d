#include "storage/bolt/db.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "storage/bolt/compact.h"
#include "storage/bolt/dump.h"
#include "storage/bolt/test_util.h"

namespace cairn::bolt {
namespace {

using testing::TempDir;

std::unique_ptr<DB> OpenDb(const std::string& path, Options options = {}) {
  std::unique_ptr<DB> db;
  Status s = DB::Open(io::DefaultEnv(), path, options, &db);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return db;
}

TEST(DbTest, NewFileHasBboltInitialLayout) {
  std::string path = TempDir("init") + "/db";
  { auto db = OpenDb(path); }
  EXPECT_EQ(std::filesystem::file_size(path), 4u * 4096);
  auto db = OpenDb(path);
  ASSERT_TRUE(db->Check().ok());
  DbStats stats;
  ASSERT_TRUE(db->Stats(&stats).ok());
  EXPECT_EQ(stats.txid, 1u);
  EXPECT_EQ(stats.leaf_pages, 1u);
}

TEST(DbTest, PutGetPersistAcrossReopen) {
  std::string path = TempDir("persist") + "/db";
  {
    auto db = OpenDb(path);
    std::unique_ptr<Tx> tx;
    ASSERT_TRUE(db->Begin(true, &tx).ok());
    Bucket* b = nullptr;
    ASSERT_TRUE(tx->CreateBucket("key", &b).ok());
    ASSERT_TRUE(b->Put("a", "1").ok());
    ASSERT_TRUE(b->Put("b", "").ok());
    Bucket* n = nullptr;
    ASSERT_TRUE(b->CreateBucket("nested", &n).ok());
    ASSERT_TRUE(n->Put("x", "y").ok());
    uint64_t seq = 0;
    ASSERT_TRUE(b->NextSequence(&seq).ok());
    EXPECT_EQ(seq, 1u);
    ASSERT_TRUE(tx->Commit().ok());
  }
  auto db = OpenDb(path);
  ASSERT_TRUE(db->Check().ok()) << db->Check().ToString();
  std::unique_ptr<Tx> tx;
  ASSERT_TRUE(db->Begin(false, &tx).ok());
  Bucket* b = tx->Bucket("key");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->Get("a").value(), "1");
  EXPECT_EQ(b->Get("b").value(), "");
  EXPECT_FALSE(b->Get("c").has_value());
  EXPECT_FALSE(b->Get("nested").has_value());
  EXPECT_EQ(b->Sequence(), 1u);
  ASSERT_NE(b->Nested("nested"), nullptr);
  EXPECT_EQ(b->Nested("nested")->Get("x").value(), "y");
  EXPECT_TRUE(b->Put("z", "z").code() == Status::Code::kInvalidArgument);
  tx.reset();
  EXPECT_EQ(Dump(db.get()),
            "B 6b6579\n"
            "K 6b6579 61 31\n"
            "K 6b6579 62 -\n"
            "B 6b6579/6e6573746564\n"
            "K 6b6579/6e6573746564 78 79\n");
}

}  // namespace
}  // namespace cairn::bolt

namespace cairn::bolt {
namespace {

void ExpectCheckOk(DB* db) {
  Status s = db->Check();
  ASSERT_TRUE(s.ok()) << s.ToString();
}

// (seed, page size): 1 KiB pages make deep trees with many splits and merges.
class RandomModelTest : public ::testing::TestWithParam<std::tuple<uint64_t, uint32_t>> {};

TEST_P(RandomModelTest, MatchesModelAcrossCommitsAndReopen) {
  auto [seed, page_size] = GetParam();
  std::string path = TempDir("model" + std::to_string(seed) + "_" + std::to_string(page_size)) + "/db";
  testing::RandomWorkload work(seed);
  Options options;
  options.page_size = page_size;
  options.no_sync = true;  // durability is the crash test's job
  auto db = OpenDb(path, options);
  for (int round = 0; round < 60; ++round) {
    Status s = work.RunTx(db.get(), round % 7 == 0 ? 400 : 40);
    ASSERT_TRUE(s.ok()) << "round " << round << ": " << s.ToString();
    ExpectCheckOk(db.get());
    if (round % 4 == 3) {
      ASSERT_EQ(Dump(db.get()), testing::DumpModel(work.model())) << "round " << round;
    }
    if (round % 20 == 19) {
      db.reset();
      db = OpenDb(path, options);
      ExpectCheckOk(db.get());
      ASSERT_EQ(Dump(db.get()), testing::DumpModel(work.model())) << "after reopen, round " << round;
    }
  }
  DbStats stats;
  ASSERT_TRUE(db->Stats(&stats).ok());
  EXPECT_GT(stats.leaf_pages, 1u);
  EXPECT_GT(stats.keys, 0u);
}

INSTANTIATE_TEST_SUITE_P(Seeds, RandomModelTest,
                         ::testing::Combine(::testing::Values(1, 2, 3), ::testing::Values(1024u, 4096u)));

TEST(CursorTest, FirstLastSeekNextPrevAgreeWithModel) {
  std::string path = TempDir("cursor") + "/db";
  auto db = OpenDb(path);
  std::map<std::string, std::string> model;
  std::mt19937_64 rng(42);
  for (int t = 0; t < 5; ++t) {
    std::unique_ptr<Tx> tx;
    ASSERT_TRUE(db->Begin(true, &tx).ok());
    Bucket* b = nullptr;
    ASSERT_TRUE(tx->CreateBucketIfNotExists("c", &b).ok());
    for (int i = 0; i < 1500; ++i) {
      std::string k = "key" + std::to_string(rng() % 5000);
      if (rng() % 4 == 0) {
        ASSERT_TRUE(b->Delete(k).ok());
        model.erase(k);
      } else {
        std::string v(rng() % 100, 'x');
        ASSERT_TRUE(b->Put(k, v).ok());
        model[k] = v;
      }
    }
    // Iterate inside the write tx (nodes) and after commit (pages).
    for (int phase = 0; phase < 2; ++phase) {
      Bucket* cb = b;
      std::unique_ptr<Tx> rtx;
      if (phase == 1) {
        ASSERT_TRUE(db->Begin(false, &rtx).ok());
        cb = rtx->Bucket("c");
      }
      Cursor c = cb->NewCursor();
      auto it = model.begin();
      for (bool ok = c.First(); ok; ok = c.Next(), ++it) {
        ASSERT_NE(it, model.end());
        ASSERT_EQ(c.key(), it->first);
        ASSERT_EQ(c.value(), it->second);
      }
      ASSERT_EQ(it, model.end());
      auto rit = model.rbegin();
      for (bool ok = c.Last(); ok; ok = c.Prev(), ++rit) {
        ASSERT_NE(rit, model.rend());
        ASSERT_EQ(c.key(), rit->first);
      }
      ASSERT_EQ(rit, model.rend());
      for (int i = 0; i < 200; ++i) {
        std::string k = "key" + std::to_string(rng() % 6000);
        auto lb = model.lower_bound(k);
        bool ok = c.Seek(k);
        ASSERT_EQ(ok, lb != model.end()) << k;
        if (ok) {
          ASSERT_EQ(c.key(), lb->first);
          if (c.Prev()) {
            ASSERT_NE(lb, model.begin());
            ASSERT_EQ(c.key(), std::prev(lb)->first);
          } else {
            ASSERT_EQ(lb, model.begin());
          }
        }
      }
      if (phase == 0) {
        ASSERT_TRUE(tx->Commit().ok());
      }
    }
    ExpectCheckOk(db.get());
  }
}

}  // namespace
}  // namespace cairn::bolt

namespace cairn::bolt {
namespace {

void CommitBucket(DB* db, const std::string& name) {
  std::unique_ptr<Tx> tx;
  ASSERT_TRUE(db->Begin(true, &tx).ok());
  ASSERT_TRUE(tx->CreateBucket(name).ok());
  ASSERT_TRUE(tx->Commit().ok());
}

void FlipByte(const std::string& path, uint64_t offset) {
  std::FILE* f = std::fopen(path.c_str(), "r+b");
  ASSERT_NE(f, nullptr);
  std::fseek(f, static_cast<long>(offset), SEEK_SET);
  int c = std::fgetc(f);
  std::fseek(f, static_cast<long>(offset), SEEK_SET);
  std::fputc(c ^ 0x5a, f);
  std::fclose(f);
}

TEST(OpenTest, FallsBackToOlderMetaWhenNewestIsCorrupt) {
  std::string path = TempDir("meta_fallback") + "/db";
  TxId newest = 0;
  {
    auto db = OpenDb(path);
    CommitBucket(db.get(), "a");  // txid 2 -> meta page 0
    CommitBucket(db.get(), "b");  // txid 3 -> meta page 1
    DbStats stats;
    ASSERT_TRUE(db->Stats(&stats).ok());
    newest = stats.txid;
  }
  ASSERT_EQ(newest, 3u);
  FlipByte(path, 1 * 4096 + 16 + 48);  // txid field of meta page 1
  auto db = OpenDb(path);
  DbStats stats;
  ASSERT_TRUE(db->Stats(&stats).ok());
  EXPECT_EQ(stats.txid, 2u);
  EXPECT_EQ(Dump(db.get()), "B 61\n");
  EXPECT_TRUE(db->Check().ok());
}

TEST(OpenTest, ReadOnlyOpensExistingFilesAndRefusesWriters) {
  std::string dir = TempDir("read_only");
  {
    auto db = OpenDb(dir + "/db");
    CommitBucket(db.get(), "a");
  }
  Options options;
  options.read_only = true;
  std::unique_ptr<DB> db;
  ASSERT_TRUE(DB::Open(io::DefaultEnv(), dir + "/db", options, &db).ok());
  EXPECT_EQ(Dump(db.get()), "B 61\n");
  std::unique_ptr<Tx> tx;
  EXPECT_EQ(db->Begin(true, &tx).code(), Status::Code::kInvalidArgument);
  ASSERT_TRUE(db->Check().ok());
  db.reset();
  EXPECT_FALSE(DB::Open(io::DefaultEnv(), dir + "/missing", options, &db).ok());
}

TEST(OpenTest, RefusesBothMetasCorruptAndTruncatedFiles) {
  std::string dir = TempDir("refuse");
  {
    auto db = OpenDb(dir + "/both");
    CommitBucket(db.get(), "a");
  }
  FlipByte(dir + "/both", 16);         // magic of meta 0
  FlipByte(dir + "/both", 4096 + 16);  // magic of meta 1
  std::unique_ptr<DB> db;
  Status s = DB::Open(io::DefaultEnv(), dir + "/both", Options(), &db);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(s.message().find("both meta pages invalid"), std::string::npos);

  {
    auto db2 = OpenDb(dir + "/short");
    std::unique_ptr<Tx> tx;
    ASSERT_TRUE(db2->Begin(true, &tx).ok());
    Bucket* b = nullptr;
    ASSERT_TRUE(tx->CreateBucket("a", &b).ok());
    for (int i = 0; i < 2000; ++i) ASSERT_TRUE(b->Put(std::to_string(i), std::string(100, 'x')).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  std::filesystem::resize_file(dir + "/short", 8 * 4096);
  s = DB::Open(io::DefaultEnv(), dir + "/short", Options(), &db);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();

  {
    std::FILE* f = std::fopen((dir + "/tiny").c_str(), "wb");
    std::fputs("not a bolt file", f);
    std::fclose(f);
  }
  s = DB::Open(io::DefaultEnv(), dir + "/tiny", Options(), &db);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
}

TEST(OpenTest, CheckReportsDamagedPages) {
  std::string path = TempDir("damage") + "/db";
  {
    auto db = OpenDb(path);
    std::unique_ptr<Tx> tx;
    ASSERT_TRUE(db->Begin(true, &tx).ok());
    Bucket* b = nullptr;
    ASSERT_TRUE(tx->CreateBucket("a", &b).ok());
    for (int i = 0; i < 2000; ++i) ASSERT_TRUE(b->Put(std::to_string(i), std::string(100, 'x')).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  // Find a leaf page (flags 0x02 at offset 8) past the metas and break its type.
  std::FILE* f = std::fopen(path.c_str(), "r+b");
  ASSERT_NE(f, nullptr);
  uint64_t victim = 0;
  for (uint64_t id = 2; id < 200 && victim == 0; ++id) {
    unsigned char hdr[16];
    std::fseek(f, static_cast<long>(id * 4096), SEEK_SET);
    if (std::fread(hdr, 1, 16, f) == 16 && hdr[8] == 0x02 && hdr[10] > 5) victim = id;
  }
  ASSERT_NE(victim, 0u);
  std::fseek(f, static_cast<long>(victim * 4096 + 8), SEEK_SET);
  std::fputc(0x40, f);
  std::fclose(f);
  auto db = OpenDb(path);
  Status s = db->Check();
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_NE(s.message().find("invalid page type"), std::string::npos) << s.ToString();
}

}  // namespace
}  // namespace cairn::bolt

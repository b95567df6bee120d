// Cross-checks with real bbolt (//tests/bbolt_oracle, Debian's bbolt 1.3.6):
// files Cairn writes must pass bbolt's Tx.Check and dump identically in bbolt,
// and files bbolt writes must open, check and dump identically in Cairn,
// including after Cairn adds commits to them (CRAFT.md §11).
#include <gtest/gtest.h>

#include <string>

#include "storage/bolt/db.h"
#include "storage/bolt/dump.h"
#include "storage/bolt/oracle_util.h"
#include "storage/bolt/test_util.h"

namespace cairn::bolt {
namespace {

using testing::Oracle;
using testing::TempDir;

void ExpectOracleAgrees(DB* db, const std::string& path, const std::string& what) {
  testing::CommandResult check = Oracle("check " + path);
  EXPECT_EQ(check.exit_code, 0) << what << ": bbolt check: " << check.out;
  EXPECT_EQ(check.out, "ok\n") << what;
  testing::CommandResult dump = Oracle("dump " + path);
  ASSERT_EQ(dump.exit_code, 0) << what;
  std::string ours = Dump(db);
  ASSERT_EQ(ours.size(), dump.out.size()) << what;
  ASSERT_TRUE(ours == dump.out) << what << ": dumps differ";
}

class CairnWritesTest : public ::testing::TestWithParam<uint64_t> {};

TEST_P(CairnWritesTest, BboltChecksAndDumpsCairnFiles) {
  std::string path = TempDir("cairn_writes" + std::to_string(GetParam())) + "/db";
  Options options;
  options.no_sync = true;
  std::unique_ptr<DB> db;
  ASSERT_TRUE(DB::Open(io::DefaultEnv(), path, options, &db).ok());
  testing::RandomWorkload work(GetParam());
  for (int round = 0; round < 40; ++round) {
    ASSERT_TRUE(work.RunTx(db.get(), round % 5 == 0 ? 500 : 50).ok());
    if (round % 10 == 9) {
      ASSERT_TRUE(db->Check().ok());
      // bbolt reads the file while Cairn has it open (no writer is active).
      ExpectOracleAgrees(db.get(), path,
                         "seed " + std::to_string(GetParam()) + " round " + std::to_string(round));
      ASSERT_EQ(Dump(db.get()), testing::DumpModel(work.model()));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, CairnWritesTest, ::testing::Values(11, 12, 13));

TEST(CairnWritesTest, SequentialKeysFillPercentOne) {
  // etcd's revision keys with FillPercent 1.0 (full pages, as etcd sets).
  std::string path = TempDir("fill100") + "/db";
  Options options;
  options.no_sync = true;
  std::unique_ptr<DB> db;
  ASSERT_TRUE(DB::Open(io::DefaultEnv(), path, options, &db).ok());
  for (int t = 0; t < 5; ++t) {
    std::unique_ptr<Tx> tx;
    ASSERT_TRUE(db->Begin(true, &tx).ok());
    Bucket* b = nullptr;
    ASSERT_TRUE(tx->CreateBucketIfNotExists("key", &b).ok());
    b->set_fill_percent(1.0);
    for (int i = 0; i < 2000; ++i) {
      char key[17];
      std::snprintf(key, sizeof key, "%016x", t * 2000 + i);
      ASSERT_TRUE(b->Put(key, std::string(120, 'x')).ok());
    }
    ASSERT_TRUE(tx->Commit().ok());
  }
  ASSERT_TRUE(db->Check().ok());
  ExpectOracleAgrees(db.get(), path, "fill 1.0");
}

TEST(CairnWritesTest, FreelistCountOverflowReadByBbolt) {
  // More than 0xFFFF free pages: the freelist page stores count 0xFFFF and the
  // real count in its first u64. 1 KiB pages keep the file small (~70 MB).
  std::string path = TempDir("freelist_overflow") + "/db";
  Options options;
  options.no_sync = true;
  options.page_size = 1024;
  std::unique_ptr<DB> db;
  ASSERT_TRUE(DB::Open(io::DefaultEnv(), path, options, &db).ok());
  for (int step = 0; step < 3; ++step) {
    std::unique_ptr<Tx> tx;
    ASSERT_TRUE(db->Begin(true, &tx).ok());
    Bucket* b = nullptr;
    ASSERT_TRUE(tx->CreateBucketIfNotExists("b", &b).ok());
    if (step == 0) {
      ASSERT_TRUE(b->Put("big", std::string(70000 * 1024, 'x')).ok());
    } else if (step == 1) {
      ASSERT_TRUE(b->Delete("big").ok());  // frees ~70000 pages
    }
    ASSERT_TRUE(b->Put("small" + std::to_string(step), "v").ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  DbStats stats;
  ASSERT_TRUE(db->Stats(&stats).ok());
  EXPECT_GT(stats.free_pages + stats.pending_pages, 0xFFFFu);
  EXPECT_GT(stats.freelist_pages, 1u);
  ExpectOracleAgrees(db.get(), path, "freelist with > 0xFFFF ids");
  db.reset();
  ASSERT_TRUE(DB::Open(io::DefaultEnv(), path, options, &db).ok());
  ASSERT_TRUE(db->Stats(&stats).ok());
  EXPECT_GT(stats.free_pages, 0xFFFFu);
  ASSERT_TRUE(db->Check().ok());
}

TEST(CairnWritesTest, WriteToStreamsAFileBboltAccepts) {
  std::string dir = TempDir("write_to");
  Options options;
  options.no_sync = true;
  std::unique_ptr<DB> db;
  ASSERT_TRUE(DB::Open(io::DefaultEnv(), dir + "/db", options, &db).ok());
  testing::RandomWorkload work(21);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(work.RunTx(db.get(), 100).ok());
  std::unique_ptr<Tx> snap;
  ASSERT_TRUE(db->Begin(false, &snap).ok());
  std::string expected = Dump(db.get());
  // Writers keep committing while the snapshot streams out.
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(work.RunTx(db.get(), 100).ok());
  std::FILE* out = std::fopen((dir + "/snap").c_str(), "wb");
  ASSERT_NE(out, nullptr);
  Status s = snap->WriteTo([&](std::string_view chunk) {
    if (std::fwrite(chunk.data(), 1, chunk.size(), out) != chunk.size())
      return Status::IOError("short write");
    return Status::Ok();
  });
  std::fclose(out);
  ASSERT_TRUE(s.ok()) << s.ToString();
  snap.reset();
  std::unique_ptr<DB> copy;
  ASSERT_TRUE(DB::Open(io::DefaultEnv(), dir + "/snap", options, &copy).ok());
  ASSERT_TRUE(copy->Check().ok());
  EXPECT_EQ(Dump(copy.get()), expected);
  ExpectOracleAgrees(copy.get(), dir + "/snap", "WriteTo snapshot");
}

TEST(CairnWritesTest, MaximalKeysAndLargeValues) {
  std::string path = TempDir("max_keys") + "/db";
  Options options;
  options.no_sync = true;
  std::unique_ptr<DB> db;
  ASSERT_TRUE(DB::Open(io::DefaultEnv(), path, options, &db).ok());
  std::unique_ptr<Tx> tx;
  ASSERT_TRUE(db->Begin(true, &tx).ok());
  Bucket* b = nullptr;
  ASSERT_TRUE(tx->CreateBucket("max", &b).ok());
  for (int i = 0; i < 40; ++i) {
    std::string key(kMaxKeyBytes, static_cast<char>('a' + i % 26));
    key[0] = static_cast<char>(i);
    // 32 KiB keys force multi-page branch pages; some values span many pages.
    ASSERT_TRUE(b->Put(key, std::string(i % 4 == 0 ? (1 << 20) + i : i, 'v')).ok());
  }
  EXPECT_EQ(b->Put(std::string(kMaxKeyBytes + 1, 'k'), "v").code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(b->Put("", "v").code(), Status::Code::kInvalidArgument);
  ASSERT_TRUE(tx->Commit().ok());
  ASSERT_TRUE(db->Check().ok());
  ExpectOracleAgrees(db.get(), path, "maximal keys");
  // Delete most of them: merges of multi-page nodes.
  ASSERT_TRUE(db->Begin(true, &tx).ok());
  b = tx->Bucket("max");
  for (int i = 0; i < 40; ++i) {
    if (i % 5 == 0) continue;
    std::string key(kMaxKeyBytes, static_cast<char>('a' + i % 26));
    key[0] = static_cast<char>(i);
    ASSERT_TRUE(b->Delete(key).ok());
  }
  ASSERT_TRUE(tx->Commit().ok());
  ASSERT_TRUE(db->Check().ok());
  ExpectOracleAgrees(db.get(), path, "maximal keys after deletes");
}

class BboltWritesTest : public ::testing::TestWithParam<int> {};

TEST_P(BboltWritesTest, CairnReadsAndExtendsBboltFiles) {
  std::string path = TempDir("bbolt_writes" + std::to_string(GetParam())) + "/db";
  testing::CommandResult w = Oracle("write " + path + " " + std::to_string(GetParam()) + " 4000");
  ASSERT_EQ(w.exit_code, 0) << w.out;
  testing::CommandResult dump = Oracle("dump " + path);
  ASSERT_EQ(dump.exit_code, 0);
  Options options;
  options.no_sync = true;
  std::unique_ptr<DB> db;
  Status s = DB::Open(io::DefaultEnv(), path, options, &db);
  ASSERT_TRUE(s.ok()) << s.ToString();
  s = db->Check();
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_TRUE(Dump(db.get()) == dump.out) << "Cairn's dump of a bbolt file differs from bbolt's";
  // Cairn then rewrites parts of the bbolt file; bbolt must still accept it.
  std::mt19937_64 rng(GetParam());
  for (int t = 0; t < 10; ++t) {
    std::unique_ptr<Tx> tx;
    ASSERT_TRUE(db->Begin(true, &tx).ok());
    Cursor c = tx->Root()->NewCursor();
    std::vector<std::string> names;
    for (bool ok = c.First(); ok; ok = c.Next()) names.emplace_back(c.key());
    if (!names.empty() && t % 4 == 3) {
      ASSERT_TRUE(tx->DeleteBucket(names[rng() % names.size()]).ok());
    }
    Bucket* b = nullptr;
    ASSERT_TRUE(tx->CreateBucketIfNotExists("cairn" + std::to_string(t % 3), &b).ok());
    for (int i = 0; i < 300; ++i) {
      std::string k = "k" + std::to_string(rng() % 1000);
      if (rng() % 3 == 0) {
        ASSERT_TRUE(b->Delete(k).ok());
      } else {
        ASSERT_TRUE(b->Put(k, std::string(rng() % 700, 'c')).ok());
      }
    }
    ASSERT_TRUE(tx->Commit().ok());
  }
  ASSERT_TRUE(db->Check().ok());
  ExpectOracleAgrees(db.get(), path, "bbolt file extended by Cairn, seed " + std::to_string(GetParam()));
  db.reset();
  ASSERT_TRUE(DB::Open(io::DefaultEnv(), path, options, &db).ok());
  ASSERT_TRUE(db->Check().ok());
}

// Odd seeds: NoFreelistSync files (no freelist page), as etcd writes them.
INSTANTIATE_TEST_SUITE_P(Seeds, BboltWritesTest, ::testing::Values(1, 2, 3, 4, 5, 6));

}  // namespace
}  // namespace cairn::bolt

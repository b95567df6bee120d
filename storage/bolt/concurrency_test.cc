// Snapshot isolation, freed-page reuse safety and remap safety: what a reader
// holds must never change under it while writers commit.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "storage/bolt/db.h"
#include "storage/bolt/dump.h"
#include "storage/bolt/test_util.h"

namespace cairn::bolt {
namespace {

using testing::TempDir;

std::unique_ptr<DB> OpenDb(const std::string& path, Options options = {}) {
  options.no_sync = true;
  std::unique_ptr<DB> db;
  Status s = DB::Open(io::DefaultEnv(), path, options, &db);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return db;
}

std::string Value(int i, int version, size_t size = 100) {
  std::string v = "v" + std::to_string(version) + "-" + std::to_string(i) + "-";
  v.resize(size, static_cast<char>('a' + (i + version) % 26));
  return v;
}

void Fill(DB* db, int keys, int version, size_t value_bytes = 100) {
  std::unique_ptr<Tx> tx;
  ASSERT_TRUE(db->Begin(true, &tx).ok());
  Bucket* b = nullptr;
  ASSERT_TRUE(tx->CreateBucketIfNotExists("data", &b).ok());
  for (int i = 0; i < keys; ++i) {
    char key[32];
    std::snprintf(key, sizeof key, "key%06d", i);
    ASSERT_TRUE(b->Put(key, Value(i, version, value_bytes)).ok());
  }
  ASSERT_TRUE(tx->Commit().ok());
}

TEST(ConcurrencyTest, ReaderKeepsSnapshotWhileWriterCommits) {
  auto db = OpenDb(TempDir("snapshot") + "/db");
  Fill(db.get(), 2000, 0);
  std::unique_ptr<Tx> reader;
  ASSERT_TRUE(db->Begin(false, &reader).ok());
  Bucket* rb = reader->Bucket("data");
  ASSERT_NE(rb, nullptr);
  std::vector<std::string_view> held;
  for (int i = 0; i < 2000; i += 7) {
    char key[32];
    std::snprintf(key, sizeof key, "key%06d", i);
    held.push_back(rb->Get(key).value());
  }
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int version = 1; version <= 20; ++version) {
      std::unique_ptr<Tx> tx;
      ASSERT_TRUE(db->Begin(true, &tx).ok());
      Bucket* b = tx->Bucket("data");
      for (int i = 0; i < 2000; ++i) {
        char key[32];
        std::snprintf(key, sizeof key, "key%06d", i);
        if (version % 5 == 0 && i % 3 == 0) {
          ASSERT_TRUE(b->Delete(key).ok());
        } else {
          ASSERT_TRUE(b->Put(key, Value(i, version)).ok());
        }
      }
      ASSERT_TRUE(tx->Commit().ok());
    }
    done = true;
  });
  // Meanwhile the reader iterates its snapshot repeatedly.
  while (!done) {
    Cursor c = rb->NewCursor();
    int i = 0;
    for (bool ok = c.First(); ok; ok = c.Next(), ++i) {
      ASSERT_EQ(c.value(), Value(i, 0));
    }
    ASSERT_EQ(i, 2000);
  }
  writer.join();
  for (size_t j = 0; j < held.size(); ++j) ASSERT_EQ(held[j], Value(static_cast<int>(j * 7), 0));
  DbStats stats;
  ASSERT_TRUE(db->Stats(&stats).ok());
  EXPECT_GT(stats.pending_pages, 0u) << "pages the reader sees must stay pending";
  reader.reset();
  ASSERT_TRUE(db->Check().ok());
  // With the reader gone the next writer may reuse everything pending.
  Fill(db.get(), 10, 99);
  ASSERT_TRUE(db->Stats(&stats).ok());
  EXPECT_TRUE(db->Check().ok());
}

TEST(ConcurrencyTest, ManyReadersSeeAtomicSnapshots) {
  // Each commit sets every key to the same version; a reader must never see
  // two versions at once, and versions it sees never go backwards.
  auto db = OpenDb(TempDir("atomic") + "/db");
  Fill(db.get(), 300, 0);
  std::atomic<bool> done{false};
  std::atomic<int> snapshots{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      int last_version = 0;
      while (!done) {
        std::unique_ptr<Tx> tx;
        ASSERT_TRUE(db->Begin(false, &tx).ok());
        Cursor c = tx->Bucket("data")->NewCursor();
        int version = -1, n = 0;
        for (bool ok = c.First(); ok; ok = c.Next(), ++n) {
          int v = std::atoi(std::string(c.value().substr(1, c.value().find('-') - 1)).c_str());
          if (version < 0) version = v;
          ASSERT_EQ(v, version) << "torn snapshot";
          ASSERT_EQ(c.value(), Value(n, v));
        }
        ASSERT_EQ(n, 300);
        ASSERT_GE(version, last_version);
        last_version = version;
        ++snapshots;
      }
    });
  }
  while (snapshots < 3 && !::testing::Test::HasFailure()) std::this_thread::yield();
  // Write while the readers read: at least 30 versions, more until the
  // readers have taken 30 snapshots (bounded).
  for (int version = 1; version <= 30 || (snapshots < 30 && version <= 2000); ++version) {
    Fill(db.get(), 300, version);
  }
  done = true;
  for (auto& t : readers) t.join();
  ASSERT_TRUE(db->Check().ok());
}

TEST(ConcurrencyTest, FreedPagesNotReusedWhileReaderOpen) {
  auto db = OpenDb(TempDir("reuse") + "/db");
  Fill(db.get(), 500, 0, 3000);  // values big enough that pages hold few of them
  std::unique_ptr<Tx> reader;
  ASSERT_TRUE(db->Begin(false, &reader).ok());
  std::vector<std::pair<std::string, std::string_view>> held;
  Cursor c = reader->Bucket("data")->NewCursor();
  for (bool ok = c.First(); ok; ok = c.Next()) held.emplace_back(std::string(c.key()), c.value());
  // Delete everything, then write new data many times: without the pending
  // rule these writes would land on the reader's pages.
  {
    std::unique_ptr<Tx> tx;
    ASSERT_TRUE(db->Begin(true, &tx).ok());
    ASSERT_TRUE(tx->DeleteBucket("data").ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  for (int version = 1; version < 6; ++version) Fill(db.get(), 500, version, 3000);
  for (size_t i = 0; i < held.size(); ++i) ASSERT_EQ(held[i].second, Value(static_cast<int>(i), 0, 3000));
  reader.reset();
  ASSERT_TRUE(db->Check().ok());
}

TEST(ConcurrencyTest, LongLivedReaderDoesNotPinLaterFrees) {
  // A reader held open (a snapshot being sent, say) must not stop pages that
  // were allocated and freed after it began from being reused.
  auto db = OpenDb(TempDir("long_reader") + "/db");
  Fill(db.get(), 200, 0, 500);
  std::unique_ptr<Tx> reader;
  ASSERT_TRUE(db->Begin(false, &reader).ok());
  std::string_view held = reader->Bucket("data")->Get("key000100").value();
  Fill(db.get(), 200, 1, 500);  // frees the reader's pages: those stay pending
  DbStats after_first;
  ASSERT_TRUE(db->Stats(&after_first).ok());
  for (int version = 2; version < 40; ++version) Fill(db.get(), 200, version, 500);
  DbStats stats;
  ASSERT_TRUE(db->Stats(&stats).ok());
  // Without range release every rewrite would append ~30 pages.
  EXPECT_LT(stats.high_water_bytes, after_first.high_water_bytes + 3 * 40 * 4096);
  EXPECT_EQ(held, Value(100, 0, 500));
  reader.reset();
  ASSERT_TRUE(db->Check().ok());
  std::unique_ptr<Tx> fresh;
  ASSERT_TRUE(db->Begin(false, &fresh).ok());
  EXPECT_EQ(fresh->Bucket("data")->Get("key000100").value(), Value(100, 39, 500));
}

TEST(ConcurrencyTest, RandomReadersKeepTheirSnapshotsUnderPageReuse) {
  // Readers begin and end at random points among random write transactions;
  // each must read exactly what it read when it began (no reused page under it).
  Options options;
  options.initial_mmap_bytes = 32 * 1024;  // remaps happen too
  auto db = OpenDb(TempDir("random_readers") + "/db", options);
  testing::RandomWorkload work(5);
  std::mt19937_64 rng(6);
  struct Reader {
    std::unique_ptr<Tx> tx;
    std::string dump;
  };
  std::vector<Reader> readers;
  for (int step = 0; step < 150; ++step) {
    uint64_t dice = rng() % 10;
    if (dice < 3) {
      Reader r;
      ASSERT_TRUE(db->Begin(false, &r.tx).ok());
      r.dump = Dump(r.tx.get());
      readers.push_back(std::move(r));
    } else if (dice < 5 && !readers.empty()) {
      size_t i = rng() % readers.size();
      ASSERT_EQ(Dump(readers[i].tx.get()), readers[i].dump) << "step " << step;
      readers.erase(readers.begin() + static_cast<ptrdiff_t>(i));
    } else {
      ASSERT_TRUE(work.RunTx(db.get(), 150).ok());
    }
  }
  for (Reader& r : readers) ASSERT_EQ(Dump(r.tx.get()), r.dump);
  readers.clear();
  ASSERT_TRUE(db->Check().ok());
}

TEST(ConcurrencyTest, RemapKeepsReaderViewsValid) {
  Options options;
  options.initial_mmap_bytes = 32 * 1024;
  auto db = OpenDb(TempDir("remap") + "/db", options);
  Fill(db.get(), 50, 0);
  std::unique_ptr<Tx> reader;
  ASSERT_TRUE(db->Begin(false, &reader).ok());
  std::string_view held = reader->Bucket("data")->Get("key000010").value();
  // Grow the file far past the first mapping (several remaps).
  for (int round = 0; round < 8; ++round) {
    std::unique_ptr<Tx> tx;
    ASSERT_TRUE(db->Begin(true, &tx).ok());
    Bucket* b = nullptr;
    ASSERT_TRUE(tx->CreateBucketIfNotExists("big", &b).ok());
    for (int i = 0; i < 100; ++i) {
      ASSERT_TRUE(b->Put("k" + std::to_string(round * 100 + i), std::string(5000, 'z')).ok());
    }
    ASSERT_TRUE(tx->Commit().ok());
  }
  DbStats stats;
  ASSERT_TRUE(db->Stats(&stats).ok());
  EXPECT_GT(stats.high_water_bytes, 4u << 20);
  EXPECT_EQ(held, Value(10, 0));
  std::unique_ptr<Tx> fresh;
  ASSERT_TRUE(db->Begin(false, &fresh).ok());
  EXPECT_EQ(fresh->Bucket("big")->Get("k799").value(), std::string(5000, 'z'));
  reader.reset();
  fresh.reset();
  ASSERT_TRUE(db->Check().ok());
}

TEST(ConcurrencyTest, OneWriterAtATime) {
  auto db = OpenDb(TempDir("writer") + "/db");
  std::unique_ptr<Tx> first;
  ASSERT_TRUE(db->Begin(true, &first).ok());
  std::atomic<bool> second_began{false};
  std::thread t([&] {
    std::unique_ptr<Tx> second;
    ASSERT_TRUE(db->Begin(true, &second).ok());
    second_began = true;
    ASSERT_NE(second->Bucket("a"), nullptr) << "second writer must see the first one's commit";
    ASSERT_TRUE(second->Rollback().ok());
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(second_began.load());
  ASSERT_TRUE(first->CreateBucket("a").ok());
  ASSERT_TRUE(first->Commit().ok());
  t.join();
  EXPECT_TRUE(second_began.load());
}

TEST(ConcurrencyTest, RollbackLeavesNoTrace) {
  std::string path = TempDir("rollback") + "/db";
  auto db = OpenDb(path);
  Fill(db.get(), 300, 0);
  std::string before = Dump(db.get());
  DbStats s1;
  ASSERT_TRUE(db->Stats(&s1).ok());
  {
    std::unique_ptr<Tx> tx;
    ASSERT_TRUE(db->Begin(true, &tx).ok());
    ASSERT_TRUE(tx->Bucket("data")->Put("new", "x").ok());
    ASSERT_TRUE(tx->DeleteBucket("data").ok());
    ASSERT_TRUE(tx->CreateBucket("other").ok());
    // Destroyed without commit: rolled back.
  }
  DbStats s2;
  ASSERT_TRUE(db->Stats(&s2).ok());
  EXPECT_EQ(Dump(db.get()), before);
  EXPECT_EQ(s1.txid, s2.txid);
  EXPECT_EQ(s1.high_water_bytes, s2.high_water_bytes);
  EXPECT_EQ(s1.free_pages + s1.pending_pages, s2.free_pages + s2.pending_pages);
  ASSERT_TRUE(db->Check().ok());
}

}  // namespace
}  // namespace cairn::bolt

// Defragment (etcd's defrag): contents kept, file shrinks after deletes + compaction, read views
// and read txns taken before keep reading the old file, writers racing the defrag lose nothing.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "storage/backend/bolt_backend.h"
#include "storage/backend/bolt_test_util.h"

namespace cairn::backend {
namespace {

std::string Key(int i) { return "/registry/k" + std::to_string(i); }
std::string Value(int i) { return std::string(400 + i % 100, static_cast<char>('a' + i % 26)); }

int64_t RangeCount(mvcc::TxnView* txn, const std::string& from, const std::string& to) {
  mvcc::RangeRequest rr;
  rr.key = from;
  rr.range_end = to;
  rr.count_only = true;
  mvcc::RangeResponse r;
  EXPECT_TRUE(txn->Range(rr, &r).ok());
  return r.count;
}

TEST(BoltDefragTest, ShrinksKeepsContentsAndOldReadersStillRead) {
  const std::string dir = testing::TempDir("defrag");
  const std::string path = dir + "/db";
  testing::OpenStore s;
  ASSERT_TRUE(s.Open(path).ok());
  constexpr int kKeys = 4000;
  for (int i = 0; i < kKeys; ++i) {
    mvcc::PutResponse r;
    ASSERT_TRUE(s.kv->Put({.key = Key(i), .value = Value(i)}, &r).ok());
  }
  // Delete 90% of the keys, then compact away their history.
  for (int i = 0; i < kKeys; ++i) {
    if (i % 10 == 0) continue;
    mvcc::DeleteRangeResponse r;
    ASSERT_TRUE(s.kv->DeleteRange({.key = Key(i), .range_end = ""}, &r).ok());
  }
  std::shared_future<void> done;
  ASSERT_TRUE(s.kv->Compact(s.kv->current_revision(), &done).ok());
  done.wait();
  ASSERT_TRUE(s.kv->Commit().ok());
  const mvcc::Revision rev = s.kv->current_revision();

  // Readers taken before the defrag: an MVCC read txn, and raw views into the old mmap.
  std::unique_ptr<mvcc::ReadTxn> old_txn = s.kv->Read();
  mvcc::RangeResponse old_range;
  ASSERT_TRUE(old_txn->Range({.key = Key(0), .range_end = ""}, &old_range).ok());
  ASSERT_EQ(old_range.kvs.size(), 1u);
  const std::string_view old_value = old_range.kvs[0].kv.value;  // points into the old file
  std::unique_ptr<ReadView> old_view = s.backend->Read();

  const uintmax_t file_before = std::filesystem::file_size(path);
  DefragResult d;
  Status st = DefragmentBoltBackend(s.backend.get(), &d);
  ASSERT_TRUE(st.ok()) << st.ToString();
  const uintmax_t file_after = std::filesystem::file_size(path);
  std::printf("defrag: size %lld -> %lld bytes, in use %lld -> %lld, file %ju -> %ju\n",
              static_cast<long long>(d.size_before_bytes), static_cast<long long>(d.size_after_bytes),
              static_cast<long long>(d.size_in_use_before_bytes),
              static_cast<long long>(d.size_in_use_after_bytes), file_before, file_after);
  EXPECT_LT(d.size_after_bytes * 3, d.size_before_bytes);
  EXPECT_LT(file_after * 3, file_before);
  EXPECT_LE(d.size_in_use_after_bytes, d.size_in_use_before_bytes);
  EXPECT_EQ(s.backend->size_bytes(), d.size_after_bytes);
  EXPECT_FALSE(std::filesystem::exists(BoltStoreOf(s.backend.get())->temp_path()));

  // Old readers still read the old (unlinked, still mapped) file correctly.
  EXPECT_EQ(old_value, Value(0));
  EXPECT_EQ(RangeCount(old_txn.get(), "/registry/", "/registry0"), kKeys / 10);
  std::vector<std::string_view> keys;
  old_view->UnsafeRange(kKeyBucket, std::string(1, '\0'), std::string(17, '\xff'), 0, &keys, nullptr);
  EXPECT_EQ(keys.size(), static_cast<size_t>(kKeys / 10));  // one live revision per remaining key
  const size_t old_keys = keys.size();
  old_txn.reset();
  old_view.reset();

  // New readers see the same data in the new file; writes continue.
  std::unique_ptr<mvcc::ReadTxn> new_txn = s.kv->Read();
  EXPECT_EQ(new_txn->revision(), rev);
  EXPECT_EQ(RangeCount(new_txn.get(), "/registry/", "/registry0"), kKeys / 10);
  keys.clear();
  s.backend->Read()->UnsafeRange(kKeyBucket, std::string(1, '\0'), std::string(17, '\xff'), 0, &keys,
                                 nullptr);
  EXPECT_EQ(keys.size(), old_keys);
  new_txn.reset();
  mvcc::PutResponse pr;
  ASSERT_TRUE(s.kv->Put({.key = "after", .value = "defrag"}, &pr).ok());
  s.Close();

  ASSERT_TRUE(s.Open(path).ok());
  EXPECT_EQ(s.kv->current_revision(), rev + 1);
  std::unique_ptr<mvcc::ReadTxn> txn = s.kv->Read();
  EXPECT_EQ(RangeCount(txn.get(), "/registry/", "/registry0"), kKeys / 10);
  mvcc::RangeResponse r;
  ASSERT_TRUE(txn->Range({.key = Key(10), .range_end = ""}, &r).ok());
  ASSERT_EQ(r.kvs.size(), 1u);
  EXPECT_EQ(r.kvs[0].kv.value, Value(10));
  txn.reset();
  s.Close();
  EXPECT_EQ(testing::Oracle("check " + path).out, "ok\n");
}

// A writer thread keeps putting while defrags run: every acknowledged put is there afterwards.
TEST(BoltDefragTest, ConcurrentWritesSurviveDefrag) {
  const std::string path = testing::TempDir("defrag_race") + "/db";
  testing::OpenStore s;
  BoltBackendOptions o;
  o.batch_limit = 5;
  ASSERT_TRUE(s.Open(path, o).ok());
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    for (int i = 0; !stop.load() || i < 200; ++i) {
      mvcc::PutResponse r;
      if (!s.kv->Put({.key = Key(i), .value = Value(i)}, &r).ok()) return;
      written.store(i + 1);
    }
  });
  for (int round = 0; round < 5; ++round) {
    DefragResult d;
    Status st = DefragmentBoltBackend(s.backend.get(), &d);
    ASSERT_TRUE(st.ok()) << st.ToString();
    std::unique_ptr<mvcc::ReadTxn> txn = s.kv->Read();
    EXPECT_GE(RangeCount(txn.get(), "/registry/", "/registry0"), 0);
  }
  stop.store(true);
  writer.join();
  const int n = written.load();
  s.Close();
  ASSERT_TRUE(s.Open(path).ok());
  EXPECT_EQ(s.kv->current_revision(), 1 + n);
  std::unique_ptr<mvcc::ReadTxn> txn = s.kv->Read();
  EXPECT_EQ(RangeCount(txn.get(), "/registry/", "/registry0"), n);
  txn.reset();
  s.Close();
  EXPECT_EQ(testing::Oracle("check " + path).out, "ok\n");
}

}  // namespace
}  // namespace cairn::backend

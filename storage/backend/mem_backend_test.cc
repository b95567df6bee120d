#include "storage/backend/mem_backend.h"

#include <gtest/gtest.h>

namespace cairn::backend {
namespace {

std::vector<std::string> Keys(const Reader& r, std::string_view bucket, std::string_view from,
                              std::string_view end, int64_t limit = 0) {
  std::vector<std::string_view> keys;
  r.UnsafeRange(bucket, from, end, limit, &keys, nullptr);
  return std::vector<std::string>(keys.begin(), keys.end());
}

TEST(MemBackendTest, WritesVisibleAfterUnlockOnly) {
  MemBackend b;
  BatchTx* tx = b.batch_tx();
  tx->Lock();
  tx->UnsafeCreateBucket("key");
  tx->UnsafePut("key", "a", "1");
  // The writer sees its own writes; a new reader does not until Unlock.
  std::string_view v;
  EXPECT_TRUE(tx->UnsafeGet("key", "a", &v));
  EXPECT_EQ(v, "1");
  EXPECT_FALSE(b.Read()->UnsafeGet("key", "a", &v));
  tx->Unlock();
  EXPECT_TRUE(b.Read()->UnsafeGet("key", "a", &v));
}

TEST(MemBackendTest, ReadViewIsASnapshotAndViewsStayValid) {
  MemBackend b;
  {
    BatchTxLock l(b.batch_tx());
    b.batch_tx()->UnsafeCreateBucket("key");
    b.batch_tx()->UnsafePut("key", "a", std::string(100, 'x'));
  }
  auto view = b.Read();
  std::string_view v;
  ASSERT_TRUE(view->UnsafeGet("key", "a", &v));
  {
    BatchTxLock l(b.batch_tx());
    b.batch_tx()->UnsafePut("key", "a", "changed");
    b.batch_tx()->UnsafePut("key", "b", "new");
  }
  EXPECT_EQ(v, std::string(100, 'x'));  // still the old bytes
  EXPECT_EQ(Keys(*view, "key", "", std::string_view("\xff", 1)), std::vector<std::string>{"a"});
  EXPECT_EQ(Keys(*b.Read(), "key", "", std::string_view("\xff", 1)), (std::vector<std::string>{"a", "b"}));
}

TEST(MemBackendTest, RangeMergesOverlayWithLimitAndDeletes) {
  MemBackend b;
  BatchTx* tx = b.batch_tx();
  {
    BatchTxLock l(tx);
    tx->UnsafeCreateBucket("k");
    for (std::string k : {"a", "c", "e", "g"}) tx->UnsafePut("k", k, k);
  }
  BatchTxLock l(tx);
  tx->UnsafePut("k", "b", "b");
  tx->UnsafeDelete("k", "c");
  tx->UnsafePut("k", "e", "E");
  EXPECT_EQ(Keys(*tx, "k", "a", "z"), (std::vector<std::string>{"a", "b", "e", "g"}));
  EXPECT_EQ(Keys(*tx, "k", "b", "g"), (std::vector<std::string>{"b", "e"}));
  EXPECT_EQ(Keys(*tx, "k", "a", "z", 2), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(Keys(*tx, "k", "c", ""), std::vector<std::string>{});
  std::vector<std::string> all;
  tx->UnsafeForEach("k", [&](std::string_view k, std::string_view) {
    all.emplace_back(k);
    return true;
  });
  EXPECT_EQ(all, (std::vector<std::string>{"a", "b", "e", "g"}));
}

TEST(MemBackendTest, CrashDropsUncommittedRounds) {
  MemBackend b(MemBackendOptions{.batch_limit = 3});
  BatchTx* tx = b.batch_tx();
  for (int i = 0; i < 4; ++i) {
    BatchTxLock l(tx);
    if (i == 0) tx->UnsafeCreateBucket("k");
    tx->UnsafePut("k", std::to_string(i), "v");
  }
  EXPECT_EQ(b.commit_count(), 1);  // after the third writing round
  b.SimulateCrash();
  EXPECT_EQ(Keys(*b.Read(), "k", "", "z"), (std::vector<std::string>{"0", "1", "2"}));
  {
    BatchTxLock l(tx);
    tx->UnsafePut("k", "9", "v");
  }
  ASSERT_TRUE(b.ForceCommit().ok());
  b.SimulateCrash();
  EXPECT_EQ(Keys(*b.Read(), "k", "", "z").size(), 4u);
  EXPECT_EQ(b.Read()->BucketNames(), std::vector<std::string>{"k"});
}

}  // namespace
}  // namespace cairn::backend

namespace cairn::backend {
namespace {

TEST(MemBackendTest, PreCommitHookRunsInsideEveryCommit) {
  MemBackend b(MemBackendOptions{.batch_limit = 2});
  int calls = 0;
  {
    BatchTxLock l(b.batch_tx());
    b.batch_tx()->UnsafeCreateBucket("meta");
  }
  b.set_pre_commit_hook([&](BatchTx* tx) {
    ++calls;
    tx->UnsafePut("meta", "ci", std::to_string(calls));
  });
  {
    BatchTxLock l(b.batch_tx());
    b.batch_tx()->UnsafePut("meta", "x", "1");  // second writing round: commits
  }
  EXPECT_EQ(calls, 1);
  ASSERT_TRUE(b.ForceCommit().ok());
  EXPECT_EQ(calls, 2);
  b.SimulateCrash();
  std::string_view v;
  ASSERT_TRUE(b.Read()->UnsafeGet("meta", "ci", &v));
  EXPECT_EQ(v, "2");
}

}  // namespace
}  // namespace cairn::backend

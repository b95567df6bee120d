#include "storage/backend/buffered_backend.h"

#include <gtest/gtest.h>

namespace cairn::backend {
namespace {

std::vector<std::string> Keys(const Reader& r, std::string_view bucket, std::string_view from,
                              std::string_view end, int64_t limit = 0) {
  std::vector<std::string_view> keys;
  r.UnsafeRange(bucket, from, end, limit, &keys, nullptr);
  return std::vector<std::string>(keys.begin(), keys.end());
}

class BufferedBackendTest : public ::testing::Test {
 protected:
  BufferedBackendTest() {
    auto store = std::make_unique<MemCommittedStore>();
    store_ = store.get();
    BufferedBackendOptions o;
    o.batch_limit = 3;
    o.batch_interval = std::chrono::milliseconds(100);
    o.clock = [this] { return now_; };
    b_ = std::make_unique<BufferedBackend>(std::move(store), o);
    BatchTxLock l(b_->batch_tx());
    b_->batch_tx()->UnsafeCreateBucket("k");
  }
  void PutRound(std::vector<std::pair<std::string, std::string>> kvs, std::vector<std::string> dels = {}) {
    BatchTxLock l(b_->batch_tx());
    for (auto& [k, v] : kvs) b_->batch_tx()->UnsafePut("k", k, v);
    for (auto& k : dels) b_->batch_tx()->UnsafeDelete("k", k);
  }
  std::chrono::steady_clock::time_point now_{std::chrono::seconds(1)};
  MemCommittedStore* store_;
  std::unique_ptr<BufferedBackend> b_;
};

TEST_F(BufferedBackendTest, PublishedBeforeCommittedAndBatchLimit) {
  PutRound({{"a", "1"}});  // round 2 (bucket creation was round 1)
  EXPECT_EQ(Keys(*b_->Read(), "k", "", "z"), std::vector<std::string>{"a"});
  EXPECT_EQ(store_->apply_count(), 0);
  EXPECT_TRUE(Keys(*store_->Snapshot(), "k", "", "z").empty());
  PutRound({{"b", "1"}});  // third writing round: commit
  EXPECT_EQ(store_->apply_count(), 1);
  EXPECT_EQ(Keys(*store_->Snapshot(), "k", "", "z"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(Keys(*b_->Read(), "k", "", "z"), (std::vector<std::string>{"a", "b"}));
}

TEST_F(BufferedBackendTest, OverlayWinsAndDeletesHideCommittedKeys) {
  PutRound({{"a", "1"}, {"b", "1"}, {"c", "1"}, {"d", "1"}});
  ASSERT_TRUE(b_->ForceCommit().ok());
  PutRound({{"b", "2"}, {"bb", "new"}}, {"c"});
  auto v = b_->Read();
  EXPECT_EQ(Keys(*v, "k", "a", "z"), (std::vector<std::string>{"a", "b", "bb", "d"}));
  EXPECT_EQ(Keys(*v, "k", "a", "z", 3), (std::vector<std::string>{"a", "b", "bb"}));
  EXPECT_EQ(Keys(*v, "k", "b", "d", 2), (std::vector<std::string>{"b", "bb"}));
  std::string_view val;
  ASSERT_TRUE(v->UnsafeGet("k", "b", &val));
  EXPECT_EQ(val, "2");
  EXPECT_FALSE(v->UnsafeGet("k", "c", &val));
  std::vector<std::string> all;
  v->UnsafeForEach("k", [&](std::string_view k, std::string_view) {
    all.emplace_back(k);
    return true;
  });
  EXPECT_EQ(all, (std::vector<std::string>{"a", "b", "bb", "d"}));
  // The writer sees its own round, layered over everything.
  BatchTxLock l(b_->batch_tx());
  b_->batch_tx()->UnsafeDelete("k", "a");
  b_->batch_tx()->UnsafePut("k", "c", "back");
  EXPECT_EQ(Keys(*b_->batch_tx(), "k", "", "z"), (std::vector<std::string>{"b", "bb", "c", "d"}));
}

TEST_F(BufferedBackendTest, ViewsSurviveLaterRoundsAndCommits) {
  PutRound({{"a", std::string(100, 'x')}});
  auto view = b_->Read();
  std::string_view v;
  ASSERT_TRUE(view->UnsafeGet("k", "a", &v));
  PutRound({{"a", "changed"}});
  ASSERT_TRUE(b_->ForceCommit().ok());
  PutRound({}, {"a"});
  EXPECT_EQ(v, std::string(100, 'x'));
  ASSERT_TRUE(view->UnsafeGet("k", "a", &v));
  EXPECT_EQ(v, std::string(100, 'x')) << "a snapshot never changes";
  EXPECT_FALSE(b_->Read()->UnsafeGet("k", "a", &v));
}

TEST_F(BufferedBackendTest, IntervalCommitAndHook) {
  int hooks = 0;
  b_->set_pre_commit_hook([&](BatchTx* tx) {
    ++hooks;
    tx->UnsafePut("k", "ci", std::to_string(hooks));
  });
  PutRound({{"a", "1"}});
  ASSERT_TRUE(b_->CommitIfDue().ok());
  EXPECT_EQ(store_->apply_count(), 0) << "interval not reached";
  now_ += std::chrono::milliseconds(100);
  ASSERT_TRUE(b_->CommitIfDue().ok());
  EXPECT_EQ(store_->apply_count(), 1);
  EXPECT_EQ(hooks, 1);
  std::string_view v;
  ASSERT_TRUE(store_->Snapshot()->UnsafeGet("k", "ci", &v));
  EXPECT_EQ(v, "1");
  now_ += std::chrono::milliseconds(500);
  ASSERT_TRUE(b_->CommitIfDue().ok());
  EXPECT_EQ(store_->apply_count(), 1) << "nothing published: no commit";
  b_->set_pre_commit_hook(nullptr);  // `hooks` dies before b_ (whose destructor commits)
}

TEST_F(BufferedBackendTest, BucketNames) {
  {
    BatchTxLock l(b_->batch_tx());
    b_->batch_tx()->UnsafeCreateBucket("meta");
  }
  EXPECT_EQ(b_->Read()->BucketNames(), (std::vector<std::string>{"k", "meta"}));
  ASSERT_TRUE(b_->ForceCommit().ok());
  EXPECT_EQ(b_->Read()->BucketNames(), (std::vector<std::string>{"k", "meta"}));
}

}  // namespace
}  // namespace cairn::backend

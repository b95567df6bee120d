#include "server/etcdserver/single_node_log.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <mutex>
#include <thread>

namespace cairn::etcdserver {
namespace {

class RecordingApplier : public Applier {
 public:
  void Apply(const LogEntry& e) override {
    std::lock_guard<std::mutex> lock(mu);
    entries.push_back(e);
  }
  std::vector<LogEntry> Snapshot() {
    std::lock_guard<std::mutex> lock(mu);
    return entries;
  }
  std::mutex mu;
  std::vector<LogEntry> entries;
};

class SingleNodeLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/single_node_log_testXXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::unique_ptr<wal::Wal> OpenWal() {
    wal::Options o;
    o.segment_bytes = 1 << 20;
    o.log = [](std::string_view) {};
    std::unique_ptr<wal::Wal> w;
    EXPECT_TRUE(wal::Wal::Open(dir_, o, &w).ok());
    return w;
  }
  std::string dir_;
};

TEST_F(SingleNodeLogTest, AppliesProposalsInOrderWithConsecutiveIndexes) {
  auto w = OpenWal();
  RecordingApplier applier;
  SingleNodeLog log(w.get(), {.member_id = 7});
  ASSERT_TRUE(log.Start(&applier, 0).ok());
  EXPECT_EQ(log.leader().leader_id, 7u);
  EXPECT_EQ(log.leader().term, 2u);
  for (int i = 0; i < 100; i++) ASSERT_TRUE(log.Propose("p" + std::to_string(i)).ok());
  ASSERT_TRUE(log.WaitApplied(100, std::chrono::seconds(10)));
  EXPECT_EQ(log.committed_index(), 100u);
  std::vector<LogEntry> got = applier.Snapshot();
  ASSERT_EQ(got.size(), 100u);
  for (int i = 0; i < 100; i++) {
    EXPECT_EQ(got[i].index, static_cast<uint64_t>(i + 1));
    EXPECT_EQ(got[i].data, "p" + std::to_string(i));
  }
  log.Stop();
  EXPECT_FALSE(log.Propose("late").ok());
}

TEST_F(SingleNodeLogTest, ConcurrentProposalsAreGroupedIntoFewerAppends) {
  auto w = OpenWal();
  RecordingApplier applier;
  SingleNodeLog log(w.get(), {.member_id = 1});
  ASSERT_TRUE(log.Start(&applier, 0).ok());
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; t++) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; i++) ASSERT_TRUE(log.Propose("x").ok());
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_TRUE(log.WaitApplied(1600, std::chrono::seconds(20)));
  EXPECT_EQ(applier.Snapshot().size(), 1600u);
  // 1600 proposals from 8 threads while fdatasync runs: far fewer WAL appends than entries.
  EXPECT_LT(log.batches_appended(), 1600u);
}

TEST_F(SingleNodeLogTest, RestartReappliesEntriesAboveAppliedIndex) {
  {
    auto w = OpenWal();
    RecordingApplier applier;
    SingleNodeLog log(w.get(), {.member_id = 1});
    ASSERT_TRUE(log.Start(&applier, 0).ok());
    for (int i = 1; i <= 10; i++) ASSERT_TRUE(log.Propose("e" + std::to_string(i)).ok());
    ASSERT_TRUE(log.WaitApplied(10, std::chrono::seconds(10)));
  }
  auto w = OpenWal();
  RecordingApplier applier;
  SingleNodeLog log(w.get(), {.member_id = 1});
  ASSERT_TRUE(log.Start(&applier, 4).ok());
  std::vector<LogEntry> got = applier.Snapshot();
  ASSERT_EQ(got.size(), 6u);  // 5..10, applied during Start
  EXPECT_EQ(got.front().index, 5u);
  EXPECT_EQ(got.front().data, "e5");
  EXPECT_EQ(got.back().index, 10u);
  EXPECT_EQ(log.applied_index(), 10u);
  EXPECT_EQ(log.leader().term, 3u);  // a new term after restart
  ASSERT_TRUE(log.Propose("e11").ok());
  ASSERT_TRUE(log.WaitApplied(11, std::chrono::seconds(10)));
  EXPECT_EQ(applier.Snapshot().back().index, 11u);
}

TEST_F(SingleNodeLogTest, BackendAheadOfWalIsRefused) {
  {
    auto w = OpenWal();
    RecordingApplier applier;
    SingleNodeLog log(w.get(), {.member_id = 1});
    ASSERT_TRUE(log.Start(&applier, 0).ok());
    for (int i = 1; i <= 3; i++) ASSERT_TRUE(log.Propose("e" + std::to_string(i)).ok());
    ASSERT_TRUE(log.WaitApplied(3, std::chrono::seconds(10)));
  }
  auto w = OpenWal();
  RecordingApplier applier;
  SingleNodeLog log(w.get(), {.member_id = 1});
  Status st = log.Start(&applier, 5);  // the WAL ends at 3: not this backend's WAL
  EXPECT_FALSE(st.ok());
}

TEST_F(SingleNodeLogTest, EmptyWalStartsAfterARestoredBackend) {
  {
    auto w = OpenWal();
    RecordingApplier applier;
    SingleNodeLog log(w.get(), {.member_id = 1});
    ASSERT_TRUE(log.Start(&applier, 5).ok());  // e.g. a db from `snapshot restore`, no WAL
    EXPECT_TRUE(applier.Snapshot().empty());
    EXPECT_EQ(log.applied_index(), 5u);
    ASSERT_TRUE(log.Propose("e6").ok());
    ASSERT_TRUE(log.WaitApplied(6, std::chrono::seconds(10)));
    EXPECT_EQ(applier.Snapshot().back().index, 6u);
  }
  auto w = OpenWal();
  RecordingApplier applier;
  SingleNodeLog log(w.get(), {.member_id = 1});
  ASSERT_TRUE(log.Start(&applier, 5).ok());
  ASSERT_EQ(applier.Snapshot().size(), 1u);
  EXPECT_EQ(applier.Snapshot()[0].index, 6u);
  EXPECT_EQ(applier.Snapshot()[0].data, "e6");
}

}  // namespace
}  // namespace cairn::etcdserver

#include "server/etcdserver/raft_log.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "server/etcdserver/errors.h"

namespace cairn::etcdserver {
namespace {

using namespace std::chrono_literals;

// A member alone: messages to others go nowhere.
class NoPeers : public raft::node::Transport {
 public:
  void Send(std::vector<raft::Message>) override {}
};

// Records what the log hands out; skips entries at or below its "consistent index" as the
// server does; MakeDurable makes everything applied durable.
class FakeApplier : public Applier {
 public:
  explicit FakeApplier(uint64_t consistent) : consistent_(consistent) {}
  void Apply(const LogEntry& e) override {
    std::lock_guard<std::mutex> lock(mu);
    if (e.index <= consistent_) return;
    consistent_ = e.index;
    if (!e.data.empty()) data.push_back(e.data);
  }
  raft::ConfChange ApplyConfChange(const LogEntry& e, const raft::ConfChange& cc) override {
    std::lock_guard<std::mutex> lock(mu);
    consistent_ = std::max(consistent_, e.index);
    conf_changes.push_back(cc);
    return cc;
  }
  uint64_t MakeDurable() override {
    std::lock_guard<std::mutex> lock(mu);
    ++durable_calls;
    return consistent_;
  }
  std::vector<std::string> Data() {
    std::lock_guard<std::mutex> lock(mu);
    return data;
  }
  // Propose returns once the entry is in the leader's log, not applied: wait for the apply.
  bool WaitData(size_t n) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (Data().size() < n) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(1ms);
    }
    return true;
  }
  std::mutex mu;
  uint64_t consistent_;
  std::vector<std::string> data;
  std::vector<raft::ConfChange> conf_changes;
  int durable_calls = 0;
};

class RaftLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/raft_log_testXXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override {
    log_.reset();
    std::filesystem::remove_all(dir_);
  }
  // Starts member 1 alone from a db at `snapshot_index` (the bootstrap snapshot: term 1).
  void Start(FakeApplier* applier, uint64_t snapshot_index, uint64_t snapshot_count = 0) {
    RaftLogOptions o;
    o.member_id = 1;
    o.wal_dir = dir_ + "/wal";
    o.wal_options.segment_bytes = 64 << 10;
    o.wal_options.log = [](std::string_view) {};
    o.snapshot.metadata.index = snapshot_index;
    o.snapshot.metadata.term = 1;
    o.snapshot.metadata.conf_state.voters = {1};
    o.tick_interval = 10ms;
    o.snapshot_count = snapshot_count;
    o.transport = &transport_;
    log_ = std::make_unique<RaftLog>(o);
    ASSERT_TRUE(log_->Start(applier, snapshot_index).ok());
  }
  size_t WalSegments() {
    size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir_ + "/wal")) {
      n += e.path().extension() == ".wal";
    }
    return n;
  }

  std::string dir_;
  NoPeers transport_;
  std::unique_ptr<RaftLog> log_;
};

TEST_F(RaftLogTest, LoneMemberLeadsAndAppliesInOrder) {
  FakeApplier applier(1);
  Start(&applier, 1);
  EXPECT_EQ(log_->leader().leader_id, 1u);  // campaigned at once
  for (int i = 0; i < 50; i++) ASSERT_TRUE(log_->Propose("e" + std::to_string(i)).ok());
  ASSERT_TRUE(applier.WaitData(50));
  ASSERT_TRUE(log_->ReadBarrier(5s).ok());
  std::vector<std::string> got = applier.Data();
  ASSERT_EQ(got.size(), 50u);
  for (int i = 0; i < 50; i++) EXPECT_EQ(got[i], "e" + std::to_string(i));
  LogStatus st = log_->status();
  EXPECT_EQ(st.leader_id, 1u);
  EXPECT_EQ(st.applied_index, st.committed_index);
  EXPECT_GE(st.committed_index, 52u);  // snapshot 1 + the leader's empty entry + 50
}

TEST_F(RaftLogTest, RestartReplaysOnlyAboveTheApplierIndex) {
  uint64_t durable = 0;
  {
    FakeApplier applier(1);
    Start(&applier, 1);
    for (int i = 0; i < 20; i++) ASSERT_TRUE(log_->Propose("a" + std::to_string(i)).ok());
    ASSERT_TRUE(applier.WaitData(20));
    durable = applier.consistent_ - 5;  // the db kept all but the last 5 entries
    log_->Stop();
  }
  // As the server does: the db is the snapshot, at its consistent index.
  FakeApplier again(durable);
  Start(&again, durable);
  std::vector<std::string> got = again.Data();
  ASSERT_EQ(got.size(), 5u);
  EXPECT_EQ(got.front(), "a15");
  EXPECT_EQ(log_->replayed_entries(), 5u);
}

TEST_F(RaftLogTest, SnapshotCountCompactsTheWal) {
  FakeApplier applier(1);
  Start(&applier, 1, /*snapshot_count=*/100);
  const std::string value(2000, 'x');
  for (int i = 0; i < 400; i++) ASSERT_TRUE(log_->Propose(value).ok());  // ~800 KB: ~12 segments
  ASSERT_TRUE(applier.WaitData(400));
  EXPECT_GE(applier.durable_calls, 3);
  EXPECT_LT(WalSegments(), 6u) << "segments below the snapshot must be released";
  const uint64_t consistent = applier.consistent_;
  log_->Stop();
  // The db (here: the applier) is the snapshot; the compacted WAL still restarts above it.
  FakeApplier again(consistent);
  Start(&again, consistent);
  ASSERT_TRUE(log_->Propose("after").ok());
  ASSERT_TRUE(again.WaitData(1));
  EXPECT_EQ(again.Data(), std::vector<std::string>{"after"});
}

TEST_F(RaftLogTest, ConfChangesReachTheApplierAndRaft) {
  FakeApplier applier(1);
  Start(&applier, 1);
  ASSERT_TRUE(log_->ProposeConfChange(raft::ConfChange{raft::ConfChangeType::kAddLearner, 2, "ctx"}).ok());
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  bool seen = false;
  while (!seen && std::chrono::steady_clock::now() < deadline) {
    for (const auto& [id, match] : log_->status().match_index) seen |= id == 2;
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_TRUE(seen) << "the leader tracks the new learner";
  std::lock_guard<std::mutex> lock(applier.mu);
  ASSERT_EQ(applier.conf_changes.size(), 1u);
  EXPECT_EQ(applier.conf_changes[0].node_id, 2u);
  EXPECT_EQ(applier.conf_changes[0].context, "ctx");
}

TEST_F(RaftLogTest, ReadBarrierAsyncShortcutAndReadIndexErrors) {
  FakeApplier applier(1);
  Start(&applier, 1);
  // A lone leading voter: answered inline, never blocking.
  EXPECT_FALSE(log_->ReadBarrierAsyncMayBlock());
  int calls = 0;
  Status got = Status::Unavailable("not called");
  log_->ReadBarrierAsync(1s, [&](const Status& s) {
    ++calls;
    got = s;
  });
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(got.ok()) << got.ToString();

  // A second voter that never answers: the ReadIndex round cannot complete.
  ASSERT_TRUE(log_->ProposeConfChange(raft::ConfChange{raft::ConfChangeType::kAddNode, 2, ""}).ok());
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (log_->LocalReadIsLinearizable() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);
  }
  ASSERT_FALSE(log_->LocalReadIsLinearizable());
  std::mutex mu;
  std::condition_variable cv;
  std::vector<Status> results;
  auto done = [&](const Status& s) {
    std::lock_guard<std::mutex> lock(mu);
    results.push_back(s);
    cv.notify_all();
  };
  log_->ReadBarrierAsync(30ms, done);
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, 5s, [&] { return !results.empty(); }));
    // Timed out (ticks every 10 ms), unless check-quorum already deposed the leader.
    const std::string& m = results[0].message();
    EXPECT_TRUE(m == kErrTimeout || m == kErrNoLeader) << results[0].ToString();
  }
  log_->Stop();
  log_->ReadBarrierAsync(1s, done);  // the stopped node refuses at once
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_TRUE(results[1].message() == kErrStopped || results[1].message() == kErrNoLeader)
      << results[1].ToString();
}

}  // namespace
}  // namespace cairn::etcdserver

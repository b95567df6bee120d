// Node driver tests: 3 drivers in one process over LocalNetwork, each with a
// real WAL in a temp dir, ticking every 5 ms (election after 50-100 ms).
#include "raft/node/node.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include "raft/node/local_transport.h"
#include "raft/node/test_cluster.h"

namespace cairn::raft::node {
namespace {

using namespace std::chrono_literals;

class NodeTest : public ::testing::Test {
 protected:
  NodeTest()
      : cluster_(3,
                 TestCluster::Hooks{[this](NodeId id) { return net_.TransportFor(id); },
                                    [this](NodeId id, Node* n) { net_.Attach(id, n); }},
                 5ms) {}

  void StartAll() {
    for (NodeId id : cluster_.ids()) ASSERT_TRUE(cluster_.Start(id).ok());
  }
  // Proposes `n` values "<prefix>-i" through `via` and waits until `nodes` recorded `total`.
  void ProposeN(NodeId via, const std::string& prefix, int n) {
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(cluster_.ProposeWithRetry(via, prefix + "-" + std::to_string(i), 5s).ok());
    }
  }

  LocalNetwork net_;
  TestCluster cluster_;
};

TEST_F(NodeTest, ProposeFailsFastWithoutLeader) {
  LocalNetwork net;
  TestCluster cluster(
      3, {[&](NodeId id) { return net.TransportFor(id); }, [&](NodeId id, Node* n) { net.Attach(id, n); }},
      0ms);  // no ticker: nobody ever campaigns
  ASSERT_TRUE(cluster.Start(1).ok());
  Status s = cluster.node(1)->Propose("x");
  EXPECT_EQ(s.code(), Status::Code::kUnavailable);
  EXPECT_EQ(s.message(), "raft: no leader");
  Index idx = 0;
  EXPECT_EQ(cluster.node(1)->ReadIndex(100ms, &idx).message(), "raft: no leader");
  EXPECT_EQ(cluster.node(1)->metrics().proposals_rejected_no_leader.load(), 1u);
}

TEST_F(NodeTest, ElectProposeApply) {
  StartAll();
  const NodeId leader = cluster_.WaitForLeader(5s);
  ASSERT_NE(leader, kNoNode);
  ProposeN(leader, "a", 100);
  // Through a follower: forwarded to the leader by the core.
  const NodeId follower = leader == 1 ? 2 : 1;
  ProposeN(follower, "b", 50);
  for (NodeId id : cluster_.ids()) ASSERT_TRUE(cluster_.WaitRecorded(id, 150, 10s)) << id;
  const auto want = cluster_.Recorded(1);
  for (NodeId id : cluster_.ids()) EXPECT_EQ(cluster_.Recorded(id), want) << id;
  const NodeMetrics& m = cluster_.node(leader)->metrics();
  EXPECT_GE(m.wal_appends.load(), 1u);
  EXPECT_GE(m.proposal_batches.load(), 1u);
  EXPECT_EQ(m.proposals_dropped.load(), 0u);
}

TEST_F(NodeTest, ConcurrentProposalsAreBatched) {
  StartAll();
  const NodeId leader = cluster_.WaitForLeader(5s);
  ASSERT_NE(leader, kNoNode);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] { ProposeN(leader, "t" + std::to_string(t), 50); });
  }
  for (auto& th : threads) th.join();
  for (NodeId id : cluster_.ids()) ASSERT_TRUE(cluster_.WaitRecorded(id, 400, 10s)) << id;
  const NodeMetrics& m = cluster_.node(leader)->metrics();
  EXPECT_EQ(m.proposals_total.load(), 400u);
  // 8 concurrent proposers: some batches carry more than one proposal.
  EXPECT_LT(m.proposal_batches.load(), 400u);
  const auto want = cluster_.Recorded(leader);
  for (NodeId id : cluster_.ids()) EXPECT_EQ(cluster_.Recorded(id), want);
}

TEST_F(NodeTest, LeaderCrashAndReelection) {
  StartAll();
  const NodeId old_leader = cluster_.WaitForLeader(5s);
  ASSERT_NE(old_leader, kNoNode);
  ProposeN(old_leader, "before", 30);
  for (NodeId id : cluster_.ids()) ASSERT_TRUE(cluster_.WaitRecorded(id, 30, 10s));
  const auto t0 = std::chrono::steady_clock::now();
  cluster_.Stop(old_leader);
  const NodeId new_leader = cluster_.WaitForLeader(5s);
  const auto elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  ASSERT_NE(new_leader, kNoNode);
  ASSERT_NE(new_leader, old_leader);
  std::printf("re-election after leader stop: %lld ms (election timeout 50-100 ms)\n",
              static_cast<long long>(elapsed.count()));
  ProposeN(new_leader, "after", 30);
  for (NodeId id : cluster_.ids()) {
    if (id == old_leader) continue;
    ASSERT_TRUE(cluster_.WaitRecorded(id, 60, 10s));
    auto got = cluster_.Recorded(id);
    EXPECT_EQ(got[0], "before-0");
    EXPECT_EQ(got[29], "before-29");
    EXPECT_EQ(got[30], "after-0");
  }
}

TEST_F(NodeTest, RestartFromWalAndCatchUp) {
  StartAll();
  const NodeId leader = cluster_.WaitForLeader(5s);
  ASSERT_NE(leader, kNoNode);
  ProposeN(leader, "x", 40);
  const NodeId victim = leader == 3 ? 2 : 3;
  ASSERT_TRUE(cluster_.WaitRecorded(victim, 40, 10s));
  cluster_.Stop(victim);
  ProposeN(leader, "y", 40);
  ASSERT_TRUE(cluster_.Start(victim).ok());
  // The restarted node re-applies its WAL (applied = 0) and catches up the rest.
  ASSERT_TRUE(cluster_.WaitRecorded(victim, 80, 10s));
  EXPECT_EQ(cluster_.Recorded(victim), cluster_.Recorded(leader));
}

TEST_F(NodeTest, WholeClusterRestartKeepsLog) {
  StartAll();
  const NodeId leader = cluster_.WaitForLeader(5s);
  ASSERT_NE(leader, kNoNode);
  ProposeN(leader, "z", 25);
  for (NodeId id : cluster_.ids()) ASSERT_TRUE(cluster_.WaitRecorded(id, 25, 10s));
  for (NodeId id : cluster_.ids()) cluster_.Stop(id);
  StartAll();
  ASSERT_NE(cluster_.WaitForLeader(5s), kNoNode);
  for (NodeId id : cluster_.ids()) {
    ASSERT_TRUE(cluster_.WaitRecorded(id, 25, 10s));
    EXPECT_EQ(cluster_.Recorded(id).size(), 25u);
    EXPECT_EQ(cluster_.Recorded(id)[24], "z-24");
  }
}

TEST_F(NodeTest, ReadIndexCoversPriorWrites) {
  StartAll();
  const NodeId leader = cluster_.WaitForLeader(5s);
  ASSERT_NE(leader, kNoNode);
  ProposeN(leader, "w", 20);
  ASSERT_TRUE(cluster_.WaitRecorded(leader, 20, 10s));
  // The leader has applied the writes; its applied index is at least their index.
  const Index written = cluster_.node(leader)->applied();
  for (NodeId id : cluster_.ids()) {
    Index idx = 0;
    Status s = cluster_.node(id)->ReadIndex(5s, &idx);
    ASSERT_TRUE(s.ok()) << id << " " << s.ToString();
    EXPECT_GE(idx, written) << id;
    EXPECT_GE(cluster_.node(id)->applied(), idx);
    // After the read barrier, the node's state machine holds the writes.
    EXPECT_EQ(cluster_.Recorded(id).size(), 20u);
  }
}

TEST_F(NodeTest, ConcurrentReadsShareReadIndexRequests) {
  StartAll();
  const NodeId leader = cluster_.WaitForLeader(5s);
  ASSERT_NE(leader, kNoNode);
  ProposeN(leader, "r", 5);
  const NodeId follower = leader == 1 ? 2 : 1;
  const uint64_t before = cluster_.node(follower)->metrics().read_index_requests.load();
  constexpr int kReaders = 32;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < kReaders; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 5; ++j) {
        Index idx;
        if (cluster_.node(follower)->ReadIndex(5s, &idx).ok()) ok++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kReaders * 5);
  const uint64_t requests = cluster_.node(follower)->metrics().read_index_requests.load() - before;
  EXPECT_LT(requests, static_cast<uint64_t>(kReaders * 5));
  EXPECT_EQ(cluster_.node(follower)->metrics().reads_pending.load(), 0u);
}

// Collects ReadIndexAsync completions.
struct AsyncReads {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::pair<Status, Index>> results;
  std::vector<Index> applied_at_done;  // node->applied() seen inside each callback

  std::function<void(Status, Index)> Callback(Node* n) {
    return [this, n](Status s, Index idx) {
      std::lock_guard<std::mutex> lk(mu);
      results.emplace_back(std::move(s), idx);
      applied_at_done.push_back(n->applied());
      cv.notify_all();
    };
  }
  bool WaitFor(size_t count, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lk(mu);
    return cv.wait_for(lk, timeout, [&] { return results.size() >= count; });
  }
  size_t size() {
    std::lock_guard<std::mutex> lk(mu);
    return results.size();
  }
};

TEST_F(NodeTest, ReadIndexAsyncBatchesAndCoversPriorWrites) {
  StartAll();
  const NodeId leader = cluster_.WaitForLeader(5s);
  ASSERT_NE(leader, kNoNode);
  ProposeN(leader, "r", 5);
  ASSERT_TRUE(cluster_.WaitRecorded(leader, 5, 10s));
  const Index written = cluster_.node(leader)->applied();
  const NodeId follower = leader == 1 ? 2 : 1;
  Node* n = cluster_.node(follower);
  const uint64_t before = n->metrics().read_index_requests.load();
  constexpr size_t kReaders = 200;
  AsyncReads reads;
  for (size_t i = 0; i < kReaders; ++i) ASSERT_TRUE(n->ReadIndexAsync(5s, reads.Callback(n)).ok());
  ASSERT_TRUE(reads.WaitFor(kReaders, 10s));
  std::lock_guard<std::mutex> lk(reads.mu);
  for (size_t i = 0; i < kReaders; ++i) {
    ASSERT_TRUE(reads.results[i].first.ok()) << reads.results[i].first.ToString();
    EXPECT_GE(reads.results[i].second, written);
    EXPECT_GE(reads.applied_at_done[i], reads.results[i].second);  // applied covers it at completion
  }
  // Readers queued while a request is in flight join the next one.
  EXPECT_LT(n->metrics().read_index_requests.load() - before, kReaders);
  EXPECT_EQ(cluster_.Recorded(follower).size(), 5u);
  EXPECT_EQ(n->metrics().reads_pending.load(), 0u);
  EXPECT_EQ(n->metrics().reads_waiting_apply.load(), 0u);
}

TEST_F(NodeTest, ReadIndexAsyncFailsAtOnceWithoutLeader) {
  LocalNetwork net;
  TestCluster cluster(
      3, {[&](NodeId id) { return net.TransportFor(id); }, [&](NodeId id, Node* n) { net.Attach(id, n); }},
      0ms);  // no ticker: nobody ever campaigns
  ASSERT_TRUE(cluster.Start(1).ok());
  bool called = false;
  Status s = cluster.node(1)->ReadIndexAsync(100ms, [&](Status, Index) { called = true; });
  EXPECT_EQ(s.message(), "raft: no leader");
  cluster.Stop(1);
  EXPECT_FALSE(called);  // an error returned at once is never also delivered to done
}

TEST_F(NodeTest, ReadIndexAsyncTimesOutWithoutReadState) {
  StartAll();
  const NodeId leader = cluster_.WaitForLeader(5s);
  ASSERT_NE(leader, kNoNode);
  const NodeId follower = leader == 1 ? 2 : 1;
  Node* n = cluster_.node(follower);
  net_.Isolate(follower, true);  // its ReadIndex request never reaches the leader
  AsyncReads reads;
  ASSERT_TRUE(n->ReadIndexAsync(1ms, reads.Callback(n)).ok());
  // The caller's deadline is checked on the next ticks (5 ms), before any election timeout.
  ASSERT_TRUE(reads.WaitFor(1, 5s));
  std::lock_guard<std::mutex> lk(reads.mu);
  EXPECT_EQ(reads.results[0].first.message(), "raft: read index timed out");
  EXPECT_EQ(n->metrics().reads_pending.load(), 0u);
  EXPECT_GE(n->metrics().reads_timed_out.load(), 1u);
  net_.Isolate(follower, false);
}

// etcd's ReadIndex retry: a request lost on the way (the follower was cut off for a while) is sent
// again every read_retry_ticks, so the read completes once the network heals, long before it
// would time out; each retry is reported.
TEST(NodeReadRetry, LostReadIndexIsSentAgain) {
  LocalNetwork net;
  std::atomic<int> retries{0};
  TestCluster cluster(
      3,
      {[&](NodeId id) { return net.TransportFor(id); }, [&](NodeId id, Node* n) { net.Attach(id, n); },
       [&](NodeId, NodeOptions* o) {
         o->read_retry_ticks = 10;      // 50 ms
         o->read_timeout_ticks = 1000;  // 5 s
         o->on_read_index_retry = [&](uint64_t) { retries++; };
       }},
      5ms, /*election_ticks=*/200);
  for (NodeId id : cluster.ids()) ASSERT_TRUE(cluster.Start(id).ok());
  const NodeId leader = cluster.WaitForLeader(10s);
  ASSERT_NE(leader, kNoNode);
  const NodeId follower = leader == 1 ? 2 : 1;
  Node* n = cluster.node(follower);
  net.Isolate(follower, true);  // its first ReadIndex request is dropped
  AsyncReads reads;
  ASSERT_TRUE(n->ReadIndexAsync(5s, reads.Callback(n)).ok());
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (retries.load() < 2 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  EXPECT_GE(retries.load(), 2);
  net.Isolate(follower, false);
  ASSERT_TRUE(reads.WaitFor(1, 5s));
  std::lock_guard<std::mutex> lk(reads.mu);
  EXPECT_TRUE(reads.results[0].first.ok()) << reads.results[0].first.message();
}

TEST_F(NodeTest, ReadIndexAsyncFailsOnStopWhileInFlight) {
  StartAll();
  const NodeId leader = cluster_.WaitForLeader(5s);
  ASSERT_NE(leader, kNoNode);
  const NodeId follower = leader == 1 ? 2 : 1;
  Node* n = cluster_.node(follower);
  net_.Isolate(follower, true);
  AsyncReads reads;
  ASSERT_TRUE(n->ReadIndexAsync(10s, reads.Callback(n)).ok());
  n->Stop();
  ASSERT_EQ(reads.size(), 1u);  // Stop returns after every reader completed
  std::lock_guard<std::mutex> lk(reads.mu);
  EXPECT_EQ(reads.results[0].first.message(), "raft: node stopped");
  net_.Isolate(follower, false);
}

// A lone voter whose apply callback blocks on the entry "block" until Release(): a read index
// that is committed but not applied.
class GatedSingleNode {
 public:
  GatedSingleNode() {
    const char* tmp = getenv("TEST_TMPDIR");
    std::string tmpl = std::string(tmp ? tmp : "/tmp") + "/gatedXXXXXX";
    dir_ = mkdtemp(tmpl.data());
    NodeOptions o;
    o.raft.id = 1;
    o.log.dir = dir_ + "/wal";
    o.log.wal_options.log = [](std::string_view) {};
    o.log.initial_conf_state.voters = {1};
    o.transport = net_.TransportFor(1);
    o.tick_interval = 0ms;  // the test ticks
    o.apply = [this](ApplyBatch&& b) {
      for (const Entry& e : b.entries) {
        if (e.data != "block") continue;
        std::unique_lock<std::mutex> lk(mu_);
        blocked_ = true;
        cv_.notify_all();
        cv_.wait(lk, [&] { return released_; });
      }
    };
    EXPECT_TRUE(Node::Start(std::move(o), &node_).ok());
    EXPECT_TRUE(node_->Campaign().ok());
    for (int i = 0; i < 2000 && node_->leader() != 1; ++i) std::this_thread::sleep_for(1ms);
    EXPECT_EQ(node_->leader(), 1u);
  }
  ~GatedSingleNode() {
    Release();
    node_.reset();
    std::filesystem::remove_all(dir_);
  }
  // Proposes "block" and waits until the apply thread is stuck on it.
  void Block() {
    ASSERT_TRUE(node_->Propose("block").ok());
    std::unique_lock<std::mutex> lk(mu_);
    ASSERT_TRUE(cv_.wait_for(lk, 5s, [&] { return blocked_; }));
  }
  void Release() {
    std::lock_guard<std::mutex> lk(mu_);
    released_ = true;
    cv_.notify_all();
  }
  Node* node() { return node_.get(); }

 private:
  LocalNetwork net_;
  std::string dir_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool blocked_ = false;
  bool released_ = false;
  std::unique_ptr<Node> node_;
};

TEST(NodeReadAsync, CompletesFromTheApplyPathOnceApplied) {
  GatedSingleNode g;
  Node* n = g.node();
  AsyncReads early;  // nothing is pending: completes when the read state arrives
  ASSERT_TRUE(n->ReadIndexAsync(5s, early.Callback(n)).ok());
  ASSERT_TRUE(early.WaitFor(1, 5s));
  {
    std::lock_guard<std::mutex> lk(early.mu);
    ASSERT_TRUE(early.results[0].first.ok());
  }
  g.Block();
  AsyncReads reads;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(n->ReadIndexAsync(5s, reads.Callback(n)).ok());
  for (int i = 0; i < 2000 && n->metrics().reads_waiting_apply.load() < 3; ++i)
    std::this_thread::sleep_for(1ms);
  EXPECT_EQ(n->metrics().reads_waiting_apply.load(), 3u);
  EXPECT_EQ(reads.size(), 0u);  // the read index (the "block" entry) is not applied yet
  const Index before = n->applied();
  g.Release();
  ASSERT_TRUE(reads.WaitFor(3, 5s));
  std::lock_guard<std::mutex> lk(reads.mu);
  for (size_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(reads.results[i].first.ok()) << reads.results[i].first.ToString();
    EXPECT_GT(reads.results[i].second, before);
    EXPECT_GE(reads.applied_at_done[i], reads.results[i].second);
  }
  EXPECT_EQ(n->metrics().reads_waiting_apply.load(), 0u);
}

TEST(NodeReadAsync, TimesOutWaitingForApplyOnTick) {
  GatedSingleNode g;
  Node* n = g.node();
  g.Block();
  AsyncReads reads;
  ASSERT_TRUE(n->ReadIndexAsync(1ms, reads.Callback(n)).ok());
  for (int i = 0; i < 2000 && n->metrics().reads_waiting_apply.load() < 1; ++i)
    std::this_thread::sleep_for(1ms);
  ASSERT_EQ(n->metrics().reads_waiting_apply.load(), 1u);
  std::this_thread::sleep_for(5ms);
  EXPECT_EQ(reads.size(), 0u);  // deadlines are checked on ticks only
  n->Tick();
  ASSERT_TRUE(reads.WaitFor(1, 5s));
  std::lock_guard<std::mutex> lk(reads.mu);
  EXPECT_EQ(reads.results[0].first.message(), "raft: timed out waiting for apply");
  EXPECT_EQ(n->metrics().reads_waiting_apply.load(), 0u);
}

TEST(NodeReadAsync, StopFailsReadersWaitingForApply) {
  GatedSingleNode g;
  Node* n = g.node();
  g.Block();
  AsyncReads reads;
  ASSERT_TRUE(n->ReadIndexAsync(10s, reads.Callback(n)).ok());
  for (int i = 0; i < 2000 && n->metrics().reads_waiting_apply.load() < 1; ++i)
    std::this_thread::sleep_for(1ms);
  ASSERT_EQ(n->metrics().reads_waiting_apply.load(), 1u);
  std::thread stopper([n] { n->Stop(); });  // the raft thread fails the waiters as it exits
  const bool done = reads.WaitFor(1, 5s);
  g.Release();  // lets the apply thread finish so Stop can join it
  stopper.join();
  ASSERT_TRUE(done);
  std::lock_guard<std::mutex> lk(reads.mu);
  EXPECT_EQ(reads.results[0].first.message(), "raft: node stopped");
  EXPECT_EQ(n->ReadIndexAsync(1s, [](Status, Index) {}).code(), Status::Code::kUnavailable);
}

TEST_F(NodeTest, ConfChangeAddLearnerPassesThroughApply) {
  StartAll();
  const NodeId leader = cluster_.WaitForLeader(5s);
  ASSERT_NE(leader, kNoNode);
  ConfChange cc;
  cc.type = ConfChangeType::kAddLearner;
  cc.node_id = 7;
  // Refused until the leader's first entry of its term is applied (docs/raft.md).
  ProposeN(leader, "first", 1);
  ASSERT_TRUE(cluster_.WaitRecorded(leader, 1, 10s));
  ASSERT_TRUE(cluster_.node(leader)->WaitApplied(cluster_.node(leader)->applied(), 1s).ok());
  Status s;
  for (int i = 0; i < 100; ++i) {
    s = cluster_.node(leader)->ProposeConfChange(cc);
    if (s.ok()) break;
    std::this_thread::sleep_for(5ms);
  }
  ASSERT_TRUE(s.ok()) << s.ToString();
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  NodeStatus st;
  do {
    std::this_thread::sleep_for(5ms);
    ASSERT_TRUE(cluster_.node(leader)->GetStatus(&st).ok());
  } while (st.conf_state.learners.empty() && std::chrono::steady_clock::now() < deadline);
  EXPECT_EQ(st.conf_state.learners, std::vector<NodeId>{7});
  // Writes continue with a learner that never answers.
  ProposeN(leader, "l", 5);
  ASSERT_TRUE(cluster_.WaitRecorded(leader, 6, 10s));
}

TEST_F(NodeTest, LaggingFollowerCatchesUpBySnapshot) {
  StartAll();
  const NodeId leader = cluster_.WaitForLeader(5s);
  ASSERT_NE(leader, kNoNode);
  ProposeN(leader, "s", 20);
  const NodeId victim = leader == 3 ? 2 : 3;
  ASSERT_TRUE(cluster_.WaitRecorded(victim, 20, 10s));
  cluster_.Stop(victim);
  ProposeN(leader, "t", 50);
  ASSERT_TRUE(cluster_.WaitRecorded(leader, 70, 10s));
  Index snap_index = 0;
  ASSERT_TRUE(cluster_.Snapshot(leader, &snap_index).ok());
  EXPECT_GT(snap_index, 70u);
  // The entries the victim needs are compacted: it gets the snapshot.
  ASSERT_TRUE(cluster_.Start(victim).ok());
  ASSERT_TRUE(cluster_.WaitRecorded(victim, 70, 10s));
  EXPECT_EQ(cluster_.snapshots_installed(victim), 1);
  EXPECT_EQ(cluster_.Recorded(victim), cluster_.Recorded(leader));
  // It restarts from its persisted snapshot plus its WAL, and keeps up.
  cluster_.Stop(victim);
  ASSERT_TRUE(cluster_.Start(victim).ok());
  ProposeN(leader, "u", 10);
  ASSERT_TRUE(cluster_.WaitRecorded(victim, 80, 10s));
  ASSERT_TRUE(cluster_.WaitRecorded(leader, 80, 10s));
  EXPECT_EQ(cluster_.Recorded(victim), cluster_.Recorded(leader));
  EXPECT_EQ(cluster_.snapshots_installed(victim), 0);  // counted since the last start
}

TEST_F(NodeTest, CompactionFromTheApplyCallbackAndSnapshotCatchUp) {
  cluster_.set_compact_every(16);
  StartAll();
  const NodeId leader = cluster_.WaitForLeader(5s);
  ASSERT_NE(leader, kNoNode);
  const NodeId victim = leader == 3 ? 2 : 3;
  ProposeN(leader, "p", 10);
  ASSERT_TRUE(cluster_.WaitRecorded(victim, 10, 10s));
  cluster_.Stop(victim);
  ProposeN(leader, "q", 100);
  ASSERT_TRUE(cluster_.WaitRecorded(leader, 110, 10s));
  // The leader compacted far beyond the victim's log: it catches up by snapshot.
  ASSERT_TRUE(cluster_.Start(victim).ok());
  ASSERT_TRUE(cluster_.WaitRecorded(victim, 110, 10s));
  EXPECT_EQ(cluster_.snapshots_installed(victim), 1);
  EXPECT_EQ(cluster_.Recorded(victim), cluster_.Recorded(leader));
  // Every member restarts from its own snapshot plus WAL tail.
  for (NodeId id : cluster_.ids()) cluster_.Stop(id);
  StartAll();
  ASSERT_NE(cluster_.WaitForLeader(5s), kNoNode);
  for (NodeId id : cluster_.ids()) {
    ASSERT_TRUE(cluster_.WaitRecorded(id, 110, 10s));
    EXPECT_EQ(cluster_.Recorded(id), cluster_.Recorded(leader)) << id;
  }
}

TEST_F(NodeTest, TransferLeadership) {
  StartAll();
  const NodeId leader = cluster_.WaitForLeader(5s);
  ASSERT_NE(leader, kNoNode);
  ProposeN(leader, "x", 3);
  for (NodeId id : cluster_.ids()) ASSERT_TRUE(cluster_.WaitRecorded(id, 3, 10s));
  const NodeId target = leader == 1 ? 2 : 1;
  cluster_.node(leader)->TransferLeader(target);
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (cluster_.WaitForLeader(5s) != target && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(2ms);
  }
  EXPECT_EQ(cluster_.WaitForLeader(5s), target);
  ProposeN(target, "y", 3);
  for (NodeId id : cluster_.ids()) ASSERT_TRUE(cluster_.WaitRecorded(id, 6, 10s));
}

TEST_F(NodeTest, IsolatedLeaderStepsDownAndRejoinsWithoutDivergence) {
  StartAll();
  const NodeId old_leader = cluster_.WaitForLeader(5s);
  ASSERT_NE(old_leader, kNoNode);
  ProposeN(old_leader, "a", 10);
  for (NodeId id : cluster_.ids()) ASSERT_TRUE(cluster_.WaitRecorded(id, 10, 10s));
  net_.Isolate(old_leader, true);
  // check_quorum: the isolated leader steps down, and then refuses writes and reads.
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (cluster_.node(old_leader)->leader() == old_leader && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(2ms);
  }
  EXPECT_NE(cluster_.node(old_leader)->leader(), old_leader);
  EXPECT_EQ(cluster_.node(old_leader)->Propose("lost").message(), "raft: no leader");
  // The majority elects a new leader and keeps writing.
  NodeId new_leader = kNoNode;
  while (std::chrono::steady_clock::now() < deadline + 5s) {
    const NodeId other = old_leader == 1 ? 2 : 1;
    new_leader = cluster_.node(other)->leader();
    if (new_leader != kNoNode && new_leader != old_leader) break;
    std::this_thread::sleep_for(2ms);
  }
  ASSERT_NE(new_leader, kNoNode);
  ASSERT_NE(new_leader, old_leader);
  ProposeN(new_leader, "b", 10);
  ASSERT_TRUE(cluster_.WaitRecorded(new_leader, 20, 10s));
  // Heal: the old leader follows and converges.
  net_.Isolate(old_leader, false);
  ASSERT_TRUE(cluster_.WaitRecorded(old_leader, 20, 10s));
  for (NodeId id : cluster_.ids()) {
    ASSERT_TRUE(cluster_.WaitRecorded(id, 20, 10s));
    EXPECT_EQ(cluster_.Recorded(id), cluster_.Recorded(new_leader)) << id;
  }
}

// Options of node 1, the only voter, with its WAL in a fresh temp dir (*dir); ticks are off, so
// only Campaign() elects it.
NodeOptions LoneNodeOptions(LocalNetwork* net, const std::string& name, std::string* dir) {
  const char* tmp = getenv("TEST_TMPDIR");
  std::string tmpl = std::string(tmp ? tmp : "/tmp") + "/" + name + "XXXXXX";
  *dir = mkdtemp(tmpl.data());
  NodeOptions o;
  o.raft.id = 1;
  o.log.dir = *dir + "/wal";
  o.log.wal_options.log = [](std::string_view) {};
  o.log.initial_conf_state.voters = {1};
  o.transport = net->TransportFor(1);
  o.tick_interval = 0ms;
  return o;
}

// Campaigns and waits until the lone node leads.
void ElectLoneNode(Node* n) {
  ASSERT_TRUE(n->Campaign().ok());
  for (int i = 0; i < 1000 && n->leader() != 1; ++i) std::this_thread::sleep_for(1ms);
  ASSERT_EQ(n->leader(), 1u);
}

TEST(NodeSingle, LeaderChangeCallbackAndCampaign) {
  LocalNetwork net;
  std::string dir;
  NodeOptions o = LoneNodeOptions(&net, "nodesingle", &dir);
  std::mutex mu;
  std::vector<std::pair<NodeId, Term>> changes;
  o.apply = [](ApplyBatch&&) {};
  o.on_leader_change = [&](NodeId leader, Term term) {
    std::lock_guard<std::mutex> lk(mu);
    changes.emplace_back(leader, term);
  };
  std::unique_ptr<Node> n;
  ASSERT_TRUE(Node::Start(std::move(o), &n).ok());
  EXPECT_EQ(n->Propose("x").message(), "raft: no leader");
  ASSERT_NO_FATAL_FAILURE(ElectLoneNode(n.get()));
  EXPECT_TRUE(n->Propose("x").ok());
  n->Stop();
  std::lock_guard<std::mutex> lk(mu);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0], (std::pair<NodeId, Term>{1, 1}));
  std::filesystem::remove_all(dir);
}

// A lone voter with inline apply: each small batch runs on the raft thread while the apply thread
// is idle, in order; Compact from the apply callback then runs directly (no deadlock) and
// WaitApplied callers are woken. With inline apply off, batches go to the apply thread again.
TEST(NodeSingle, InlineApplyRunsOnTheRaftThreadInOrder) {
  LocalNetwork net;
  std::string dir;
  NodeOptions o = LoneNodeOptions(&net, "nodeinline", &dir);
  std::mutex mu;
  std::vector<std::string> seen;
  std::vector<std::thread::id> threads;  // the thread of each batch
  std::atomic<Node*> node{nullptr};
  Index compacted = 0;
  o.inline_apply_entries_max = 8;
  o.apply = [&](ApplyBatch&& b) {
    {
      std::lock_guard<std::mutex> lk(mu);
      threads.push_back(std::this_thread::get_id());
      for (const Entry& e : b.entries) {
        if (!e.data.empty()) seen.push_back(e.data);
      }
    }
    Node* n = node.load();
    if (n != nullptr && b.last_index() >= compacted + 3) {
      ConfState cs;
      cs.voters = {1};
      ASSERT_TRUE(n->Compact(b.last_index(), cs, "state").ok());
      compacted = b.last_index();
    }
  };
  std::unique_ptr<Node> n;
  ASSERT_TRUE(Node::Start(std::move(o), &n).ok());
  node.store(n.get());
  ASSERT_NO_FATAL_FAILURE(ElectLoneNode(n.get()));
  // The new leader's empty entry (index 1) first: from then on, each proposal is the next index.
  ASSERT_TRUE(n->WaitApplied(1, 5s).ok());
  std::vector<std::string> want;
  for (int i = 0; i < 20; ++i) {
    want.push_back("v" + std::to_string(i));
    const Index before = n->applied();
    ASSERT_TRUE(n->Propose(want.back()).ok());
    ASSERT_TRUE(n->WaitApplied(before + 1, 5s).ok());
  }
  EXPECT_GT(n->metrics().apply_inline.load(), 0u);
  EXPECT_GE(compacted, 3u);
  size_t inline_batches = 0;
  std::thread::id raft_thread;
  {
    std::lock_guard<std::mutex> lk(mu);
    EXPECT_EQ(seen, want);
    raft_thread = threads.back();
    for (const auto& t : threads) inline_batches += t == raft_thread;
  }
  EXPECT_EQ(inline_batches, n->metrics().apply_inline.load());
  n->set_inline_apply_entries_max(0);
  want.push_back("handed-off");
  ASSERT_TRUE(n->Propose(want.back()).ok());
  auto seen_count = [&] {
    std::lock_guard<std::mutex> lk(mu);
    return seen.size();
  };
  for (int i = 0; i < 5000 && seen_count() < want.size(); ++i) std::this_thread::sleep_for(1ms);
  {
    std::lock_guard<std::mutex> lk(mu);
    EXPECT_EQ(seen, want);
    EXPECT_NE(threads.back(), raft_thread);
  }
  n->Stop();
  std::filesystem::remove_all(dir);
}

// A lone voter that lets proposers drive: an asynchronous proposal that finds the core idle is
// persisted and (inline apply) applied on the proposer's thread before ProposeAsync returns;
// Compact from that apply callback runs directly. Proposals from several threads at once still
// apply exactly once each, in one order.
TEST(NodeSingle, ProposerDrivesTheReadyLoopWhenIdle) {
  LocalNetwork net;
  std::string dir;
  NodeOptions o = LoneNodeOptions(&net, "nodedrive", &dir);
  std::mutex mu;
  std::vector<std::string> seen;
  std::vector<std::thread::id> threads;
  std::atomic<Node*> node{nullptr};
  Index compacted = 0;
  o.inline_apply_entries_max = 8;
  o.drive_proposals = true;
  o.apply = [&](ApplyBatch&& b) {
    {
      std::lock_guard<std::mutex> lk(mu);
      for (const Entry& e : b.entries) {
        if (e.data.empty()) continue;
        seen.push_back(e.data);
        threads.push_back(std::this_thread::get_id());
      }
    }
    Node* n = node.load();
    if (n != nullptr && b.last_index() >= compacted + 3) {
      ConfState cs;
      cs.voters = {1};
      ASSERT_TRUE(n->Compact(b.last_index(), cs, "state").ok());
      compacted = b.last_index();
    }
  };
  std::unique_ptr<Node> n;
  ASSERT_TRUE(Node::Start(std::move(o), &n).ok());
  node.store(n.get());
  ASSERT_NO_FATAL_FAILURE(ElectLoneNode(n.get()));
  auto seen_count = [&] {
    std::lock_guard<std::mutex> lk(mu);
    return seen.size();
  };
  // Sequential: each proposal finds the core idle (the raft thread may still be finishing the
  // previous turn, then the proposal is handed to it as before).
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(n->ProposeAsync(
                     "s" + std::to_string(i), [](const Status&) {}, /*may_drive=*/true)
                    .ok());
    for (int w = 0; w < 5000 && seen_count() < static_cast<size_t>(i + 1); ++w)
      std::this_thread::sleep_for(100us);
  }
  ASSERT_EQ(seen_count(), 20u);
  EXPECT_GT(n->metrics().proposals_driven_inline.load(), 0u);
  EXPECT_GE(compacted, 3u);
  {
    std::lock_guard<std::mutex> lk(mu);
    size_t here = 0;
    for (const auto& t : threads) here += t == std::this_thread::get_id();
    EXPECT_GT(here, 0u);  // applied on this (the proposing) thread
  }
  // Concurrent proposers: exactly once each.
  std::vector<std::thread> proposers;
  for (int t = 0; t < 4; ++t) {
    proposers.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        EXPECT_TRUE(n->ProposeAsync(
                         "c" + std::to_string(t) + "-" + std::to_string(i), [](const Status&) {}, true)
                        .ok());
      }
    });
  }
  for (auto& th : proposers) th.join();
  for (int w = 0; w < 10000 && seen_count() < 120; ++w) std::this_thread::sleep_for(1ms);
  {
    std::lock_guard<std::mutex> lk(mu);
    ASSERT_EQ(seen.size(), 120u);
    std::set<std::string> unique(seen.begin(), seen.end());
    EXPECT_EQ(unique.size(), 120u);
  }
  n->Stop();
  EXPECT_EQ(n->ProposeAsync(
                 "late", [](const Status&) {}, true)
                .code(),
            Status::Code::kUnavailable);
  std::filesystem::remove_all(dir);
}

TEST_F(NodeTest, StepRejectsLocalMessagesAndWrongTarget) {
  ASSERT_TRUE(cluster_.Start(1).ok());
  Message m;
  m.type = MessageType::kHup;
  m.to = 1;
  EXPECT_EQ(cluster_.node(1)->Step(m).code(), Status::Code::kInvalidArgument);
  m.type = MessageType::kHeartbeat;
  m.to = 2;
  EXPECT_EQ(cluster_.node(1)->Step(m).code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace cairn::raft::node

// End to end: 3 node drivers over the real gRPC transport on loopback ports,
// WALs on disk. Hundreds of proposals applied identically everywhere; the
// leader is killed (driver and transport); a new leader is elected within
// the election timeout range (printed); no applied entry is lost; the killed
// member restarts from its WAL on the same port and catches up.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <thread>

#include "raft/node/test_cluster.h"
#include "raft/transport/grpc_transport.h"
#include "raft/transport/node_handler.h"

namespace cairn::raft::transport {
namespace {

using namespace std::chrono_literals;
using node::Node;
using node::TestCluster;

constexpr auto kTick = 10ms;
constexpr int kElectionTicks = 10;  // election timeout 100-200 ms

class GrpcCluster {
 public:
  GrpcCluster()
      : cluster_(
            3,
            TestCluster::Hooks{[this](NodeId id) -> node::Transport* { return transports_.at(id).get(); },
                               [this](NodeId id, Node* n) { handlers_[id].Attach(n); }},
            kTick, kElectionTicks) {
    std::string tmpl = std::string(getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp") + "/e2eXXXXXX";
    dir_ = mkdtemp(tmpl.data());
  }
  ~GrpcCluster() {
    for (NodeId id : cluster_.ids()) cluster_.Stop(id);
    transports_.clear();
    std::filesystem::remove_all(dir_);
  }

  // Starts the transport of `id` on `url` (port 0 picks one).
  Status StartTransport(NodeId id, const std::string& url) {
    TransportOptions o;
    o.id = id;
    o.listen_url = url;
    o.handler = &handlers_[id];
    o.snapshot_dir = dir_;
    o.backoff_initial = 10ms;
    o.backoff_max = 200ms;
    CAIRN_RETURN_IF_ERROR(GrpcTransport::Start(std::move(o), &transports_[id]));
    urls_[id] = "http://127.0.0.1:" + std::to_string(transports_[id]->port());
    return Status::Ok();
  }
  Status ConnectAll() {
    for (auto& [id, t] : transports_) {
      for (auto& [peer, url] : urls_) {
        if (peer != id) CAIRN_RETURN_IF_ERROR(t->AddPeer(peer, url));
      }
    }
    return Status::Ok();
  }
  void Kill(NodeId id) {
    cluster_.Stop(id);
    transports_.at(id).reset();
  }

  // Restarts a killed member: transport on its old address, then the driver from its WAL.
  Status Restart(NodeId id) {
    CAIRN_RETURN_IF_ERROR(StartTransport(id, urls_.at(id)));
    for (auto& [peer, url] : urls_) {
      if (peer != id) CAIRN_RETURN_IF_ERROR(transports_.at(id)->AddPeer(peer, url));
    }
    return cluster_.Start(id);
  }

  TestCluster& cluster() { return cluster_; }
  const std::string& url(NodeId id) { return urls_.at(id); }
  GrpcTransport& transport(NodeId id) { return *transports_.at(id); }

 private:
  std::string dir_;
  std::map<NodeId, NodeHandler> handlers_;
  std::map<NodeId, std::unique_ptr<GrpcTransport>> transports_;
  std::map<NodeId, std::string> urls_;
  TestCluster cluster_;
};

TEST(ClusterE2E, ReplicateKillLeaderReelectRestart) {
  GrpcCluster g;
  TestCluster& c = g.cluster();
  for (NodeId id : c.ids()) ASSERT_TRUE(g.StartTransport(id, "http://127.0.0.1:0").ok());
  ASSERT_TRUE(g.ConnectAll().ok());
  const auto boot = std::chrono::steady_clock::now();
  for (NodeId id : c.ids()) ASSERT_TRUE(c.Start(id).ok());
  const NodeId leader = c.WaitForLeader(10s);
  ASSERT_NE(leader, kNoNode);
  std::printf("initial election: %lld ms\n",
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::steady_clock::now() - boot)
                                         .count()));

  // 300 proposals from 4 concurrent clients, through the leader and a follower.
  const NodeId follower = leader == 1 ? 2 : 1;
  std::vector<std::thread> clients;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      const NodeId via = t % 2 == 0 ? leader : follower;
      for (int i = 0; i < 75; ++i) {
        if (!c.ProposeWithRetry(via, "c" + std::to_string(t) + "-" + std::to_string(i), 5s).ok()) failures++;
      }
    });
  }
  for (auto& th : clients) th.join();
  ASSERT_EQ(failures.load(), 0);
  for (NodeId id : c.ids()) ASSERT_TRUE(c.WaitRecorded(id, 300, 20s)) << id;
  const std::vector<std::string> before = c.Recorded(leader);
  for (NodeId id : c.ids()) ASSERT_EQ(c.Recorded(id), before) << id;

  // Kill the leader: driver and transport.
  const auto t0 = std::chrono::steady_clock::now();
  g.Kill(leader);
  const NodeId new_leader = c.WaitForLeader(10s);
  const auto election_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_NE(new_leader, kNoNode);
  ASSERT_NE(new_leader, leader);
  std::printf("leader %llu killed; node %llu elected after %lld ms (election timeout %lld-%lld ms)\n",
              static_cast<unsigned long long>(leader), static_cast<unsigned long long>(new_leader),
              static_cast<long long>(election_ms), static_cast<long long>(kElectionTicks * kTick.count()),
              static_cast<long long>(2 * kElectionTicks * kTick.count()));
  // Detection takes one randomized election timeout (< 2x) plus a pre-vote and a vote round;
  // a split vote adds another timeout. Generous bound for loaded CI machines.
  EXPECT_LT(election_ms, 10 * kElectionTicks * kTick.count());

  for (int i = 0; i < 100; ++i)
    ASSERT_TRUE(c.ProposeWithRetry(new_leader, "after-" + std::to_string(i), 5s).ok());
  for (NodeId id : c.ids()) {
    if (id == leader) continue;
    ASSERT_TRUE(c.WaitRecorded(id, 400, 20s)) << id;
    const auto got = c.Recorded(id);
    // Nothing applied before the kill is lost or reordered.
    EXPECT_TRUE(std::equal(before.begin(), before.end(), got.begin())) << id;
  }

  // The killed member restarts from its WAL on the same port and catches up.
  const auto t1 = std::chrono::steady_clock::now();
  ASSERT_TRUE(g.Restart(leader).ok());
  ASSERT_TRUE(c.WaitRecorded(leader, 400, 20s));
  std::printf("restarted member caught up (re-applied WAL + 100 new entries) in %lld ms\n",
              static_cast<long long>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t1)
                      .count()));
  EXPECT_EQ(c.Recorded(leader), c.Recorded(new_leader));
  // A linearizable read on the restarted member covers everything.
  Index idx = 0;
  ASSERT_TRUE(c.node(leader)->ReadIndex(5s, &idx).ok());
  EXPECT_EQ(c.Recorded(leader).size(), 400u);
}

TEST(ClusterE2E, LaggingMemberCatchesUpBySnapshotOverGrpc) {
  GrpcCluster g;
  TestCluster& c = g.cluster();
  for (NodeId id : c.ids()) ASSERT_TRUE(g.StartTransport(id, "http://127.0.0.1:0").ok());
  ASSERT_TRUE(g.ConnectAll().ok());
  for (NodeId id : c.ids()) ASSERT_TRUE(c.Start(id).ok());
  const NodeId leader = c.WaitForLeader(10s);
  ASSERT_NE(leader, kNoNode);
  const NodeId victim = leader == 3 ? 2 : 3;
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(c.ProposeWithRetry(leader, "a" + std::to_string(i), 5s).ok());
  ASSERT_TRUE(c.WaitRecorded(victim, 10, 10s));
  g.Kill(victim);
  // ~1 MiB of state while the victim is down, then compact the leader's log.
  const std::string big(4096, 'v');
  for (int i = 0; i < 250; ++i) ASSERT_TRUE(c.ProposeWithRetry(leader, big + std::to_string(i), 5s).ok());
  ASSERT_TRUE(c.WaitRecorded(leader, 260, 10s));
  Index snap_index = 0;
  ASSERT_TRUE(c.Snapshot(leader, &snap_index).ok());
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(g.Restart(victim).ok());
  ASSERT_TRUE(c.WaitRecorded(victim, 260, 20s));
  std::printf("member caught up by a %.1f MiB snapshot over gRPC in %lld ms\n",
              g.transport(victim).metrics().snapshot_bytes_received.load() / 1048576.0,
              static_cast<long long>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
                      .count()));
  EXPECT_EQ(c.snapshots_installed(victim), 1);
  EXPECT_EQ(g.transport(victim).metrics().snapshots_received.load(), 1u);
  EXPECT_EQ(g.transport(leader).metrics().snapshots_sent.load(), 1u);
  EXPECT_EQ(c.Recorded(victim), c.Recorded(leader));
  // Replication continues normally after the snapshot.
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(c.ProposeWithRetry(leader, "b" + std::to_string(i), 5s).ok());
  ASSERT_TRUE(c.WaitRecorded(victim, 270, 10s));
  ASSERT_TRUE(c.WaitRecorded(leader, 270, 10s));
  EXPECT_EQ(c.Recorded(victim), c.Recorded(leader));
}

}  // namespace
}  // namespace cairn::raft::transport

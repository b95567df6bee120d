// TestCluster: N node drivers in one process, each with a real WAL in a temp
// directory and a recording applier, over a transport the test chooses
// (LocalNetwork or the gRPC transport). For tests only.
//
// The applier records the data of every non-empty normal entry in apply
// order and applies conf changes through Node::ApplyConfChange. Its state
// (the recorded list) can be snapshotted (Snapshot(), kept in memory as the
// member's "persisted snapshot file") and replaced by a snapshot from the
// leader. A restarted node starts its applier from its persisted snapshot (or
// from scratch), re-applies its WAL, and must end with the same sequence as
// the others.
//
// Thread-safety: the test thread calls everything; Applied() may race with
// apply threads and returns a copy taken under a lock.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "raft/node/node.h"

namespace cairn::raft::node {

class TestCluster {
 public:
  struct Hooks {
    // The transport node `id` sends through.
    std::function<Transport*(NodeId id)> transport_for;
    // Called after a node starts (node != nullptr) and before it stops (nullptr).
    std::function<void(NodeId id, Node* node)> attach;
    // May adjust a node's options just before it starts (optional).
    std::function<void(NodeId id, NodeOptions* options)> customize;
  };
  // Nodes 1..n; tick every tick_interval, election after election_ticks.
  TestCluster(int n, Hooks hooks, std::chrono::milliseconds tick_interval, int election_ticks = 10);
  ~TestCluster();

  // From the next Start on, node appliers snapshot and compact (from inside
  // the apply callback) every `n` entries; 0 turns it off.
  void set_compact_every(Index n) { compact_every_ = n; }
  Status Start(NodeId id);
  void Stop(NodeId id);
  bool running(NodeId id) const { return members_.at(id).node != nullptr; }
  Node* node(NodeId id) { return members_.at(id).node.get(); }
  const std::vector<NodeId>& ids() const { return ids_; }

  // The leader all running nodes agree on, or kNoNode after `timeout`.
  NodeId WaitForLeader(std::chrono::milliseconds timeout);
  // Proposes through `via`, retrying while there is no leader (up to timeout).
  Status ProposeWithRetry(NodeId via, const std::string& data, std::chrono::milliseconds timeout);
  // Waits until node `id` has recorded at least `count` data entries.
  bool WaitRecorded(NodeId id, size_t count, std::chrono::milliseconds timeout);
  std::vector<std::string> Recorded(NodeId id);
  // Snapshots node `id`'s applier state at its applied index and compacts
  // its log and WAL there. Returns the snapshot index via *index.
  Status Snapshot(NodeId id, Index* index);
  // Snapshots installed from a leader by node `id` since its start.
  int snapshots_installed(NodeId id) { return members_.at(id).record->snapshots_installed.load(); }

  static std::string EncodeState(const std::vector<std::string>& data);
  static bool DecodeState(const std::string& bytes, std::vector<std::string>* data);

 private:
  struct Record {
    std::mutex mu;
    std::vector<std::string> data;
    Index applied = 0;
    std::atomic<Node*> node{nullptr};
    std::atomic<int> snapshots_installed{0};
  };
  struct Member {
    std::string wal_dir;
    raft::Snapshot persisted_snapshot;  // the application's durable snapshot
    std::shared_ptr<Record> record;
    std::unique_ptr<Node> node;
  };

  Hooks hooks_;
  const std::chrono::milliseconds tick_interval_;
  const int election_ticks_;
  Index compact_every_ = 0;
  std::string root_;
  std::vector<NodeId> ids_;
  std::map<NodeId, Member> members_;
};

}  // namespace cairn::raft::node

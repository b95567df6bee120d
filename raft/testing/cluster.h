// Cluster: an in-memory, single-threaded harness that drives several RawNodes
// through the Ready contract (persist to MemoryStorage, send into a message
// queue, apply, advance). Used by unit tests, the data-driven scenario tests
// and the benchmark. Deterministic: no clock, no threads, no randomness except
// the seeded election PRNG inside each node.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "raft/rawnode.h"
#include "raft/storage.h"

namespace cairn::raft::testing {

class Cluster {
 public:
  using ConfigTweak = std::function<void(Config*)>;

  // Creates nodes for every id in voters and learners (all start knowing the
  // same membership). `tweak` adjusts each node's Config.
  Cluster(std::vector<NodeId> voters, std::vector<NodeId> learners = {}, ConfigTweak tweak = nullptr);

  // Adds a node with empty storage that knows only the initial membership
  // (like etcd's bootstrap entries); it learns later changes from the leader's
  // log or a snapshot. Used when testing AddNode.
  void AddEmptyNode(NodeId id);
  // Crashes and restarts a node from its storage (everything persisted survives).
  void Restart(NodeId id);

  RawNode& node(NodeId id) { return *nodes_.at(id).raw; }
  const Raft& raft(NodeId id) { return nodes_.at(id).raw->raft(); }
  MemoryStorage& storage(NodeId id) { return *nodes_.at(id).storage; }
  // Data of normal entries applied by the node, in order (empty data skipped).
  const std::vector<std::string>& applied_data(NodeId id) { return nodes_.at(id).applied_data; }
  const std::vector<ReadState>& read_states(NodeId id) { return nodes_.at(id).read_states; }
  const ConfState& conf_state(NodeId id) { return nodes_.at(id).conf_state; }
  std::vector<NodeId> ids() const;

  // Handles every pending Ready of the node; queues its messages. Returns true
  // if there was a Ready.
  bool ProcessReady(NodeId id);
  // Delivers queued messages to their destinations (honouring drops) without
  // processing the destination's Ready. Returns number delivered.
  size_t DeliverAll();
  // Repeats ProcessReady on every node and DeliverAll until quiescent.
  void Stabilize();

  void Tick(NodeId id, int n = 1);
  void TickAll(int n = 1);
  // Campaign on id, then stabilize.
  void Elect(NodeId id);
  Status Propose(NodeId id, const std::string& data);
  Status ProposeConfChange(NodeId id, const ConfChange& cc);
  // Takes a snapshot of node id at its applied index and compacts its log up
  // to compact_index (<= applied).
  void SnapshotAndCompact(NodeId id, Index compact_index);
  // Leader of the highest term among live nodes, or kNoNode.
  NodeId Leader() const;

  // Network faults: messages between cut pairs are silently dropped.
  void Cut(NodeId a, NodeId b);
  void Isolate(NodeId id);
  void Heal();
  // Drop every message of this type (test-only fault).
  void DropType(MessageType t) { dropped_types_.insert(t); }
  void UndropType(MessageType t) { dropped_types_.erase(t); }
  std::deque<Message>& in_flight() { return in_flight_; }

  // When set, every Ready and delivery is described here (scenario tests).
  void set_log(std::ostream* log) { log_ = log; }

  uint64_t committed_entries_applied() const { return total_applied_; }

 private:
  struct Node {
    std::unique_ptr<MemoryStorage> storage;
    std::unique_ptr<RawNode> raw;
    std::vector<std::string> applied_data;
    std::vector<ReadState> read_states;
    ConfState conf_state;
  };
  void StartNode(NodeId id, Index applied = 0);
  bool Dropped(const Message& m) const;
  void LogReady(NodeId id, const Ready& rd);

  ConfigTweak tweak_;
  ConfState initial_conf_state_;
  std::map<NodeId, Node> nodes_;
  std::deque<Message> in_flight_;
  std::set<std::pair<NodeId, NodeId>> cuts_;
  std::set<MessageType> dropped_types_;
  std::ostream* log_ = nullptr;
  uint64_t total_applied_ = 0;
};

}  // namespace cairn::raft::testing

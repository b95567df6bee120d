#include "raft/testing/cluster.h"

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace cairn::raft::testing {

namespace {
// Our toy state machine: the snapshot data is the applied list joined by '\n'.
std::vector<std::string> DecodeSnapshotData(const std::string& d) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < d.size()) {
    size_t nl = d.find('\n', pos);
    out.push_back(d.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}
}  // namespace

Cluster::Cluster(std::vector<NodeId> voters, std::vector<NodeId> learners, ConfigTweak tweak)
    : tweak_(std::move(tweak)) {
  ConfState cs{std::move(voters), std::move(learners)};
  std::sort(cs.voters.begin(), cs.voters.end());
  std::sort(cs.learners.begin(), cs.learners.end());
  for (NodeId id : cs.voters) {
    auto& n = nodes_[id];
    n.storage = std::make_unique<MemoryStorage>();
    n.storage->SetInitialConfState(cs);
    n.conf_state = cs;
  }
  for (NodeId id : cs.learners) {
    auto& n = nodes_[id];
    n.storage = std::make_unique<MemoryStorage>();
    n.storage->SetInitialConfState(cs);
    n.conf_state = cs;
  }
  initial_conf_state_ = cs;
  for (auto& [id, n] : nodes_) StartNode(id);
}

void Cluster::StartNode(NodeId id, Index applied) {
  Node& n = nodes_.at(id);
  Config cfg;
  cfg.id = id;
  cfg.election_ticks = 10;
  cfg.heartbeat_ticks = 1;
  cfg.storage = n.storage.get();
  cfg.random_seed = 1;
  cfg.applied = applied;
  if (tweak_) tweak_(&cfg);
  // Restart: the application's applied index is the snapshot index (our
  // applied_data is an in-memory state machine that survives, like bolt).
  Status s = RawNode::Create(cfg, &n.raw);
  if (!s.ok()) {
    std::fprintf(stderr, "cluster: %s\n", s.ToString().c_str());
    std::abort();
  }
}

void Cluster::AddEmptyNode(NodeId id) {
  auto& n = nodes_[id];
  n.storage = std::make_unique<MemoryStorage>();
  n.storage->SetInitialConfState(initial_conf_state_);
  n.conf_state = initial_conf_state_;
  StartNode(id);
}

void Cluster::Restart(NodeId id) {
  Node& n = nodes_.at(id);
  // The state machine is rebuilt by re-applying the log from the snapshot.
  n.read_states.clear();
  Snapshot snap;
  n.storage->GetSnapshot(&snap);
  n.applied_data = DecodeSnapshotData(snap.data);
  HardState hs;
  ConfState cs;
  n.storage->InitialState(&hs, &cs);
  n.conf_state = cs;
  // The state machine was restored from the snapshot: entries up to its
  // index are applied.
  StartNode(id, snap.metadata.index);
}

std::vector<NodeId> Cluster::ids() const {
  std::vector<NodeId> out;
  out.reserve(nodes_.size());
  for (auto& [id, n] : nodes_) out.push_back(id);
  return out;
}

bool Cluster::Dropped(const Message& m) const {
  if (dropped_types_.count(m.type)) return true;
  return cuts_.count({m.from, m.to}) || cuts_.count({m.to, m.from});
}

void Cluster::LogReady(NodeId id, const Ready& rd) {
  std::ostream& os = *log_;
  os << "> " << id << " handling Ready\n";
  if (rd.soft_state) {
    os << "  Lead:" << rd.soft_state->leader << " State:" << StateRoleName(rd.soft_state->role) << "\n";
  }
  if (!rd.hard_state.empty()) os << "  " << DescribeHardState(rd.hard_state) << "\n";
  if (!rd.entries.empty()) {
    os << "  Entries:\n";
    for (const Entry& e : rd.entries) os << "  " << DescribeEntry(e) << "\n";
  }
  if (!rd.snapshot.empty()) {
    os << "  Snapshot Index:" << rd.snapshot.metadata.index << " Term:" << rd.snapshot.metadata.term << " "
       << DescribeConfState(rd.snapshot.metadata.conf_state) << "\n";
  }
  if (!rd.committed_entries.empty()) {
    os << "  CommittedEntries:\n";
    for (const Entry& e : rd.committed_entries) os << "  " << DescribeEntry(e) << "\n";
  }
  if (!rd.messages.empty()) {
    os << "  Messages:\n";
    for (const Message& m : rd.messages) os << "  " << DescribeMessage(m) << "\n";
  }
  if (!rd.messages_after_persist.empty()) {
    os << "  MessagesAfterPersist:\n";
    for (const Message& m : rd.messages_after_persist) os << "  " << DescribeMessage(m) << "\n";
  }
  for (const ReadState& rs : rd.read_states) {
    os << "  ReadState Index:" << rs.index << " Ctx:\"" << rs.request_ctx << "\"\n";
  }
}

bool Cluster::ProcessReady(NodeId id) {
  Node& n = nodes_.at(id);
  bool any = false;
  while (n.raw->HasReady()) {
    any = true;
    Ready rd = n.raw->GetReady();
    if (log_) LogReady(id, rd);
    // 1. persist
    if (!rd.snapshot.empty()) {
      Error e = n.storage->ApplySnapshot(rd.snapshot);
      assert(e == Error::kOk);
      (void)e;
    }
    n.storage->Append(rd.entries);
    if (!rd.hard_state.empty()) n.storage->SetHardState(rd.hard_state);
    // 2. send
    for (Message& m : rd.messages) in_flight_.push_back(std::move(m));
    for (Message& m : rd.messages_after_persist) in_flight_.push_back(std::move(m));
    // 3. apply
    if (!rd.snapshot.empty()) {
      n.conf_state = rd.snapshot.metadata.conf_state;
      n.applied_data = DecodeSnapshotData(rd.snapshot.data);
    }
    for (const Entry& e : rd.committed_entries) {
      ++total_applied_;
      if (e.type == EntryType::kConfChange) {
        ConfChange cc;
        bool ok = DecodeConfChange(e.data, &cc);
        assert(ok);
        (void)ok;
        n.conf_state = n.raw->ApplyConfChange(cc);
      } else if (!e.data.empty()) {
        n.applied_data.push_back(e.data);
      }
    }
    for (const ReadState& rs : rd.read_states) n.read_states.push_back(rs);
    // 4. advance
    n.raw->Advance();
  }
  return any;
}

size_t Cluster::DeliverAll() {
  size_t delivered = 0;
  std::deque<Message> msgs;
  msgs.swap(in_flight_);
  for (Message& m : msgs) {
    auto it = nodes_.find(m.to);
    if (it == nodes_.end() || Dropped(m)) continue;
    if (log_) *log_ << "  deliver " << DescribeMessage(m) << "\n";
    it->second.raw->Step(std::move(m));
    ++delivered;
  }
  return delivered;
}

void Cluster::Stabilize() {
  for (int round = 0; round < 10000; ++round) {
    bool any = false;
    for (auto& [id, n] : nodes_) any |= ProcessReady(id);
    if (!in_flight_.empty()) {
      DeliverAll();
      any = true;
    }
    if (!any) return;
  }
  std::fprintf(stderr, "cluster: Stabilize did not converge\n");
  std::abort();
}

void Cluster::Tick(NodeId id, int n) {
  for (int i = 0; i < n; ++i) nodes_.at(id).raw->Tick();
}

void Cluster::TickAll(int n) {
  for (int i = 0; i < n; ++i) {
    for (auto& [id, node] : nodes_) node.raw->Tick();
  }
}

void Cluster::Elect(NodeId id) {
  node(id).Campaign();
  Stabilize();
}

Status Cluster::Propose(NodeId id, const std::string& data) { return node(id).Propose(data); }

Status Cluster::ProposeConfChange(NodeId id, const ConfChange& cc) { return node(id).ProposeConfChange(cc); }

void Cluster::SnapshotAndCompact(NodeId id, Index compact_index) {
  Node& n = nodes_.at(id);
  Index applied = n.raw->raft().log().applied();
  std::string data;
  for (const std::string& s : n.applied_data) {
    data += s;
    data += '\n';
  }
  Error e = n.storage->CreateSnapshot(applied, &n.conf_state, data, nullptr);
  assert(e == Error::kOk || e == Error::kSnapOutOfDate);
  if (compact_index > applied) compact_index = applied;
  e = n.storage->Compact(compact_index);
  (void)e;
}

NodeId Cluster::Leader() const {
  NodeId best = kNoNode;
  Term best_term = 0;
  for (auto& [id, n] : nodes_) {
    const Raft& r = n.raw->raft();
    if (r.state() == StateRole::kLeader && r.term() >= best_term) {
      best = id;
      best_term = r.term();
    }
  }
  return best;
}

void Cluster::Cut(NodeId a, NodeId b) {
  cuts_.insert({a, b});
  cuts_.insert({b, a});
}

void Cluster::Isolate(NodeId id) {
  for (auto& [other, n] : nodes_) {
    if (other != id) Cut(id, other);
  }
}

void Cluster::Heal() { cuts_.clear(); }

}  // namespace cairn::raft::testing

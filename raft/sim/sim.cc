#include "raft/sim/sim.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <utility>
#include <vector>

#include "raft/rawnode.h"
#include "raft/storage.h"

namespace cairn::raft::sim {
namespace {

constexpr uint64_t kUnitsPerTick = 10;

class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed * 0x2545F4914F6CDD1Dull + 0x9E3779B97F4A7C15ull) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint64_t Uniform(uint64_t n) { return n == 0 ? 0 : Next() % n; }  // [0, n)
  bool Chance(double p) { return static_cast<double>(Next() >> 11) * (1.0 / 9007199254740992.0) < p; }

 private:
  uint64_t s_;
};

uint64_t Mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
  return h * 0xff51afd7ed558ccdull;
}

uint64_t HashBytes(const std::string& s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

uint64_t EntrySig(const Entry& e) {
  return Mix(Mix(Mix(e.term, static_cast<uint64_t>(e.type)), HashBytes(e.data)), e.index);
}

// The simulated application state: the index applied last and a hash chain
// over every applied entry, so two states at the same index compare equal only
// if they applied the same entries.
struct SmState {
  Index applied = 0;
  uint64_t chain = 0;
};

std::string EncodeSm(const SmState& s) {
  std::string out(16, '\0');
  std::memcpy(out.data(), &s.applied, 8);
  std::memcpy(out.data() + 8, &s.chain, 8);
  return out;
}

SmState DecodeSm(const std::string& d) {
  SmState s;
  if (d.size() == 16) {
    std::memcpy(&s.applied, d.data(), 8);
    std::memcpy(&s.chain, d.data() + 8, 8);
  }
  return s;
}

struct SimNode {
  NodeId id = 0;
  std::unique_ptr<MemoryStorage> disk;  // durable: survives crashes
  std::unique_ptr<RawNode> raw;         // null while crashed
  bool removed = false;
  bool ready_in_progress = false;
  Ready rd;
  uint64_t persist_done_at = 0;
  SmState sm;
  ConfState cs;
  uint64_t restart_at = 0;
  bool applied_marker = false;
};

class Simulator {
 public:
  explicit Simulator(const Options& o) : o_(o), rng_(o.seed) {}

  Result Run();

 private:
  void Fail(const std::string& why) {
    if (!result_.ok) return;
    result_.ok = false;
    std::ostringstream os;
    os << "seed=" << o_.seed << " nodes=" << o_.nodes << " time=" << now_ << " (tick " << now_ / kUnitsPerTick
       << "): " << why;
    result_.failure = os.str();
  }
  void Trace(const std::string& s) {
    if (o_.verbose) std::fprintf(stderr, "[%lu] %s\n", (unsigned long)now_, s.c_str());
  }

  Config MakeConfig(SimNode& n) {
    Config cfg;
    cfg.id = n.id;
    cfg.election_ticks = 10;
    cfg.heartbeat_ticks = 1;
    cfg.storage = n.disk.get();
    cfg.applied = n.sm.applied;
    cfg.check_quorum = check_quorum_;
    cfg.pre_vote = pre_vote_;
    cfg.max_msg_bytes = 64;
    cfg.max_inflight_msgs = 4;
    cfg.max_uncommitted_entries_bytes = 4096;
    cfg.max_inflight_bytes = max_inflight_bytes_;
    cfg.max_committed_bytes_per_ready = max_committed_bytes_per_ready_;
    cfg.random_seed = o_.seed;
    return cfg;
  }

  void StartNode(SimNode& n) {
    // The state machine is rebuilt from the durable snapshot.
    Snapshot snap;
    n.disk->GetSnapshot(&snap);
    n.sm = snap.metadata.index == 0 ? SmState{} : DecodeSm(snap.data);
    if (n.sm.applied != snap.metadata.index) Fail("snapshot data does not match its index");
    HardState hs;
    n.disk->InitialState(&hs, &n.cs);
    n.ready_in_progress = false;
    n.rd = Ready{};
    Status s = RawNode::Create(MakeConfig(n), &n.raw);
    if (!s.ok()) Fail("create: " + s.ToString());
  }

  SimNode& AddNode(NodeId id) {
    auto& n = nodes_[id];
    n.id = id;
    n.disk = std::make_unique<MemoryStorage>();
    n.disk->SetInitialConfState(initial_cs_);
    StartNode(n);
    return n;
  }

  bool Up(const SimNode& n) const { return n.raw != nullptr && !n.removed; }

  void Send(Message m) {
    if (rng_.Chance(loss_)) {
      Trace("lose " + DescribeMessage(m));
      ReportDrop(m);
      return;
    }
    int copies = rng_.Chance(dup_) ? 2 : 1;
    for (int i = 1; i < copies; ++i) {
      uint64_t at = now_ + 1 + rng_.Uniform(o_.msg_delay_units_max);
      net_.emplace(std::make_pair(at, seq_++), m);
    }
    // The last copy takes m itself.
    uint64_t at = now_ + 1 + rng_.Uniform(o_.msg_delay_units_max);
    net_.emplace(std::make_pair(at, seq_++), std::move(m));
  }

  void ReportDrop(const Message& m) {
    // The transport reports failed snapshot sends, as a real one would.
    if (m.type != MessageType::kSnap) return;
    auto it = nodes_.find(m.from);
    if (it != nodes_.end() && Up(it->second)) it->second.raw->ReportSnapshot(m.to, /*failed=*/true);
  }

  bool Partitioned(NodeId a, NodeId b) const {
    if (!partition_active_) return false;
    auto ga = group_.find(a), gb = group_.find(b);
    int x = ga == group_.end() ? 0 : ga->second;
    int y = gb == group_.end() ? 0 : gb->second;
    return x != y;
  }

  void DeliverDue() {
    while (!net_.empty() && net_.begin()->first.first <= now_) {
      Message m = std::move(net_.begin()->second);
      net_.erase(net_.begin());
      auto it = nodes_.find(m.to);
      if (it == nodes_.end() || !Up(it->second) || Partitioned(m.from, m.to)) {
        ReportDrop(m);
        // A transport notices a broken connection and says so.
        auto from = nodes_.find(m.from);
        if (m.type == MessageType::kApp && from != nodes_.end() && Up(from->second)) {
          from->second.raw->ReportUnreachable(m.to);
        }
        continue;
      }
      if (m.type == MessageType::kSnap) {
        ++result_.snapshots_sent;
        auto from = nodes_.find(m.from);
        if (from != nodes_.end() && Up(from->second)) from->second.raw->ReportSnapshot(m.to, false);
      }
      Trace("deliver " + DescribeMessage(m));
      it->second.raw->Step(std::move(m));
    }
  }

  void ApplyEntry(SimNode& n, const Entry& e) {
    if (e.index != n.sm.applied + 1) {
      std::ostringstream os;
      os << "node " << n.id << " applied index " << e.index << " after " << n.sm.applied;
      Fail(os.str());
      return;
    }
    n.sm.applied = e.index;
    n.sm.chain = Mix(n.sm.chain, EntrySig(e));
    auto it = applied_.find(e.index);
    if (it == applied_.end()) {
      applied_.emplace(e.index, std::make_pair(EntrySig(e), n.sm.chain));
      ++result_.entries_applied;
    } else if (it->second.first != EntrySig(e) || it->second.second != n.sm.chain) {
      std::ostringstream os;
      os << "node " << n.id << " applied a different entry at index " << e.index << ": " << DescribeEntry(e);
      Fail(os.str());
    }
    max_applied_ = std::max(max_applied_, e.index);
    if (e.type == EntryType::kConfChange) {
      ConfChange cc;
      if (!DecodeConfChange(e.data, &cc)) {
        Fail("undecodable conf change");
        return;
      }
      n.cs = n.raw->ApplyConfChange(cc);
      ++result_.conf_changes_applied;
      Trace("node " + std::to_string(n.id) + " applied conf change -> " + DescribeConfState(n.cs));
      if (cc.type == ConfChangeType::kRemoveNode) {
        auto r = nodes_.find(cc.node_id);
        if (r != nodes_.end() && !r->second.removed) {
          // Committed and applied: the cluster no longer needs it. Shut it down.
          r->second.removed = true;
          Trace("shut down removed node " + std::to_string(cc.node_id));
        }
      }
    }
    if (e.data == marker_ && !marker_.empty()) n.applied_marker = true;
  }

  void CompleteReady(SimNode& n) {
    Ready& rd = n.rd;
    // 1. persist
    if (!rd.snapshot.empty()) {
      Error err = n.disk->ApplySnapshot(rd.snapshot);
      if (err != Error::kOk) Fail("disk ApplySnapshot failed");
    }
    n.disk->Append(rd.entries);
    if (!rd.hard_state.empty()) n.disk->SetHardState(rd.hard_state);
    // 2. send what had to wait for persistence
    for (Message& m : rd.messages_after_persist) Send(std::move(m));
    // 3. apply
    if (!rd.snapshot.empty()) {
      SmState s = DecodeSm(rd.snapshot.data);
      if (s.applied != rd.snapshot.metadata.index) Fail("snapshot data index mismatch");
      auto it = applied_.find(s.applied);
      if (it != applied_.end() && it->second.second != s.chain) {
        Fail("node " + std::to_string(n.id) + " installed a snapshot diverging from applied history");
      }
      n.sm = s;
      n.cs = rd.snapshot.metadata.conf_state;
    }
    for (const Entry& e : rd.committed_entries) {
      ApplyEntry(n, e);
      if (!n.raw) return;
    }
    for (const ReadState& rs : rd.read_states) CheckRead(n, rs);
    n.ready_in_progress = false;
    n.rd = Ready{};
    // 4. advance
    n.raw->Advance();
  }

  void CheckRead(SimNode& n, const ReadState& rs) {
    auto it = reads_.find(rs.request_ctx);
    if (it == reads_.end()) return;
    ++result_.reads_checked;
    if (rs.index < it->second) {
      std::ostringstream os;
      os << "read " << rs.request_ctx << " at node " << n.id << " got index " << rs.index << " but index "
         << it->second << " was already applied when it began";
      Fail(os.str());
    }
    reads_.erase(it);
  }

  void ProcessNode(SimNode& n) {
    if (!Up(n)) return;
    if (n.ready_in_progress) {
      if (now_ >= n.persist_done_at) CompleteReady(n);
      return;
    }
    if (!n.raw->HasReady()) return;
    n.rd = n.raw->GetReady();
    n.ready_in_progress = true;
    for (Message& m : n.rd.messages) Send(std::move(m));  // may go before persisting
    n.rd.messages.clear();
    n.persist_done_at = now_ + rng_.Uniform(o_.disk_latency_units_max);
    if (n.persist_done_at == now_) CompleteReady(n);
  }

  void CheckLeaders() {
    for (auto& [id, n] : nodes_) {
      if (!Up(n) || n.raw->raft().state() != StateRole::kLeader) continue;
      Term t = n.raw->raft().term();
      auto [it, inserted] = leaders_.emplace(t, id);
      if (inserted) {
        ++result_.leaders_elected;
        Trace("leader " + std::to_string(id) + " at term " + std::to_string(t));
      } else if (it->second != id) {
        std::ostringstream os;
        os << "two leaders in term " << t << ": " << it->second << " and " << id;
        Fail(os.str());
      }
    }
  }

  SimNode* CurrentLeader() {
    SimNode* best = nullptr;
    for (auto& [id, n] : nodes_) {
      if (!Up(n) || n.raw->raft().state() != StateRole::kLeader) continue;
      if (best == nullptr || n.raw->raft().term() > best->raw->raft().term()) best = &n;
    }
    return best;
  }

  std::vector<NodeId> UpNodes() {
    std::vector<NodeId> out;
    for (auto& [id, n] : nodes_) {
      if (Up(n)) out.push_back(id);
    }
    return out;
  }

  void MaybePartition() {
    if (partition_active_ && now_ >= partition_end_) {
      partition_active_ = false;
      Trace("partition healed");
    }
    if (partition_active_ || !rng_.Chance(o_.partition_per_tick)) return;
    group_.clear();
    std::vector<NodeId> ids;
    ids.reserve(nodes_.size());
    for (auto& [id, n] : nodes_) ids.push_back(id);
    if (rng_.Chance(0.5)) {
      group_[ids[rng_.Uniform(ids.size())]] = 1;  // isolate one node
    } else {
      for (NodeId id : ids) group_[id] = static_cast<int>(rng_.Uniform(2));
    }
    partition_active_ = true;
    partition_end_ = now_ + (10 + rng_.Uniform(90)) * kUnitsPerTick;
    Trace("partition started");
  }

  void Crash(SimNode& n) {
    Trace("crash node " + std::to_string(n.id));
    ++result_.crashes;
    // Unpersisted state is lost: the in-progress Ready never reaches the disk,
    // or only a prefix of its entries does (torn write).
    if (n.ready_in_progress && n.rd.snapshot.empty() && !n.rd.entries.empty() && rng_.Chance(0.5)) {
      size_t keep = rng_.Uniform(n.rd.entries.size() + 1);
      std::vector<Entry> prefix(n.rd.entries.begin(), n.rd.entries.begin() + keep);
      n.disk->Append(prefix);
      Trace("torn write keeps " + std::to_string(keep) + " of " + std::to_string(n.rd.entries.size()) +
            " entries");
    }
    n.raw.reset();
    n.ready_in_progress = false;
    n.rd = Ready{};
    n.restart_at = now_ + (5 + rng_.Uniform(50)) * kUnitsPerTick;
  }

  void MaybeCrashOrRestart() {
    for (auto& [id, n] : nodes_) {
      if (!n.removed && n.raw == nullptr && now_ >= n.restart_at) {
        Trace("restart node " + std::to_string(id));
        StartNode(n);
      }
    }
    if (!rng_.Chance(o_.crash_per_tick)) return;
    std::vector<NodeId> up = UpNodes();
    if (up.empty()) return;
    Crash(nodes_.at(up[rng_.Uniform(up.size())]));
  }

  void MaybeConfChange() {
    if (!rng_.Chance(o_.conf_change_per_tick)) return;
    SimNode* l = CurrentLeader();
    if (l == nullptr) return;
    ConfState cs = l->raw->raft().tracker().GetConfState();
    ConfChange cc;
    size_t max_voters = static_cast<size_t>(o_.nodes) + 1;
    if (!cs.learners.empty() && cs.voters.size() < max_voters) {
      cc = ConfChange{ConfChangeType::kAddNode, cs.learners[0], ""};
    } else if (cs.learners.empty() && cs.voters.size() < max_voters && rng_.Chance(0.5)) {
      NodeId id = next_id_++;
      AddNode(id);
      cc = ConfChange{ConfChangeType::kAddLearner, id, ""};
    } else if (cs.voters.size() > 3) {
      cc = ConfChange{ConfChangeType::kRemoveNode, cs.voters[rng_.Uniform(cs.voters.size())], ""};
    } else if (!cs.learners.empty()) {
      cc = ConfChange{ConfChangeType::kRemoveNode, cs.learners[0], ""};
    } else {
      return;
    }
    Status s = l->raw->ProposeConfChange(cc);
    Trace("propose conf change type=" + std::to_string(static_cast<int>(cc.type)) + " node " +
          std::to_string(cc.node_id) + ": " + s.ToString());
  }

  void MaybeTransfer() {
    if (!rng_.Chance(o_.transfer_per_tick)) return;
    SimNode* l = CurrentLeader();
    if (l == nullptr) return;
    const auto& voters = l->raw->raft().tracker().voters();
    NodeId to = voters[rng_.Uniform(voters.size())];
    if (to == l->id) return;
    ++result_.transfers;
    // Ask the leader, or (forwarded) any live node.
    SimNode* asker = l;
    std::vector<NodeId> up = UpNodes();
    if (rng_.Chance(0.3) && !up.empty()) asker = &nodes_.at(up[rng_.Uniform(up.size())]);
    Trace("transfer leader " + std::to_string(l->id) + " -> " + std::to_string(to) + " asked at " +
          std::to_string(asker->id));
    asker->raw->TransferLeader(to);
  }

  void MaybeSnapshot() {
    for (auto& [id, n] : nodes_) {
      if (!Up(n) || n.ready_in_progress || !rng_.Chance(o_.snapshot_per_tick)) continue;
      Index applied = n.raw->raft().log().applied();
      if (applied != n.sm.applied) Fail("state machine and raft disagree on applied index");
      Snapshot cur;
      n.disk->GetSnapshot(&cur);
      if (applied <= cur.metadata.index) continue;
      n.disk->CreateSnapshot(applied, &n.cs, EncodeSm(n.sm), nullptr);
      Index keep = 5 + rng_.Uniform(20);
      if (applied > keep && applied - keep >= n.disk->FirstIndex()) n.disk->Compact(applied - keep);
      Trace("node " + std::to_string(id) + " snapshot at " + std::to_string(applied));
    }
  }

  void ClientOps(bool chaos) {
    std::vector<NodeId> up = UpNodes();
    if (up.empty()) return;
    if (rng_.Chance(chaos ? 0.3 : 0.1)) {
      SimNode& n = nodes_.at(up[rng_.Uniform(up.size())]);
      n.raw->Propose("p" + std::to_string(seq_++));
    }
    if (rng_.Chance(0.05)) {
      SimNode& n = nodes_.at(up[rng_.Uniform(up.size())]);
      std::string ctx = "r" + std::to_string(seq_++);
      if (n.raw->ReadIndex(ctx).ok()) reads_[ctx] = max_applied_;
    }
  }

  void Step(bool chaos) {
    DeliverDue();
    for (auto& [id, n] : nodes_) {
      if (Up(n) && now_ % kUnitsPerTick == id % kUnitsPerTick) n.raw->Tick();
    }
    for (auto& [id, n] : nodes_) ProcessNode(n);
    CheckLeaders();
    if (now_ % kUnitsPerTick == 0) {
      if (chaos) {
        MaybePartition();
        MaybeCrashOrRestart();
        MaybeConfChange();
        MaybeTransfer();
      }
      MaybeSnapshot();
    }
    ClientOps(chaos);
    ++now_;
  }

  bool LivenessReached() {
    SimNode* l = CurrentLeader();
    if (l == nullptr) return false;
    for (NodeId v : l->raw->raft().tracker().voters()) {
      auto it = nodes_.find(v);
      if (it == nodes_.end() || !Up(it->second) || !it->second.applied_marker) return false;
    }
    return true;
  }

  void FinalChecks() {
    SimNode* l = CurrentLeader();
    if (l == nullptr) return;
    const RaftLog& log = l->raw->raft().log();
    for (const auto& [idx, sig] : applied_) {
      if (idx < log.first_index()) continue;  // covered by the leader's snapshot
      if (idx > log.last_index()) {
        Fail("committed index " + std::to_string(idx) + " missing from the final leader's log");
        return;
      }
      std::vector<Entry> ents;
      if (log.Slice(idx, idx + 1, kNoLimit, &ents) != Error::kOk || ents.size() != 1 ||
          EntrySig(ents[0]) != sig.first) {
        Fail("committed entry at index " + std::to_string(idx) +
             " lost or changed in the final leader's log");
        return;
      }
    }
  }

  Options o_;
  Rng rng_;
  Result result_;
  uint64_t now_ = 0;
  uint64_t seq_ = 0;
  bool check_quorum_ = true;
  bool pre_vote_ = true;
  uint64_t max_inflight_bytes_ = 0;
  uint64_t max_committed_bytes_per_ready_ = 64 << 20;
  double loss_ = 0;
  double dup_ = 0;
  ConfState initial_cs_;
  NodeId next_id_ = 1;
  std::map<NodeId, SimNode> nodes_;
  std::multimap<std::pair<uint64_t, uint64_t>, Message> net_;
  bool partition_active_ = false;
  uint64_t partition_end_ = 0;
  std::map<NodeId, int> group_;
  std::map<Index, std::pair<uint64_t, uint64_t>> applied_;  // index -> (entry sig, chain)
  Index max_applied_ = 0;
  std::map<Term, NodeId> leaders_;
  std::map<std::string, Index> reads_;  // ctx -> max applied index when issued
  std::string marker_;
};

Result Simulator::Run() {
  // Per-seed variation of the protocol options.
  check_quorum_ = rng_.Chance(0.75);
  pre_vote_ = rng_.Chance(0.75);
  if (rng_.Chance(0.5)) max_inflight_bytes_ = 200;
  if (rng_.Chance(0.5)) max_committed_bytes_per_ready_ = 100;
  loss_ = o_.msg_loss;
  dup_ = o_.msg_dup;
  for (int i = 1; i <= o_.nodes; ++i) initial_cs_.voters.push_back(static_cast<NodeId>(i));
  next_id_ = static_cast<NodeId>(o_.nodes) + 1;
  for (NodeId id : initial_cs_.voters) AddNode(id);

  uint64_t chaos_end = static_cast<uint64_t>(o_.chaos_ticks) * kUnitsPerTick;
  while (now_ < chaos_end && result_.ok) Step(true);
  if (!result_.ok) return result_;

  // Heal: no more faults; restart everyone.
  Trace("=== heal ===");
  partition_active_ = false;
  loss_ = 0;
  dup_ = 0;
  // Healing also brings latencies back to normal (well below the election
  // timeout), as the liveness bound assumes.
  o_.msg_delay_units_max = std::min(o_.msg_delay_units_max, 25);
  o_.disk_latency_units_max = std::min(o_.disk_latency_units_max, 8);
  for (auto& [id, n] : nodes_) {
    if (!n.removed && n.raw == nullptr) StartNode(n);
  }
  uint64_t heal_at = now_;
  uint64_t deadline = heal_at + static_cast<uint64_t>(o_.liveness_ticks_max) * kUnitsPerTick;
  marker_ = "liveness-marker";
  uint64_t next_marker = now_;
  while (result_.ok) {
    if (LivenessReached()) break;
    if (now_ >= deadline) {
      SimNode* l = CurrentLeader();
      std::string detail;
      if (l != nullptr) {
        for (const auto& [id, pr] : l->raw->raft().tracker().progress()) {
          detail += " [" + std::to_string(id) + ": " + pr.Describe() + "]";
        }
        detail += " " + l->raw->raft().log().Describe();
      }
      Fail(std::string("liveness: no commit within ") + std::to_string(o_.liveness_ticks_max) +
           " ticks after healing (leader " + (l ? std::to_string(l->id) : std::string("none")) + ")" +
           detail);
      break;
    }
    if (now_ >= next_marker) {
      // Proposals may be dropped (no leader yet, transfer): retry periodically.
      if (SimNode* l = CurrentLeader()) l->raw->Propose(marker_);
      next_marker = now_ + 20 * kUnitsPerTick;
    }
    Step(false);
  }
  result_.liveness_ticks = static_cast<int>((now_ - heal_at) / kUnitsPerTick);
  if (result_.ok) FinalChecks();
  return result_;
}

}  // namespace

void MakeHarsh(Options* o) {
  o->msg_loss = 0.2;
  o->msg_dup = 0.1;
  o->msg_delay_units_max = 60;
  o->partition_per_tick = 0.03;
  o->crash_per_tick = 0.02;
  o->conf_change_per_tick = 0.03;
  o->transfer_per_tick = 0.02;
  o->snapshot_per_tick = 0.05;
  o->disk_latency_units_max = 40;
}

Result Run(const Options& opts) {
  Simulator s(opts);
  return s.Run();
}

}  // namespace cairn::raft::sim

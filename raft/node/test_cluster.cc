#include "raft/node/test_cluster.h"

#include <stdlib.h>

#include <cassert>
#include <cstring>
#include <filesystem>
#include <thread>

namespace cairn::raft::node {

TestCluster::TestCluster(int n, Hooks hooks, std::chrono::milliseconds tick_interval, int election_ticks)
    : hooks_(std::move(hooks)), tick_interval_(tick_interval), election_ticks_(election_ticks) {
  const char* tmp = getenv("TEST_TMPDIR");
  std::string tmpl = std::string(tmp ? tmp : "/tmp") + "/raftnodeXXXXXX";
  char* dir = mkdtemp(tmpl.data());
  assert(dir != nullptr);
  root_ = dir;
  for (int i = 1; i <= n; ++i) {
    ids_.push_back(static_cast<NodeId>(i));
    members_[i].wal_dir = root_ + "/wal" + std::to_string(i);
  }
}

TestCluster::~TestCluster() {
  for (NodeId id : ids_) Stop(id);
  std::error_code ec;
  std::filesystem::remove_all(root_, ec);
}

Status TestCluster::Start(NodeId id) {
  Member& m = members_.at(id);
  assert(m.node == nullptr);
  auto record = std::make_shared<Record>();
  if (!m.persisted_snapshot.empty()) {
    if (!DecodeState(m.persisted_snapshot.data, &record->data))
      return Status::Corruption("bad test snapshot");
    record->applied = m.persisted_snapshot.metadata.index;
  }
  NodeOptions o;
  o.raft.id = id;
  o.raft.election_ticks = election_ticks_;
  o.raft.heartbeat_ticks = 1;
  o.raft.pre_vote = true;
  o.raft.check_quorum = true;
  o.raft.random_seed = 42;
  o.log.dir = m.wal_dir;
  o.log.wal_options.segment_bytes = 1 << 20;
  o.log.wal_options.log = [](std::string_view) {};
  o.log.initial_conf_state.voters = ids_;
  o.log.snapshot = m.persisted_snapshot;
  o.raft.applied = record->applied;
  o.transport = hooks_.transport_for(id);
  o.tick_interval = tick_interval_;
  if (hooks_.customize) hooks_.customize(id, &o);
  Member* mp = &m;
  const Index compact_every = compact_every_;
  const ConfState voters{ids_, {}};
  o.apply = [record, mp, compact_every, voters](ApplyBatch&& batch) {
    if (!batch.snapshot.empty()) {
      // The application persists the snapshot before using it (here: in memory).
      std::vector<std::string> state;
      const bool ok = DecodeState(batch.snapshot.data, &state);
      assert(ok);
      (void)ok;
      std::lock_guard<std::mutex> lk(record->mu);
      mp->persisted_snapshot = batch.snapshot;
      record->data = std::move(state);
      record->applied = batch.snapshot.metadata.index;
      record->snapshots_installed++;
    }
    for (Entry& e : batch.entries) {
      {
        // Skip what the state already covers (DESIGN.md §4, consistent index).
        std::lock_guard<std::mutex> lk(record->mu);
        if (e.index <= record->applied) continue;
      }
      if (e.type == EntryType::kConfChange) {
        ConfChange cc;
        if (!DecodeConfChange(e.data, &cc)) continue;
        Node* n;
        while ((n = record->node.load()) == nullptr) std::this_thread::yield();
        ConfState cs;
        (void)n->ApplyConfChange(cc, &cs);
        continue;
      }
      std::string state;
      {
        std::lock_guard<std::mutex> lk(record->mu);
        record->applied = e.index;
        if (!e.data.empty()) record->data.push_back(std::move(e.data));
        if (compact_every > 0 && e.index % compact_every == 0) state = EncodeState(record->data);
      }
      if (compact_every > 0 && e.index % compact_every == 0) {
        // Snapshot from inside the apply callback, as a server does every --snapshot-count.
        Node* n;
        while ((n = record->node.load()) == nullptr) std::this_thread::yield();
        raft::Snapshot snap;
        snap.data = state;
        if (n->Compact(e.index, voters, std::move(state), &snap.metadata).ok()) {
          std::lock_guard<std::mutex> lk(record->mu);
          mp->persisted_snapshot = std::move(snap);
        }
      }
    }
  };
  std::unique_ptr<Node> node;
  CAIRN_RETURN_IF_ERROR(Node::Start(std::move(o), &node));
  record->node.store(node.get());
  m.record = record;
  m.node = std::move(node);
  if (hooks_.attach) hooks_.attach(id, m.node.get());
  return Status::Ok();
}

void TestCluster::Stop(NodeId id) {
  Member& m = members_.at(id);
  if (m.node == nullptr) return;
  if (hooks_.attach) hooks_.attach(id, nullptr);
  m.node->Stop();
  m.node.reset();
}

NodeId TestCluster::WaitForLeader(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    NodeId agreed = kNoNode;
    bool all = true;
    for (NodeId id : ids_) {
      Node* n = node(id);
      if (n == nullptr) continue;
      const NodeId l = n->leader();
      if (l == kNoNode || (agreed != kNoNode && l != agreed) || !running(l)) {
        all = false;
        break;
      }
      agreed = l;
    }
    if (all && agreed != kNoNode) return agreed;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return kNoNode;
}

Status TestCluster::ProposeWithRetry(NodeId via, const std::string& data, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    Status s = node(via)->Propose(data);
    if (s.ok() || std::chrono::steady_clock::now() >= deadline) return s;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

bool TestCluster::WaitRecorded(NodeId id, size_t count, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (Recorded(id).size() < count) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

std::vector<std::string> TestCluster::Recorded(NodeId id) {
  auto record = members_.at(id).record;
  if (!record) return {};
  std::lock_guard<std::mutex> lk(record->mu);
  return record->data;
}

Status TestCluster::Snapshot(NodeId id, Index* index) {
  Member& m = members_.at(id);
  NodeStatus st;
  CAIRN_RETURN_IF_ERROR(m.node->GetStatus(&st));
  raft::Snapshot snap;
  {
    std::lock_guard<std::mutex> lk(m.record->mu);
    snap.data = EncodeState(m.record->data);
    snap.metadata.index = m.record->applied;
  }
  // The applier's Record::applied is at most the node's applied index, which
  // Compact requires; the snapshot is "persisted" before the log is compacted.
  CAIRN_RETURN_IF_ERROR(m.node->WaitApplied(snap.metadata.index, std::chrono::seconds(5)));
  // Compact records the snapshot (term included) and only then drops the log;
  // a real application writes its snapshot file before calling it.
  CAIRN_RETURN_IF_ERROR(m.node->Compact(snap.metadata.index, st.conf_state, snap.data, &snap.metadata));
  {
    std::lock_guard<std::mutex> lk(m.record->mu);
    m.persisted_snapshot = snap;
  }
  *index = snap.metadata.index;
  return Status::Ok();
}

std::string TestCluster::EncodeState(const std::vector<std::string>& data) {
  std::string out;
  for (const std::string& d : data) {
    const uint32_t n = static_cast<uint32_t>(d.size());
    out.append(reinterpret_cast<const char*>(&n), 4);
    out.append(d);
  }
  return out;
}

bool TestCluster::DecodeState(const std::string& bytes, std::vector<std::string>* data) {
  data->clear();
  size_t pos = 0;
  while (pos < bytes.size()) {
    if (bytes.size() - pos < 4) return false;
    uint32_t n;
    std::memcpy(&n, bytes.data() + pos, 4);
    pos += 4;
    if (bytes.size() - pos < n) return false;
    data->emplace_back(bytes.substr(pos, n));
    pos += n;
  }
  return true;
}

}  // namespace cairn::raft::node

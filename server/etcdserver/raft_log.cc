#include "server/etcdserver/raft_log.h"

#include <cstdio>
#include <cstdlib>
#include <random>

#include "server/allocator/release.h"
#include "server/etcdserver/errors.h"

namespace cairn::etcdserver {
namespace {

Status ToEtcd(const Status& s) {
  if (s.ok()) return s;
  const std::string& m = s.message();
  if (m.find("no leader") != std::string::npos || m.find("proposal dropped") != std::string::npos) {
    return EtcdError(kErrNoLeader);
  }
  if (m.find("timed out") != std::string::npos) return EtcdError(kErrTimeout);
  if (m.find("stopped") != std::string::npos) return Status::Unavailable(std::string(kErrStopped));
  return s;
}

}  // namespace

RaftLog::RaftLog(RaftLogOptions options) : options_(std::move(options)) {}

RaftLog::~RaftLog() { Stop(); }

Status RaftLog::Start(Applier* applier, uint64_t applied_index) {
  applier_ = applier;
  conf_state_ = options_.snapshot.metadata.conf_state;
  NoteConfState();
  snapshot_index_ = options_.snapshot.metadata.index;
  start_applied_ = applied_index;

  raft::node::NodeOptions o;
  o.raft.id = options_.member_id;
  o.raft.election_ticks = options_.election_ticks;
  o.raft.heartbeat_ticks = 1;
  o.raft.pre_vote = true;
  o.raft.check_quorum = true;
  o.raft.applied = applied_index;
  // Each process randomizes its election timeouts differently (members may share an ID space
  // with a restarted self, so mix in the clock).
  o.raft.random_seed = options_.member_id ^ static_cast<uint64_t>(std::random_device{}()) ^
                       static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  o.log.dir = options_.wal_dir;
  o.log.wal_options = options_.wal_options;
  o.log.snapshot = options_.snapshot;
  o.transport = options_.transport;
  o.tick_interval = options_.tick_interval;
  o.on_leader_change = [this](raft::NodeId leader, raft::Term term) {
    if (options_.on_leader_change) options_.on_leader_change(leader, term);
    cv_.notify_all();
  };
  o.apply = [this](raft::node::ApplyBatch&& batch) { ApplyBatch(std::move(batch)); };
  o.on_read_index_retry = options_.on_read_index_retry;
  o.on_read_index_failed = options_.on_read_index_failed;
  o.inline_apply_entries_max = lone_voter_.load() ? options_.lone_voter_inline_apply_entries_max : 0;
  o.drive_proposals = lone_voter_.load() && options_.lone_voter_drive_proposals;
  CAIRN_RETURN_IF_ERROR(raft::node::Node::Start(std::move(o), &node_));
  node_ptr_.store(node_.get());

  // Apply what the WAL holds as committed before serving (Log contract step 2).
  raft::NodeStatus st;
  CAIRN_RETURN_IF_ERROR(node_->GetStatus(&st));
  if (st.conf_state.voters.size() == 1 && st.conf_state.voters[0] == options_.member_id) {
    // A lone voter need not wait out an election timeout; once leader it commits its whole log
    // (the WAL's commit index may trail it: commit-only changes are not synced).
    (void)node_->Campaign();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (node_->leader() != options_.member_id && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    CAIRN_RETURN_IF_ERROR(node_->GetStatus(&st));
  }
  if (st.hard_state.commit > applied_index) {
    CAIRN_RETURN_IF_ERROR(node_->WaitApplied(st.hard_state.commit, std::chrono::hours(1)));
  }
  started_ = true;
  watchdog_ = std::thread([this] { Watchdog(); });
  return Status::Ok();
}

void RaftLog::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && !watchdog_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (watchdog_.joinable()) watchdog_.join();
  if (node_ != nullptr) node_->Stop();
}

void RaftLog::Watchdog() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, std::chrono::milliseconds(100));
    if (stopping_) break;
    Status failed = node_->failed();
    if (failed.ok()) continue;
    lock.unlock();
    if (options_.fatal) options_.fatal(failed);
    std::fprintf(stderr, "cairn: raft node failed: %s\n", failed.ToString().c_str());
    std::abort();
  }
}

void RaftLog::ApplyBatch(raft::node::ApplyBatch&& batch) {
  raft::node::Node* node = node_ptr_.load();
  while (node == nullptr) {  // the first batch can arrive before Start stored the pointer
    std::this_thread::yield();
    node = node_ptr_.load();
  }
  if (!batch.snapshot.empty()) {
    applier_->InstallSnapshot(batch.snapshot.data, batch.snapshot.metadata.index);
    conf_state_ = batch.snapshot.metadata.conf_state;
    NoteConfState();
    snapshot_index_ = batch.snapshot.metadata.index;
  }
  for (raft::Entry& e : batch.entries) {
    if (e.index > start_applied_ && !started_ && !e.data.empty()) ++replayed_;
    if (e.type == raft::EntryType::kConfChange) {
      raft::ConfChange cc;
      if (!raft::DecodeConfChange(e.data, &cc)) {
        std::fprintf(stderr, "cairn: undecodable membership change at index %llu\n",
                     static_cast<unsigned long long>(e.index));
        std::abort();
      }
      raft::ConfChange effective = applier_->ApplyConfChange(LogEntry{e.index, e.term, e.data}, cc);
      Status s = node->ApplyConfChange(effective, &conf_state_);
      if (!s.ok()) return;  // stopping
      NoteConfState();
    } else {
      applier_->Apply(LogEntry{e.index, e.term, std::move(e.data)});
    }
  }
  const uint64_t last = batch.last_index();
  if (options_.snapshot_count > 0 && last >= snapshot_index_ + options_.snapshot_count) {
    // The commit and the compaction free up to snapshot_count entries at once: give them back
    // to the OS rather than keep them for reuse (server/allocator/release.h).
    allocator::ScopedEagerRelease release;
    const uint64_t durable = std::min(applier_->MakeDurable(), last);
    if (durable > snapshot_index_) {
      Status s = node->Compact(durable, conf_state_, std::string());
      if (s.ok()) snapshot_index_ = durable;
    }
  }
}

void RaftLog::NoteConfState() {
  const bool lone = conf_state_.voters.size() == 1 && conf_state_.voters[0] == options_.member_id;
  lone_voter_.store(lone);
  // Start passes the initial value; later changes come through ApplyBatch, once the node exists.
  if (raft::node::Node* node = node_ptr_.load()) {
    node->set_inline_apply_entries_max(lone ? options_.lone_voter_inline_apply_entries_max : 0);
    node->set_drive_proposals(lone && options_.lone_voter_drive_proposals);
  }
}

Status RaftLog::Propose(std::string data) {
  CAIRN_RETURN_IF_ERROR(AwaitLeader());
  return ToEtcd(node_->Propose(std::move(data)));
}

Status RaftLog::ProposeAsync(std::string data, std::function<void(const Status&)> on_refused) {
  CAIRN_RETURN_IF_ERROR(AwaitLeader());
  return ToEtcd(node_->ProposeAsync(
      std::move(data), [on_refused = std::move(on_refused)](const Status& s) { on_refused(ToEtcd(s)); },
      /*may_drive=*/true));
}

Status RaftLog::AwaitLeader() {
  if (node_ == nullptr) return Status::Unavailable(std::string(kErrStopped));
  if (node_->leader() != raft::kNoNode) return Status::Ok();
  std::unique_lock<std::mutex> lock(mu_);
  const bool leader = cv_.wait_for(lock, options_.leader_wait, [this] {
    return stopping_ || node_->leader() != raft::kNoNode;
  }) && !stopping_;
  return leader ? Status::Ok() : EtcdError(kErrNoLeader);
}

uint64_t RaftLog::committed_index() const {
  raft::NodeStatus st;
  if (node_ == nullptr || !node_->GetStatus(&st).ok()) return applied_index();
  return st.hard_state.commit;
}

uint64_t RaftLog::applied_index() const { return node_ == nullptr ? 0 : node_->applied(); }

bool RaftLog::WaitApplied(uint64_t index, std::chrono::milliseconds timeout) {
  return node_ != nullptr && node_->WaitApplied(index, timeout).ok();
}

LeaderInfo RaftLog::leader() const {
  if (node_ == nullptr) return {};
  return LeaderInfo{node_->leader(), node_->metrics().term.load(std::memory_order_relaxed)};
}

bool RaftLog::LocalReadIsLinearizable() const {
  return lone_voter_.load(std::memory_order_relaxed) && node_ != nullptr &&
         node_->leader() == options_.member_id;
}

Status RaftLog::ReadBarrier(std::chrono::milliseconds timeout) {
  if (LocalReadIsLinearizable()) return Status::Ok();
  CAIRN_RETURN_IF_ERROR(AwaitLeader());
  raft::Index index = 0;
  return ToEtcd(node_->ReadIndex(timeout, &index));
}

void RaftLog::ReadBarrierAsync(std::chrono::milliseconds timeout, std::function<void(const Status&)> done) {
  if (LocalReadIsLinearizable()) return done(Status::Ok());
  // Blocks like ReadBarrier, but only while no leader is known (ReadBarrierAsyncMayBlock).
  if (Status ready = AwaitLeader(); !ready.ok()) return done(ready);
  auto shared = std::make_shared<std::function<void(const Status&)>>(std::move(done));
  Status s = node_->ReadIndexAsync(timeout, [shared](Status st, raft::Index) { (*shared)(ToEtcd(st)); });
  if (!s.ok()) (*shared)(ToEtcd(s));  // refused at once: the node never calls back
}

bool RaftLog::ReadBarrierAsyncMayBlock() const {
  return node_ == nullptr ? false : node_->leader() == raft::kNoNode && !LocalReadIsLinearizable();
}

Status RaftLog::ProposeConfChange(const raft::ConfChange& cc) {
  CAIRN_RETURN_IF_ERROR(AwaitLeader());
  return ToEtcd(node_->ProposeConfChange(cc));
}

Status RaftLog::TransferLeader(uint64_t transferee) {
  if (node_ == nullptr) return Status::Unavailable(std::string(kErrStopped));
  node_->TransferLeader(transferee);
  return Status::Ok();
}

LogStatus RaftLog::status() const {
  LogStatus out;
  if (node_ == nullptr) return out;
  raft::NodeStatus st;
  if (!node_->GetStatus(&st).ok()) return out;
  out.leader_id = st.soft_state.leader;
  out.term = st.hard_state.term;
  out.committed_index = st.hard_state.commit;
  out.applied_index = node_->applied();
  for (raft::NodeId l : st.conf_state.learners) out.is_learner |= l == options_.member_id;
  for (const auto& [id, p] : st.progress) out.match_index.emplace_back(id, p.match);
  return out;
}

}  // namespace cairn::etcdserver

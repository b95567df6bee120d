#include "raft/node/node.h"

#include <pthread.h>

#include <algorithm>
#include <cassert>
#include <utility>

#include "raft/errors.h"

namespace cairn::raft::node {
namespace {

Status NoLeader() { return Status::Unavailable("raft: no leader"); }
Status Stopped() { return Status::Unavailable("raft: node stopped"); }

void Inc(std::atomic<uint64_t>& c, uint64_t n = 1) { c.fetch_add(n, std::memory_order_relaxed); }
void Set(std::atomic<uint64_t>& c, uint64_t v) { c.store(v, std::memory_order_relaxed); }

}  // namespace

Node::Node(NodeOptions options)
    : options_(std::move(options)),
      id_(options_.raft.id),
      inline_apply_entries_max_(options_.inline_apply_entries_max),
      drive_proposals_(options_.drive_proposals) {
  if (options_.read_timeout_ticks <= 0) options_.read_timeout_ticks = 2 * options_.raft.election_ticks;
  if (options_.read_retry_ticks <= 0) {
    options_.read_retry_ticks =
        options_.tick_interval.count() > 0
            ? std::max<int>(1, static_cast<int>(std::chrono::milliseconds(500) / options_.tick_interval))
            : 5;
  }
}

Status Node::Start(NodeOptions options, std::unique_ptr<Node>* out) {
  if (options.transport == nullptr) return Status::InvalidArgument("node: no transport");
  if (!options.apply) return Status::InvalidArgument("node: no apply callback");
  if (options.max_pending_proposals == 0 || options.max_inbound_messages == 0 ||
      options.max_apply_batches == 0 || options.max_pending_reads == 0) {
    return Status::InvalidArgument("node: queue bounds must be positive");
  }
  std::unique_ptr<Node> n(new Node(std::move(options)));
  CAIRN_RETURN_IF_ERROR(WalLog::Open(n->options_.log, &n->log_));
  Config cfg = n->options_.raft;
  cfg.storage = &n->log_->storage();
  const Index snap_index = n->log_->storage().FirstIndex() - 1;
  if (cfg.applied < snap_index) cfg.applied = snap_index;
  // The persisted commit may trail the application (commit-only Readies are
  // not synced, wal_log.h): the core then re-delivers those entries once the
  // leader re-commits them, and the application skips them by its own index.
  const Index durable_commit = n->log_->hard_state().commit;
  if (cfg.applied > durable_commit) cfg.applied = std::max(durable_commit, snap_index);
  CAIRN_RETURN_IF_ERROR(RawNode::Create(cfg, &n->rn_));
  n->applied_ = cfg.applied;
  Set(n->metrics_.applied_index, cfg.applied);
  Set(n->metrics_.term, n->log_->hard_state().term);
  Node* raw = n.get();
  n->apply_thread_ = std::thread([raw] { raw->ApplyLoop(); });
  n->raft_thread_ = std::thread([raw] { raw->RaftLoop(); });
  if (n->options_.tick_interval.count() > 0) {
    n->ticker_ = std::make_unique<Ticker>(n->options_.tick_interval, [raw] { raw->Tick(); });
  }
  *out = std::move(n);
  return Status::Ok();
}

Node::~Node() { Stop(); }

void Node::Stop() {
  ticker_.reset();
  {
    std::lock_guard<std::mutex> lk(mu_);
    stopping_ = true;
  }
  raft_cv_.notify_all();
  if (raft_thread_.joinable()) raft_thread_.join();
  {
    std::lock_guard<std::mutex> lk(mu_);
    apply_stopping_ = true;
  }
  apply_cv_.notify_all();
  if (apply_thread_.joinable()) apply_thread_.join();
  waiters_cv_.notify_all();
}

Status Node::failed() const {
  std::lock_guard<std::mutex> lk(mu_);
  return failed_;
}

void Node::Tick() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    ++ticks_;
  }
  raft_cv_.notify_all();
}

Status Node::Step(Message m) {
  if (IsLocalMessage(m.type)) {
    return Status::InvalidArgument("raft: local message " + std::string(MessageTypeName(m.type)) +
                                   " from the network");
  }
  if (m.to != id_) {
    return Status::InvalidArgument("raft: message for node " + std::to_string(m.to) + " delivered to " +
                                   std::to_string(id_));
  }
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (stopping_) return Stopped();
    if (inbound_.size() >= options_.max_inbound_messages) {
      Inc(metrics_.inbound_dropped_full);
      return Status::Unavailable("raft: inbound message queue full");
    }
    inbound_.push_back(std::move(m));
    Set(metrics_.inbound_queued, inbound_.size());
  }
  raft_cv_.notify_all();
  return Status::Ok();
}

void Node::ReportUnreachable(NodeId peer) {
  std::lock_guard<std::mutex> lk(mu_);
  if (stopping_) return;
  tasks_.push_back([peer](RawNode& rn) { rn.ReportUnreachable(peer); });
  raft_cv_.notify_all();
}

void Node::ReportSnapshot(NodeId peer, bool failed) {
  std::lock_guard<std::mutex> lk(mu_);
  if (stopping_) return;
  tasks_.push_back([peer, failed](RawNode& rn) { rn.ReportSnapshot(peer, failed); });
  raft_cv_.notify_all();
}

void Node::TransferLeader(NodeId transferee) {
  std::lock_guard<std::mutex> lk(mu_);
  if (stopping_) return;
  tasks_.push_back([transferee](RawNode& rn) { rn.TransferLeader(transferee); });
  raft_cv_.notify_all();
}

Status Node::RunOnRaftThread(std::function<Status(RawNode&)> fn) {
  auto done = std::make_shared<std::promise<Status>>();
  std::future<Status> result = done->get_future();
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (!failed_.ok()) return failed_;
    if (stopping_) return Stopped();
    tasks_.push_back([fn = std::move(fn), done](RawNode& rn) { done->set_value(fn(rn)); });
  }
  raft_cv_.notify_all();
  return result.get();  // the raft thread runs or fails every queued task before exiting
}

Status Node::Enqueue(Proposal p, std::future<Status>* result, bool drive) {
  if (leader() == kNoNode) {
    Inc(metrics_.proposals_rejected_no_leader);
    return NoLeader();
  }
  bool wake_raft = true;
  {
    std::unique_lock<std::mutex> lk(mu_);
    if (!failed_.ok()) return failed_;
    if (stopping_) return Stopped();
    if (proposals_.size() >= options_.max_pending_proposals) {
      Inc(metrics_.proposals_rejected_full);
      return Status::Unavailable("raft: too many pending proposals");
    }
    proposals_.push_back(std::move(p));
    if (result != nullptr) *result = proposals_.back().done.get_future();
    Inc(metrics_.proposals_total);
    Set(metrics_.proposals_queued, proposals_.size());
    if (drive && !driving_ && drive_proposals_.load(std::memory_order_relaxed) && t_driving_ == nullptr &&
        t_applying_ != this && proposals_.size() == 1 && last_proposal_batch_ <= 1 && apply_queue_.empty() &&
        !apply_busy_ && !HasOtherInputLocked()) {
      // The core and the apply thread are idle, this proposal is all there is to do and the last
      // turn carried one proposal at most (no concurrent writers, whose proposals would otherwise
      // queue behind this caller's fdatasync instead of joining one group commit on the raft
      // thread): run the Ready loop here rather than wake the raft thread for it (one hand-off
      // less on the write's path).
      Inc(metrics_.proposals_driven_inline);
      DriveLocked(lk);
      const bool more = stopping_ || HasInputLocked();
      lk.unlock();
      if (more) raft_cv_.notify_all();
      return Status::Ok();
    }
    // Whoever drives now takes this proposal when its turn ends (the raft thread re-checks its
    // input; a proposer that drives wakes it): a wake-up now would find the core busy.
    wake_raft = !driving_;
  }
  if (wake_raft) raft_cv_.notify_all();
  return Status::Ok();
}

Status Node::Propose(std::string data) {
  std::future<Status> result;
  CAIRN_RETURN_IF_ERROR(Enqueue(Proposal{std::move(data), {}, nullptr}, &result, /*drive=*/false));
  return result.get();
}

Status Node::ProposeAsync(std::string data, std::function<void(const Status&)> on_refused, bool may_drive) {
  return Enqueue(Proposal{std::move(data), {}, std::move(on_refused)}, nullptr, may_drive);
}

Status Node::ProposeConfChange(const ConfChange& cc) {
  if (leader() == kNoNode) return NoLeader();
  return RunOnRaftThread([cc](RawNode& rn) { return rn.ProposeConfChange(cc); });
}

Status Node::Campaign() {
  return RunOnRaftThread([](RawNode& rn) { return rn.Campaign(); });
}

Status Node::GetStatus(NodeStatus* out) {
  return RunOnRaftThread([out](RawNode& rn) {
    *out = rn.GetStatus();
    return Status::Ok();
  });
}

Status Node::Compact(Index index, const ConfState& cs, std::string data, SnapshotMetadata* out) {
  return RunApplyRequest([this, index, cs, out, data = std::move(data)]() mutable {
    if (index > log_->hard_state().commit) {
      return Status::InvalidArgument("compact index beyond the commit index");
    }
    return log_->Compact(index, cs, std::move(data), out);
  });
}

Status Node::RunApplyRequest(std::function<Status()> fn) {
  // From an apply callback that runs on the thread driving the core (inline apply, HandleReady
  // step 4): this is where the request would be served anyway.
  if (t_driving_ == this) return fn();
  auto done = std::make_shared<std::promise<Status>>();
  std::future<Status> result = done->get_future();
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (!failed_.ok()) return failed_;
    if (stopping_) return Stopped();
    apply_requests_.push_back([fn = std::move(fn), done] { done->set_value(fn()); });
  }
  raft_cv_.notify_all();
  return result.get();  // the raft thread serves every queued request, even when exiting
}

Status Node::AdmitReaderLocked() {
  if (!failed_.ok()) return failed_;
  if (stopping_) return Stopped();
  if (metrics_.reads_pending.load(std::memory_order_relaxed) + apply_waiters_.size() >=
      options_.max_pending_reads) {
    Inc(metrics_.reads_rejected_full);
    return Status::Unavailable("raft: too many pending reads");
  }
  return Status::Ok();
}

Status Node::ReadIndex(std::chrono::milliseconds timeout, Index* index) {
  if (leader() == kNoNode) return NoLeader();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto reader = std::make_shared<Reader>();
  std::unique_lock<std::mutex> lk(mu_);
  CAIRN_RETURN_IF_ERROR(AdmitReaderLocked());
  readers_.push_back(reader);
  Inc(metrics_.reads_pending);
  raft_cv_.notify_all();
  ++blocking_waiters_;
  const bool answered = waiters_cv_.wait_until(lk, deadline, [&] { return reader->done || apply_stopping_; });
  --blocking_waiters_;
  if (!reader->done) {
    // The raft thread still holds the reader; it decrements reads_pending when it completes it.
    return answered ? Stopped() : Status::Unavailable("raft: read index timed out");
  }
  if (!reader->status.ok()) return reader->status;
  ++blocking_waiters_;
  const bool applied =
      waiters_cv_.wait_until(lk, deadline, [&] { return applied_ >= reader->index || apply_stopping_; });
  --blocking_waiters_;
  if (applied_ < reader->index) {
    return applied ? Stopped() : Status::Unavailable("raft: timed out waiting for apply");
  }
  *index = reader->index;
  return Status::Ok();
}

Status Node::ReadIndexAsync(std::chrono::milliseconds timeout, ReadDone done) {
  assert(done);
  if (leader() == kNoNode) return NoLeader();
  auto reader = std::make_shared<Reader>();
  reader->async_done = std::move(done);
  reader->deadline = std::chrono::steady_clock::now() + timeout;
  {
    std::lock_guard<std::mutex> lk(mu_);
    CAIRN_RETURN_IF_ERROR(AdmitReaderLocked());
    readers_.push_back(std::move(reader));
    Inc(metrics_.reads_pending);
  }
  raft_cv_.notify_all();
  return Status::Ok();
}

Status Node::WaitApplied(Index index, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lk(mu_);
  ++blocking_waiters_;
  waiters_cv_.wait_for(lk, timeout, [&] { return applied_ >= index || apply_stopping_; });
  --blocking_waiters_;
  if (applied_ >= index) return Status::Ok();
  return apply_stopping_ ? Stopped() : Status::Unavailable("raft: timed out waiting for apply");
}

Status Node::ApplyConfChange(const ConfChange& cc, ConfState* out) {
  return RunApplyRequest([this, cc, out] {
    *out = rn_->ApplyConfChange(cc);
    return Status::Ok();
  });
}

bool Node::HasInputLocked() const { return !proposals_.empty() || HasOtherInputLocked(); }

bool Node::HasOtherInputLocked() const {
  return ticks_ > 0 || !inbound_.empty() || !tasks_.empty() || !apply_requests_.empty() ||
         (!readers_.empty() && inflight_ctx_.empty());
}

void Node::ServeApplyRequestsLocked(std::unique_lock<std::mutex>& lk) {
  if (apply_requests_.empty()) return;
  std::vector<std::function<void()>> reqs;
  reqs.swap(apply_requests_);
  lk.unlock();
  for (auto& r : reqs) r();
  lk.lock();
}

void Node::Fail(const Status& s) {
  std::lock_guard<std::mutex> lk(mu_);
  if (failed_.ok()) failed_ = s;
  stopping_ = true;
}

thread_local const Node* Node::t_driving_ = nullptr;
thread_local const Node* Node::t_applying_ = nullptr;

bool Node::DriveLocked(std::unique_lock<std::mutex>& lk) {
  assert(!driving_);
  driving_ = true;
  const Node* outer = std::exchange(t_driving_, this);
  const uint64_t ticks = std::exchange(ticks_, 0);
  std::deque<Message> inbound;
  inbound.swap(inbound_);
  std::vector<Proposal> proposals;
  proposals.swap(proposals_);
  if (!proposals.empty()) last_proposal_batch_ = proposals.size();
  std::vector<Task> tasks;
  tasks.swap(tasks_);
  Set(metrics_.inbound_queued, 0);
  Set(metrics_.proposals_queued, 0);
  ServeApplyRequestsLocked(lk);
  lk.unlock();

  for (uint64_t i = 0; i < ticks; ++i) rn_->Tick();
  if (!inflight_ctx_.empty()) {
    inflight_age_ticks_ += ticks;
    if (inflight_age_ticks_ > static_cast<uint64_t>(options_.read_timeout_ticks)) {
      Inc(metrics_.reads_timed_out, inflight_readers_.size());
      NoteReadIndexFailed();
      FailInflightReads(Status::Unavailable("raft: read index timed out"));
    } else if (inflight_age_ticks_ >= inflight_retry_at_ticks_) {
      RetryReadIndex();
    }
  }
  if (ticks > 0) ExpireAsyncReads(std::chrono::steady_clock::now());
  for (Message& m : inbound) {
    if (!rn_->Step(std::move(m)).ok()) Inc(metrics_.inbound_step_errors);
  }
  for (Task& t : tasks) t(*rn_);
  if (!proposals.empty()) {
    std::vector<std::string> datas;
    datas.reserve(proposals.size());
    for (Proposal& p : proposals) datas.push_back(std::move(p.data));
    Status s = rn_->ProposeBatch(std::move(datas));
    Inc(metrics_.proposal_batches);
    if (!s.ok()) {
      Inc(metrics_.proposals_dropped, proposals.size());
      if (IsProposalDropped(s) && rn_->GetStatus().soft_state.leader == kNoNode) s = NoLeader();
    }
    for (Proposal& p : proposals) p.Finish(s);
  }
  IssueReadIndex();
  bool ok = true;
  while (ok && rn_->HasReady()) {
    const auto start = std::chrono::steady_clock::now();
    ok = HandleReady();
    if (options_.tick_interval.count() > 0 &&
        std::chrono::steady_clock::now() - start > 2 * options_.tick_interval) {
      Inc(metrics_.slow_readies);
    }
  }
  lk.lock();
  t_driving_ = outer;
  driving_ = false;
  return ok;
}

void Node::RaftLoop() {
  pthread_setname_np(pthread_self(), "raft");
  std::unique_lock<std::mutex> lk(mu_);
  while (true) {
    raft_cv_.wait(lk, [&] { return stopping_ || (!driving_ && (HasInputLocked() || rn_->HasReady())); });
    if (stopping_) break;
    if (!DriveLocked(lk)) break;
  }
  // A proposer may still be driving (ProposeAsync): the core is its until it is done.
  raft_cv_.wait(lk, [&] { return !driving_; });
  // Exiting: fail whatever still waits on the raft thread.
  std::vector<Proposal> proposals;
  proposals.swap(proposals_);
  std::vector<Task> tasks;
  tasks.swap(tasks_);
  std::vector<std::function<void()>> apply_requests;
  apply_requests.swap(apply_requests_);
  std::vector<std::shared_ptr<Reader>> readers;
  readers.swap(readers_);
  const Status why = failed_.ok() ? Stopped() : failed_;
  lk.unlock();
  for (Proposal& p : proposals) p.Finish(why);
  // Run the queued tasks so every RunOnRaftThread caller gets its result (a
  // dropped task would break its promise); the core is still valid, and any
  // Ready they produce is never persisted or sent.
  for (Task& t : tasks) t(*rn_);
  // RunApplyRequest refuses new requests once stopping_ is set, so these are the last ones.
  for (auto& r : apply_requests) r();
  for (auto& r : readers) inflight_readers_.push_back(r);
  FailInflightReads(why);
  FailApplyWaiters(why);
}

void Node::IssueReadIndex() {
  std::vector<std::shared_ptr<Reader>> readers;
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (!inflight_ctx_.empty() || readers_.empty()) return;
    readers.swap(readers_);
  }
  std::string ctx = std::to_string(id_) + "/" + std::to_string(++read_seq_);
  inflight_readers_ = std::move(readers);
  inflight_age_ticks_ = 0;
  inflight_retry_at_ticks_ = static_cast<uint64_t>(options_.read_retry_ticks);
  Inc(metrics_.read_index_requests);
  Status s = rn_->ReadIndex(ctx);
  if (!s.ok()) {
    NoteReadIndexFailed();
    FailInflightReads(IsProposalDropped(s) ? NoLeader() : s);
    return;
  }
  inflight_ctx_ = std::move(ctx);
}

void Node::NoteReadIndexFailed() {
  if (options_.on_read_index_failed) options_.on_read_index_failed();
}

void Node::RetryReadIndex() {
  std::string ctx = std::to_string(id_) + "/" + std::to_string(++read_seq_);
  inflight_retry_at_ticks_ = inflight_age_ticks_ + static_cast<uint64_t>(options_.read_retry_ticks);
  Inc(metrics_.read_index_requests);
  if (options_.on_read_index_retry) options_.on_read_index_retry(read_seq_);
  if (!rn_->ReadIndex(ctx).ok()) return;  // keep waiting on the current one
  // An answer to an earlier context still serves this batch: every reader in it arrived before
  // the first request was issued (etcd keeps one request id across its retries).
  inflight_retired_ctx_.push_back(std::move(inflight_ctx_));
  inflight_ctx_ = std::move(ctx);
}

void Node::CompleteReads(const std::vector<ReadState>& states) {
  for (const ReadState& rs : states) {
    if (inflight_ctx_.empty()) continue;
    if (rs.request_ctx != inflight_ctx_ &&
        std::find(inflight_retired_ctx_.begin(), inflight_retired_ctx_.end(), rs.request_ctx) ==
            inflight_retired_ctx_.end()) {
      continue;
    }
    std::vector<ReadDone> ready_now;  // asynchronous readers whose index is applied already
    {
      std::lock_guard<std::mutex> lk(mu_);
      for (auto& r : inflight_readers_) {
        if (r->async_done) {
          if (applied_ >= rs.index) {
            ready_now.push_back(std::move(r->async_done));
          } else {
            apply_waiters_.push_back(ApplyWaiter{rs.index, r->deadline, std::move(r->async_done)});
            std::push_heap(apply_waiters_.begin(), apply_waiters_.end(), LaterIndex);
          }
          continue;
        }
        r->done = true;
        r->index = rs.index;
      }
      metrics_.reads_pending.fetch_sub(inflight_readers_.size(), std::memory_order_relaxed);
      Set(metrics_.reads_waiting_apply, apply_waiters_.size());
    }
    waiters_cv_.notify_all();
    inflight_readers_.clear();
    inflight_ctx_.clear();
    inflight_retired_ctx_.clear();
    for (ReadDone& d : ready_now) d(Status::Ok(), rs.index);
  }
}

void Node::FailInflightReads(const Status& s) {
  std::vector<ReadDone> async;
  {
    std::lock_guard<std::mutex> lk(mu_);
    for (auto& r : inflight_readers_) {
      if (r->async_done) {
        async.push_back(std::move(r->async_done));
        continue;
      }
      r->done = true;
      r->status = s;
    }
    metrics_.reads_pending.fetch_sub(inflight_readers_.size(), std::memory_order_relaxed);
  }
  waiters_cv_.notify_all();
  inflight_readers_.clear();
  inflight_ctx_.clear();
  inflight_retired_ctx_.clear();
  for (ReadDone& d : async) d(s, 0);
}

void Node::ExpireAsyncReads(std::chrono::steady_clock::time_point now) {
  std::vector<ReadDone> no_read_state;
  std::vector<ReadDone> not_applied;
  {
    std::lock_guard<std::mutex> lk(mu_);
    // Readers in the request in flight and those queued behind it (readers_, guarded by mu_ like
    // the heap; inflight_readers_ belongs to this, the raft thread).
    auto expired = [&](std::shared_ptr<Reader>& r) {
      if (!r->async_done || r->deadline > now) return false;
      no_read_state.push_back(std::move(r->async_done));
      return true;
    };
    inflight_readers_.erase(std::remove_if(inflight_readers_.begin(), inflight_readers_.end(), expired),
                            inflight_readers_.end());
    readers_.erase(std::remove_if(readers_.begin(), readers_.end(), expired), readers_.end());
    metrics_.reads_pending.fetch_sub(no_read_state.size(), std::memory_order_relaxed);
    auto late = [&](ApplyWaiter& w) {
      if (w.deadline > now) return false;
      not_applied.push_back(std::move(w.done));
      return true;
    };
    auto kept = std::remove_if(apply_waiters_.begin(), apply_waiters_.end(), late);
    if (kept != apply_waiters_.end()) {
      apply_waiters_.erase(kept, apply_waiters_.end());
      std::make_heap(apply_waiters_.begin(), apply_waiters_.end(), LaterIndex);
      Set(metrics_.reads_waiting_apply, apply_waiters_.size());
    }
  }
  Inc(metrics_.reads_timed_out, no_read_state.size() + not_applied.size());
  for (ReadDone& d : no_read_state) d(Status::Unavailable("raft: read index timed out"), 0);
  for (ReadDone& d : not_applied) d(Status::Unavailable("raft: timed out waiting for apply"), 0);
}

void Node::CompleteApplyWaitersLocked(std::unique_lock<std::mutex>& lk) {
  if (apply_waiters_.empty() || apply_waiters_.front().index > applied_) return;
  std::vector<ApplyWaiter> ready;
  while (!apply_waiters_.empty() && apply_waiters_.front().index <= applied_) {
    std::pop_heap(apply_waiters_.begin(), apply_waiters_.end(), LaterIndex);
    ready.push_back(std::move(apply_waiters_.back()));
    apply_waiters_.pop_back();
  }
  Set(metrics_.reads_waiting_apply, apply_waiters_.size());
  lk.unlock();
  for (ApplyWaiter& w : ready) w.done(Status::Ok(), w.index);
  lk.lock();
}

void Node::FailApplyWaiters(const Status& s) {
  std::vector<ApplyWaiter> waiters;
  {
    std::lock_guard<std::mutex> lk(mu_);
    waiters.swap(apply_waiters_);
    Set(metrics_.reads_waiting_apply, 0);
  }
  for (ApplyWaiter& w : waiters) w.done(s, 0);
}

bool Node::HandleReady() {
  Ready rd = rn_->GetReady();
  Inc(metrics_.readies);
  if (rd.soft_state) {
    const NodeId leader = rd.soft_state->leader;
    Set(metrics_.leader_id, leader);
    if (leader != last_leader_) {
      Inc(metrics_.leader_changes);
      last_leader_ = leader;
      if (options_.on_leader_change) options_.on_leader_change(leader, rn_->GetStatus().hard_state.term);
    }
    if (leader == kNoNode && !inflight_ctx_.empty()) {
      NoteReadIndexFailed();
      FailInflightReads(NoLeader());
    }
  }
  // 1. Messages that do not depend on this Ready's persistence.
  if (!rd.messages.empty()) {
    Inc(metrics_.messages_sent, rd.messages.size());
    options_.transport->Send(std::move(rd.messages));
  }
  // 2. Persist: one WAL append (one write + one fdatasync), then the MemoryStorage.
  if (!rd.snapshot.empty() || !rd.entries.empty() || !rd.hard_state.empty()) {
    bool wrote = false;
    Status s = log_->Persist(rd, &wrote);
    Inc(wrote ? metrics_.wal_appends : metrics_.wal_syncs_skipped);
    if (!s.ok()) {
      Fail(Status::IOError("raft: persisting a Ready failed, node stopped: " + s.ToString()));
      return false;
    }
    if (!rd.hard_state.empty()) Set(metrics_.term, rd.hard_state.term);
  }
  // 3. Messages that promise the state persisted in step 2.
  if (!rd.messages_after_persist.empty()) {
    Inc(metrics_.messages_sent, rd.messages_after_persist.size());
    options_.transport->Send(std::move(rd.messages_after_persist));
  }
  CompleteReads(rd.read_states);
  // 4. Hand the snapshot and committed entries to the apply thread.
  if (!rd.snapshot.empty() || !rd.committed_entries.empty()) {
    bool has_conf_change = false;
    for (const Entry& e : rd.committed_entries) has_conf_change |= e.type == EntryType::kConfChange;
    ApplyBatch batch{std::move(rd.snapshot), std::move(rd.committed_entries)};
    const Index last = batch.last_index();
    std::unique_lock<std::mutex> lk(mu_);
    if (stopping_) return false;
    if (batch.snapshot.empty() &&
        batch.entries.size() <= inline_apply_entries_max_.load(std::memory_order_relaxed) &&
        apply_queue_.empty() && !apply_busy_) {
      // The apply thread is idle and holds nothing older: apply here, in order, and save the
      // hand-off (a thread wake-up on the write's critical path). Only this thread queues
      // batches, so none can overtake this one. ApplyConfChange and Compact called from the
      // callback run directly (RunApplyRequest on the raft thread).
      Inc(metrics_.apply_inline);
      lk.unlock();
      ApplyAndPublish(std::move(batch), lk);
    } else {
      if (apply_queue_.size() >= options_.max_apply_batches) Inc(metrics_.apply_queue_full_waits);
      raft_waits_for_apply_ = true;
      while (apply_queue_.size() >= options_.max_apply_batches && !stopping_) {
        ServeApplyRequestsLocked(lk);
        raft_cv_.wait(lk, [&] {
          return stopping_ || apply_queue_.size() < options_.max_apply_batches || !apply_requests_.empty();
        });
      }
      raft_waits_for_apply_ = false;
      if (stopping_) return false;
      apply_queue_.push_back(std::move(batch));
      Set(metrics_.apply_queued, apply_queue_.size());
      lk.unlock();
      apply_cv_.notify_one();
      lk.lock();
      // A conf change must be applied (ApplyConfChange called) before Advance so
      // the core's membership is current for the next Ready (etcd does the same).
      raft_waits_for_apply_ = has_conf_change;
      while (has_conf_change && applied_ < last && !stopping_) {
        ServeApplyRequestsLocked(lk);
        raft_cv_.wait(lk, [&] { return stopping_ || applied_ >= last || !apply_requests_.empty(); });
      }
      raft_waits_for_apply_ = false;
    }
    ServeApplyRequestsLocked(lk);
    if (stopping_) return false;
  }
  // 5. Advance.
  rn_->Advance();
  return true;
}

void Node::ApplyLoop() {
  pthread_setname_np(pthread_self(), "raft-apply");
  // A proposal from an apply callback must not drive the loop from this thread: step 4 could
  // then wait for this very thread.
  t_applying_ = this;
  std::unique_lock<std::mutex> lk(mu_);
  while (true) {
    apply_cv_.wait(lk, [&] { return apply_stopping_ || !apply_queue_.empty(); });
    if (apply_stopping_) break;
    ApplyBatch batch = std::move(apply_queue_.front());
    apply_queue_.pop_front();
    Set(metrics_.apply_queued, apply_queue_.size());
    apply_busy_ = true;
    // Room in the queue: only a raft thread waiting for it needs to hear (a notify while it
    // waits for input would wake it for nothing).
    const bool wake_raft = raft_waits_for_apply_;
    lk.unlock();
    if (wake_raft) raft_cv_.notify_all();
    ApplyAndPublish(std::move(batch), lk);
    apply_busy_ = false;
  }
  apply_queue_.clear();
  Set(metrics_.apply_queued, 0);
  lk.unlock();
  FailApplyWaiters(Stopped());
}

void Node::ApplyAndPublish(ApplyBatch&& batch, std::unique_lock<std::mutex>& lk) {
  const Index last = batch.last_index();
  options_.apply(std::move(batch));
  lk.lock();
  if (last > applied_) applied_ = last;
  Set(metrics_.applied_index, applied_);
  const bool wake_raft = raft_waits_for_apply_;
  const bool wake_waiters = blocking_waiters_ > 0;
  CompleteApplyWaitersLocked(lk);
  if (wake_raft || wake_waiters) {
    lk.unlock();
    if (wake_raft) raft_cv_.notify_all();
    if (wake_waiters) waiters_cv_.notify_all();
    lk.lock();
  }
}

}  // namespace cairn::raft::node

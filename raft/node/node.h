// Node: the Raft node driver. One thread (the raft thread) owns the RawNode;
// everything else talks to it through bounded queues.
//
// THE READY LOOP. The raft thread (or, when it is idle, a proposer: see
// ProposeAsync's may_drive) waits for input (ticks, received messages,
// proposals, reads, requests), feeds it to the RawNode — all proposals waiting
// at that moment go into ONE ProposeBatch — and for each Ready, in this order:
//   1. SEND rd.messages (they depend on nothing unpersisted).
//   2. PERSIST snapshot marker + entries + hard state with ONE WAL Append (one
//      write + one fdatasync, DESIGN.md §4), then into the MemoryStorage the
//      core reads (wal_log.h). Nothing below happens before this is durable.
//      A commit-only Ready (rd.must_sync false) skips the WAL (wal_log.h).
//   3. SEND rd.messages_after_persist (votes, acks, a new term: they promise
//      the state persisted in step 2).
//   4. APPLY: hand rd.snapshot and rd.committed_entries, in order, to the apply
//      thread through a bounded queue (the raft thread waits for room). When
//      the batch holds a conf change, the raft thread waits until it is applied
//      (the application calls ApplyConfChange from its apply callback).
//      A small batch (inline_apply_entries_max) that finds the apply thread
//      idle and its queue empty is applied on the raft thread instead (the
//      apply callback then runs there; batches still run one at a time, in
//      log order).
//      rd.read_states complete the waiting ReadIndex batch.
//   5. ADVANCE.
// A WAL error is fatal (fsyncgate): the raft thread stops, failed() says why,
// and every later call fails with that status.
//
// Reads: concurrent ReadIndex and ReadIndexAsync callers share one
// RawNode::ReadIndex request; each completes once the applied index covers the
// read index. Blocking callers wait on a condition variable; asynchronous ones
// hold no thread: when the read state arrives (raft thread, step 4) they
// complete at once if applied already covers the index, otherwise they wait in
// a min-heap by index that the apply thread pops after each applied batch.
//
// Thread-safety: every public method may be called from any thread.
// From the apply callback, call only ApplyConfChange and Compact (served by
// the raft thread even while it waits for the apply thread, or run directly
// when the callback runs on the raft thread); Propose, ReadIndex, WaitApplied
// and the other blocking calls would deadlock there.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "raft/config.h"
#include "raft/node/apply.h"
#include "raft/node/metrics.h"
#include "raft/node/ticker.h"
#include "raft/node/transport.h"
#include "raft/node/wal_log.h"
#include "raft/rawnode.h"

namespace cairn::raft::node {

struct NodeOptions {
  // The core's configuration; `storage` is ignored (the node's WalLog
  // provides it) and `applied` is the application's applied index on restart
  // (entries at or below it are not handed out again; clamped to the WAL's
  // commit index, so the application must still skip entries at or below its
  // own applied index).
  Config raft;
  WalLogOptions log;
  // Outgoing messages. Must outlive the node.
  Transport* transport = nullptr;
  // Called on the apply thread with each batch, in log order. For a
  // kConfChange entry it must call Node::ApplyConfChange before returning.
  std::function<void(ApplyBatch&&)> apply;
  // The raft thread ticks every tick_interval (the heartbeat interval); zero
  // starts no ticker and the owner calls Tick() (deterministic tests).
  std::chrono::milliseconds tick_interval{100};
  // Called on the raft thread when the known leader changes (kNoNode: lost),
  // with the current term; for etcd's "became leader at term" style logs and
  // etcd_server_has_leader / leader_changes_seen_total. Must be quick.
  std::function<void(NodeId leader, Term term)> on_leader_change;
  // Bounds (CRAFT.md §10); each has counters in NodeMetrics.
  size_t max_pending_proposals = 4096;  // beyond: Propose fails at once
  size_t max_inbound_messages = 8192;   // beyond: received messages are dropped
  size_t max_apply_batches = 64;        // beyond: the raft thread waits
  // A batch of at most this many committed entries (and no snapshot) is applied on the raft
  // thread itself when the apply thread is idle with nothing queued: one thread hand-off less
  // on a write's path, at the price of the raft thread not persisting meanwhile. 0: always hand
  // off. See set_inline_apply_entries_max.
  size_t inline_apply_entries_max = 0;
  // ProposeAsync(..., may_drive = true) may run the Ready loop on the proposer's thread when the
  // core is idle (see ProposeAsync). See set_drive_proposals.
  bool drive_proposals = false;
  // Readers without a read state plus asynchronous readers waiting for apply.
  size_t max_pending_reads = 4096;      // beyond: ReadIndex(Async) fails at once
  // A ReadIndex request unanswered for this many ticks fails its readers
  // (e.g. lost in a leader change). 0: 2 * election_ticks.
  int read_timeout_ticks = 0;
  // etcd's ReadIndex retry (readIndexRetryTime, 500 ms): a request unanswered for this many ticks
  // is sent again under a fresh context (an answer to the old one is ignored) and
  // on_read_index_retry runs with the new request's sequence number. 0: 500 ms / tick_interval
  // (at least 1 tick); without a tick_interval, 5 ticks.
  int read_retry_ticks = 0;
  std::function<void(uint64_t request_seq)> on_read_index_retry;
  // A ReadIndex request failed its readers (timed out, refused, leader lost); not called on Stop.
  std::function<void()> on_read_index_failed;
};

class Node {
 public:
  // Opens the WAL, rebuilds the log from it, creates the RawNode and starts
  // the raft and apply threads (and the ticker).
  static Status Start(NodeOptions options, std::unique_ptr<Node>* out);
  ~Node();  // Stop()
  // Stops the ticker, the raft thread and the apply thread (queued, unapplied
  // batches are dropped: they are in the WAL and handed out again on restart).
  // Pending proposals and reads fail with Unavailable. Idempotent.
  void Stop();

  NodeId id() const { return id_; }

  // One logical clock tick.
  void Tick();
  // A message received from the network. Unavailable (and counted) if the
  // inbound queue is full; InvalidArgument for local-only types or a wrong `to`.
  Status Step(Message m);
  void ReportUnreachable(NodeId peer);
  void ReportSnapshot(NodeId peer, bool failed);

  // Proposes data; returns once the core accepted it into its log (or
  // forwarded it to the leader), NOT once committed: the application matches
  // committed entries to its waiters. Fails at once with
  // Unavailable("raft: no leader") when no leader is known, and with
  // Unavailable("raft: too many pending proposals") when the queue is full.
  Status Propose(std::string data);
  // Like Propose, without waiting for the raft thread: returns once queued (errors found at once,
  // such as no known leader or a full queue, are returned); `on_refused` is called later, on the
  // raft thread, only if the core refuses the proposal. It must be quick and must not call into
  // the node.
  //
  // With may_drive (and NodeOptions::drive_proposals on), a proposal that finds the core and the
  // apply thread idle, nothing else queued and the previous batch of proposals no larger than one
  // (no concurrent writers to group-commit with) is not handed to the raft thread: the caller
  // runs the Ready loop itself (persist with fdatasync, hand off or apply, advance) before
  // ProposeAsync returns, so `on_refused` and the apply callback may then run on the caller's
  // thread, inside this call. The caller must hold no lock the apply callback takes.
  Status ProposeAsync(std::string data, std::function<void(const Status&)> on_refused,
                      bool may_drive = false);
  Status ProposeConfChange(const ConfChange& cc);
  Status Campaign();
  void TransferLeader(NodeId transferee);

  // Linearizable read barrier: obtains a read index (batched with concurrent
  // callers), waits until the applied index covers it and returns it.
  Status ReadIndex(std::chrono::milliseconds timeout, Index* index);
  // Asynchronous ReadIndex: no thread waits. An error known at once (no known
  // leader, node stopped or failed, too many pending reads) is returned and
  // `done` is never called. Otherwise returns OK and `done(status, index)` runs
  // exactly once, with OK and the read index once applied >= index, or with the
  // error ReadIndex would return: "raft: read index timed out" (the request got
  // no answer within read_timeout_ticks, or `timeout` passed before the read
  // state came), "raft: timed out waiting for apply" (`timeout` passed before
  // applied reached the index), "raft: no leader" (leader lost while the
  // request was in flight), "raft: node stopped" (Stop) or the fatal error.
  // `timeout` is checked on ticks, so it fires up to one tick late (with
  // tick_interval 0, only when the owner calls Tick()).
  // `done` runs on the raft thread or the apply thread, never on the caller's:
  // it must be quick and must not block (hand real work to another thread); it
  // may call ReadIndexAsync but no blocking Node method.
  Status ReadIndexAsync(std::chrono::milliseconds timeout, std::function<void(Status, Index)> done);
  // Waits until the applied index is >= index.
  Status WaitApplied(Index index, std::chrono::milliseconds timeout);

  // REQUIRES: called from the apply callback for a committed kConfChange entry.
  Status ApplyConfChange(const ConfChange& cc, ConfState* out);
  // Records an application snapshot at `index` (<= applied; its data already
  // persisted by the application) and compacts the log and the WAL up to it.
  // May be called from the apply callback (index <= the entries applied so far).
  // *out (if not null) receives the snapshot's metadata, term included.
  Status Compact(Index index, const ConfState& cs, std::string data, SnapshotMetadata* out = nullptr);

  // A consistent copy of the core's status (taken on the raft thread).
  Status GetStatus(NodeStatus* out);
  NodeId leader() const { return metrics_.leader_id.load(std::memory_order_relaxed); }
  Index applied() const { return metrics_.applied_index.load(std::memory_order_relaxed); }
  const NodeMetrics& metrics() const { return metrics_; }
  // Changes NodeOptions::inline_apply_entries_max (e.g. when the membership changes); takes
  // effect from the next Ready.
  void set_inline_apply_entries_max(size_t entries) {
    inline_apply_entries_max_.store(entries, std::memory_order_relaxed);
  }
  // Changes NodeOptions::drive_proposals.
  void set_drive_proposals(bool on) { drive_proposals_.store(on, std::memory_order_relaxed); }
  // OK while running; the fatal error once the raft thread failed.
  Status failed() const;

 private:
  struct Proposal {
    std::string data;
    std::promise<Status> done;                         // Propose
    std::function<void(const Status&)> on_refused;     // ProposeAsync
    void Finish(const Status& s) {
      if (on_refused) {
        if (!s.ok()) on_refused(s);
      } else {
        done.set_value(s);
      }
    }
  };
  // Queues a proposal (REQUIRES: mu_ not held); errors that are known at once.
  // With `drive`, a proposal that finds the core idle and nothing else queued is driven through
  // the Ready loop on the caller's thread (NodeOptions::drive_proposals).
  Status Enqueue(Proposal p, std::future<Status>* result, bool drive);
  using ReadDone = std::function<void(Status, Index)>;
  struct Reader {
    bool done = false;  // blocking readers: set under mu_ when answered
    Status status;
    Index index = 0;
    ReadDone async_done;  // asynchronous readers (ReadIndexAsync): non-empty
    std::chrono::steady_clock::time_point deadline;  // asynchronous readers
  };
  // An asynchronous reader that has its read index and waits for applied >= index.
  struct ApplyWaiter {
    Index index = 0;
    std::chrono::steady_clock::time_point deadline;
    ReadDone done;
  };
  // Orders apply_waiters_ as a min-heap by index.
  static bool LaterIndex(const ApplyWaiter& a, const ApplyWaiter& b) { return a.index > b.index; }
  using Task = std::function<void(RawNode&)>;

  explicit Node(NodeOptions options);
  Status RunOnRaftThread(std::function<Status(RawNode&)> fn);
  void RaftLoop();
  void ApplyLoop();
  // Runs the apply callback for `batch` (REQUIRES: lk not holding mu_, no other batch being
  // applied), then publishes the applied index: wakes a raft thread waiting for it, blocking
  // waiters and asynchronous readers. Returns with lk holding mu_.
  void ApplyAndPublish(ApplyBatch&& batch, std::unique_lock<std::mutex>& lk);
  bool HasInputLocked() const;
  bool HasOtherInputLocked() const;  // anything but proposals
  // One turn of the Ready loop: takes the queued input, steps the core, handles every Ready
  // (steps 1-5). REQUIRES: lk holds mu_ and !driving_; returns with lk held. False on a fatal
  // error or stop.
  bool DriveLocked(std::unique_lock<std::mutex>& lk);
  // Steps 1-5 of the Ready loop; false on a fatal error.
  bool HandleReady();
  // Runs the requests of the apply thread (ApplyConfChange, Compact); the
  // raft thread serves them at any point, even while it waits in step 4.
  void ServeApplyRequestsLocked(std::unique_lock<std::mutex>& lk);
  // Queues fn for ServeApplyRequestsLocked and waits for its result.
  Status RunApplyRequest(std::function<Status()> fn);
  // A new reader may join (running, not failed, under max_pending_reads). REQUIRES: mu_ held.
  Status AdmitReaderLocked();
  void IssueReadIndex();
  // Sends the in-flight ReadIndex request again under a fresh context (read_retry_ticks).
  void RetryReadIndex();
  void NoteReadIndexFailed();  // on_read_index_failed, if set
  void CompleteReads(const std::vector<ReadState>& states);
  void FailInflightReads(const Status& s);
  // Raft thread, on ticks: fails asynchronous readers whose caller deadline passed.
  void ExpireAsyncReads(std::chrono::steady_clock::time_point now);
  // Completes (outside mu_) the apply waiters whose index is covered by applied_.
  // REQUIRES: lk holds mu_; it is released while callbacks run and re-taken.
  void CompleteApplyWaitersLocked(std::unique_lock<std::mutex>& lk);
  // Fails every apply waiter with `s` (REQUIRES: mu_ not held).
  void FailApplyWaiters(const Status& s);
  void Fail(const Status& s);

  NodeOptions options_;
  const NodeId id_;
  std::unique_ptr<WalLog> log_;
  std::unique_ptr<RawNode> rn_;  // raft thread only
  NodeMetrics metrics_;

  mutable std::mutex mu_;
  std::condition_variable raft_cv_;     // the raft thread waits here
  std::condition_variable apply_cv_;    // the apply thread waits here
  std::condition_variable waiters_cv_;  // ReadIndex/WaitApplied callers wait here
  bool stopping_ = false;
  bool apply_stopping_ = false;
  Status failed_;
  // Mailbox of the raft thread.
  uint64_t ticks_ = 0;
  std::deque<Message> inbound_;
  std::vector<Proposal> proposals_;
  std::vector<Task> tasks_;
  std::vector<std::function<void()>> apply_requests_;
  std::vector<std::shared_ptr<Reader>> readers_;  // not yet part of a ReadIndex request
  // Apply queue.
  std::deque<ApplyBatch> apply_queue_;
  Index applied_ = 0;
  bool apply_busy_ = false;            // the apply thread is applying a batch it took
  bool raft_waits_for_apply_ = false;  // the raft thread waits for room or for applied_ (step 4)
  int blocking_waiters_ = 0;           // threads in waiters_cv_ (ReadIndex, WaitApplied)
  std::atomic<size_t> inline_apply_entries_max_;
  // Someone runs the Ready loop (DriveLocked): the raft thread, or a proposer (ProposeAsync with
  // may_drive). The core and the raft-thread-only state below belong to that thread until it
  // clears the flag.
  bool driving_ = false;
  size_t last_proposal_batch_ = 0;  // proposals taken by the last turn that took any
  std::atomic<bool> drive_proposals_;
  // The node whose Ready loop this thread runs (RunApplyRequest from an inline apply).
  static thread_local const Node* t_driving_;
  // Set on the apply thread of that node (it never drives the loop).
  static thread_local const Node* t_applying_;
  // Asynchronous readers waiting for applied_ >= their index (min-heap by index, LaterIndex).
  std::vector<ApplyWaiter> apply_waiters_;

  // Raft thread only: the ReadIndex request in flight.
  std::string inflight_ctx_;
  std::vector<std::string> inflight_retired_ctx_;  // earlier contexts of the same batch (retries)
  std::vector<std::shared_ptr<Reader>> inflight_readers_;
  uint64_t inflight_age_ticks_ = 0;
  uint64_t inflight_retry_at_ticks_ = 0;  // inflight_age_ticks_ at which to retry the request
  uint64_t read_seq_ = 0;
  NodeId last_leader_ = kNoNode;

  std::thread raft_thread_;
  std::thread apply_thread_;
  std::unique_ptr<Ticker> ticker_;
};

}  // namespace cairn::raft::node

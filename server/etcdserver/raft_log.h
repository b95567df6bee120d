// RaftLog: the server's Log over the Raft node driver (raft/node) and a peer transport.
// DESIGN.md §4: the raft thread persists each Ready with one WAL append, sends messages and hands
// committed entries to the apply thread, which calls the Applier in log order.
//
// What the apply thread does with a batch:
//   1. a snapshot from the leader (its data is the path of the received bolt db, see
//      raft/transport/node_handler.h) -> Applier::InstallSnapshot;
//   2. each entry: a membership change -> Applier::ApplyConfChange, then Node::ApplyConfChange
//      with what the applier returned (always, even for entries the applier already holds);
//      an empty entry (a new leader's first) and a normal one -> Applier::Apply (the applier
//      skips entries at or below its consistent index);
//   3. every `snapshot_count` applied entries: Applier::MakeDurable (backend commit), then
//      Node::Compact at that index, which writes a WAL snapshot marker and releases the WAL
//      segments below it. A lagging member then catches up by snapshot.
//
// Start: the backend is the Raft snapshot (options.snapshot: index = consistent index, its term
// and the membership); the WAL holds what follows. Start returns once every entry the WAL holds
// as committed is applied. A lone voter campaigns at once (no election timeout to wait out).
//
// Errors: no leader -> etcd's "etcdserver: no leader"; a read or proposal the cluster cannot
// answer in time -> "etcdserver: request timed out". A failed WAL write is fatal (Log contract).
//
// Thread-safety: as Log.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "raft/node/node.h"
#include "server/etcdserver/log.h"

namespace cairn::etcdserver {

struct RaftLogOptions {
  uint64_t member_id = 0;
  std::string wal_dir;
  wal::Options wal_options;
  // The backend as a Raft snapshot (see the header); metadata.index 0 for an empty backend.
  raft::Snapshot snapshot;
  int election_ticks = 10;
  std::chrono::milliseconds tick_interval{100};  // --heartbeat-interval
  uint64_t snapshot_count = 100000;
  raft::node::Transport* transport = nullptr;  // must outlive the log
  // How long a proposal waits for a leader to appear before failing with "no leader".
  std::chrono::milliseconds leader_wait{1000};
  std::function<void(uint64_t leader, uint64_t term)> on_leader_change;
  // ReadIndex diagnostics (raft/node NodeOptions): a request re-sent after 500 ms unanswered
  // (etcd's "waiting for ReadIndex response took too long, retrying"), a request failed. May be empty.
  std::function<void(uint64_t request_seq)> on_read_index_retry;
  std::function<void()> on_read_index_failed;
  // A fatal node error (WAL write failure). Default: print and abort.
  std::function<void(const Status&)> fatal;
  // While this member is the only voter, committed batches of at most this many entries are
  // applied on the raft thread when the apply thread is idle (raft/node NodeOptions::
  // inline_apply_entries_max): a lone put skips one thread hand-off. With peers, the raft thread
  // keeps to sending and persisting. 0: always hand off.
  size_t lone_voter_inline_apply_entries_max = 8;
  // While this member is the only voter, a proposal that finds the raft core idle runs the Ready
  // loop (WAL append + fdatasync, apply) on the proposing thread instead of waking the raft thread
  // (raft/node Node::ProposeAsync may_drive): so ProposeAsync may apply entries, and answer
  // waiters, before it returns. Callers hold no lock the applier takes.
  bool lone_voter_drive_proposals = true;
};

class RaftLog final : public Log {
 public:
  explicit RaftLog(RaftLogOptions options);
  ~RaftLog() override;

  Status Start(Applier* applier, uint64_t applied_index) override;
  void Stop() override;
  Status Propose(std::string data) override;
  Status ProposeAsync(std::string data, std::function<void(const Status&)> on_refused) override;
  uint64_t committed_index() const override;
  uint64_t applied_index() const override;
  bool WaitApplied(uint64_t index, std::chrono::milliseconds timeout) override;
  LeaderInfo leader() const override;
  Status ReadBarrier(std::chrono::milliseconds timeout) override;
  void ReadBarrierAsync(std::chrono::milliseconds timeout, std::function<void(const Status&)> done) override;
  bool ReadBarrierAsyncMayBlock() const override;
  bool LocalReadIsLinearizable() const override;
  Status ProposeConfChange(const raft::ConfChange& cc) override;
  Status TransferLeader(uint64_t transferee) override;
  LogStatus status() const override;

  // The node, for the transport's receiving side. Null before Start and after Stop.
  raft::node::Node* node() { return node_.get(); }
  // Entries applied before Start returned that were above the applier's index (replayed).
  uint64_t replayed_entries() const { return replayed_; }

 private:
  void ApplyBatch(raft::node::ApplyBatch&& batch);
  void Watchdog();
  // Publishes whether conf_state_ has this member as its only voter (apply thread).
  void NoteConfState();
  // OK once a leader is known (waiting up to leader_wait); "server stopped" before Start or after
  // Stop, "etcdserver: no leader" when none appears.
  Status AwaitLeader();

  RaftLogOptions options_;
  Applier* applier_ = nullptr;
  std::unique_ptr<raft::node::Node> node_;
  std::atomic<raft::node::Node*> node_ptr_{nullptr};  // for the apply callback during Start
  // Apply thread only.
  raft::ConfState conf_state_;
  uint64_t snapshot_index_ = 0;
  uint64_t replayed_ = 0;
  uint64_t start_applied_ = 0;
  std::atomic<bool> started_{false};
  std::atomic<bool> lone_voter_{false};  // this member is the only voter

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread watchdog_;
};

}  // namespace cairn::etcdserver

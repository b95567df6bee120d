// Log: where the server proposes internal requests and from which it receives them, committed
// and in order, to apply. RaftLog (raft_log.h) is the server's; SingleNodeLog (a one-member log
// straight over the WAL) serves the core's unit tests. DESIGN.md §4.
//
// Contract:
//   1. Propose(data) queues opaque bytes. Once the entry is committed (single node: durable in
//      the WAL; Raft: durable in a quorum's WALs), the Log calls Applier::Apply for it.
//   2. Apply is called one entry at a time (never concurrently), in index order, with no gaps,
//      exactly once per index per process lifetime; on the apply thread, or for RaftLog on a
//      thread that drives the log at that moment (see ProposeAsync). Entries the WAL holds above
//      the `applied_index` passed to Start are re-applied during Start, before it returns.
//   3. Propose never blocks on the disk (RaftLog's ProposeAsync may: it can persist the entry on
//      the caller's thread, see there); it fails only when the Log is stopped (or, for Raft, has
//      no leader). A proposer learns the outcome from what Apply does with the entry (the server's
//      wait registry), not from the Log.
//   4. A failed WAL write is fatal: the Log calls the fatal handler (the process then exits),
//      because the on-disk state is unknown (fsyncgate).
//
// Thread-safety: every method may be called from any thread after Start.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "base/status.h"
#include "raft/types.h"

namespace cairn::etcdserver {

struct LogEntry {
  uint64_t index = 0;
  uint64_t term = 0;
  std::string data;  // as proposed
};

class Applier {
 public:
  virtual ~Applier() = default;
  // See the Log contract, step 2. Must not call back into Propose synchronously and wait for it.
  virtual void Apply(const LogEntry& entry) = 0;
  // Raft only. A committed membership change, including those at or below the applier's
  // consistent index (Raft must learn them again after a restart or a snapshot; the applier then
  // skips its own effects). Returns the change Raft applies: `cc`, or one with node_id 0 when the
  // applier refuses it (e.g. the member was removed meanwhile).
  virtual raft::ConfChange ApplyConfChange(const LogEntry& /*entry*/, const raft::ConfChange& cc) { return cc; }
  // Raft only. The leader sent a snapshot: the bolt db received at `db_path` covers at least
  // `index`. The applier makes it its state before any later entry is applied.
  virtual void InstallSnapshot(const std::string& /*db_path*/, uint64_t /*index*/) {}
  // Raft only, on the apply thread, every --snapshot-count entries: make everything applied so
  // far durable (backend commit); returns the index that is now durable.
  virtual uint64_t MakeDurable() { return 0; }
};

// Membership and progress as the Log sees them (Maintenance.Status, MemberPromote).
struct LogStatus {
  uint64_t leader_id = 0;
  uint64_t term = 0;
  uint64_t committed_index = 0;
  uint64_t applied_index = 0;
  bool is_learner = false;
  // Leader only: each member's replicated (match) index.
  std::vector<std::pair<uint64_t, uint64_t>> match_index;
};

struct LeaderInfo {
  uint64_t leader_id = 0;  // 0: no leader
  uint64_t term = 0;
};

class Log {
 public:
  virtual ~Log() = default;

  // Re-applies committed entries above `applied_index` (the backend's consistent index), then
  // starts accepting proposals. REQUIRES: called once; `applier` outlives the Log's Stop().
  virtual Status Start(Applier* applier, uint64_t applied_index) = 0;
  // Stops accepting proposals, finishes applying what is committed, joins threads. Idempotent.
  virtual void Stop() = 0;

  // Contract step 3. Unavailable "etcdserver: server stopped" after Stop.
  virtual Status Propose(std::string data) = 0;
  // Like Propose, but may return before the log accepted the entry: a refusal found later (e.g.
  // leadership lost before the entry was appended) is reported once through `on_refused`, from a
  // log thread (quick, no calls back into the log). Default: Propose.
  // RaftLog, lone voter: when the log is idle, the caller's thread may persist and apply the entry
  // itself before this returns (one thread hand-off less), so `on_refused` and Applier::Apply may
  // run inside this call: the caller must hold no lock the applier takes.
  virtual Status ProposeAsync(std::string data, std::function<void(const Status&)> /*on_refused*/) {
    return Propose(std::move(data));
  }

  // The index of the last committed entry / the last entry handed to Apply (and returned).
  virtual uint64_t committed_index() const = 0;
  virtual uint64_t applied_index() const = 0;
  // Waits until applied_index() >= index. False on timeout or when stopped first.
  virtual bool WaitApplied(uint64_t index, std::chrono::milliseconds timeout) = 0;

  virtual LeaderInfo leader() const = 0;

  // Linearizable read barrier (Raft: ReadIndex, batched): returns once the applied index covers
  // an index the leader confirmed after the call. Default (single member): the committed index.
  virtual Status ReadBarrier(std::chrono::milliseconds timeout) {
    if (!WaitApplied(committed_index(), timeout)) return Status::Unavailable("etcdserver: request timed out");
    return Status::Ok();
  }
  // Asynchronous read barrier: `done` runs exactly once with what ReadBarrier(timeout) would
  // return. RaftLog: no thread waits for the ReadIndex round or the apply; `done` then runs on a
  // log thread (raft or apply) or inline, and must be quick: hand the read itself to another
  // thread. Default: calls the blocking ReadBarrier on the caller's thread, then `done`.
  virtual void ReadBarrierAsync(std::chrono::milliseconds timeout, std::function<void(const Status&)> done) {
    done(ReadBarrier(timeout));
  }
  // True when ReadBarrierAsync called now could block its caller (the default does; RaftLog
  // only while no leader is known, as it then waits for one like ReadBarrier does). Callers that
  // must not block (gRPC threads) then call it from a thread that may.
  virtual bool ReadBarrierAsyncMayBlock() const { return true; }
  // True when a linearizable read may be served from the applied state right now, without a
  // read barrier (a lone voter that leads: every acknowledged write is applied already).
  virtual bool LocalReadIsLinearizable() const { return applied_index() >= committed_index(); }
  // Raft only: proposes a membership change (its outcome, like Propose's, comes through apply).
  virtual Status ProposeConfChange(const raft::ConfChange& /*cc*/) {
    return Status::InvalidArgument("membership changes need Raft");
  }
  // Raft only: asks the leader to hand leadership to `transferee`.
  virtual Status TransferLeader(uint64_t /*transferee*/) { return Status::InvalidArgument("leader transfer needs Raft"); }
  virtual LogStatus status() const {
    LeaderInfo l = leader();
    LogStatus s;
    s.leader_id = l.leader_id;
    s.term = l.term;
    s.committed_index = committed_index();
    s.applied_index = applied_index();
    return s;
  }
};

}  // namespace cairn::etcdserver

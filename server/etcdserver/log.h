// Log: where the server proposes internal requests and from which it receives them, committed
// and in order, to apply. Single node today (SingleNodeLog over the WAL); Raft later implements
// the same interface, so the server core above does not change (DESIGN.md §4).
//
// Contract:
//   1. Propose(data) queues opaque bytes. Once the entry is committed (single node: durable in
//      the WAL; Raft: durable in a quorum's WALs), the Log calls Applier::Apply for it.
//   2. Apply is called on ONE thread (the apply thread), in index order, with no gaps, exactly
//      once per index per process lifetime. Entries the WAL holds above the `applied_index`
//      passed to Start are re-applied during Start, before it returns.
//   3. Propose never blocks on the disk; it fails only when the Log is stopped (or, for Raft, has
//      no leader). A proposer learns the outcome from what Apply does with the entry (the server's
//      wait registry), not from the Log.
//   4. A failed WAL write is fatal: the Log calls the fatal handler (the process then exits),
//      because the on-disk state is unknown (fsyncgate).
//
// Thread-safety: every method may be called from any thread after Start.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "base/status.h"

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

  // The index of the last committed entry / the last entry handed to Apply (and returned).
  virtual uint64_t committed_index() const = 0;
  virtual uint64_t applied_index() const = 0;
  // Waits until applied_index() >= index. False on timeout or when stopped first.
  virtual bool WaitApplied(uint64_t index, std::chrono::milliseconds timeout) = 0;

  virtual LeaderInfo leader() const = 0;
};

}  // namespace cairn::etcdserver

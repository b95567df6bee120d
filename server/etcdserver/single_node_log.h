// SingleNodeLog: the Log of a one-member cluster, over storage/wal. It is what a Raft node does
// when it is alone: every proposal is committed as soon as it is durable in the local WAL.
//
// Write path (DESIGN.md §4), on the log thread, per batch:
//   1. take every queued proposal (at most `batch_entries_max`), give each the next index at the
//      current term;
//   2. append them plus the hard state {term, vote = self, commit = last index} with ONE
//      Wal::Append (one write + one fdatasync);
//   3. hand the batch to the apply thread, which calls Applier::Apply per entry in index order
//      and then advances applied_index.
// Proposals arriving during step 2 form the next batch (group commit without a timer).
//
// Start-up: Wal::Replay(applied_index + 1) and Apply of every entry found, before Start returns;
// the term is bumped by one over the newest durable hard state (a new "election"). An EMPTY WAL
// under a backend at applied_index > 0 (a db from `snapshot restore`) gets a snapshot marker at
// applied_index, and the log continues after it; a non-empty WAL that ends below applied_index
// belongs to another data dir and is refused (Corruption).
//
// Thread-safety: as Log.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "server/etcdserver/log.h"
#include "storage/wal/wal.h"

namespace cairn::etcdserver {

class SingleNodeLog final : public Log {
 public:
  struct Options {
    uint64_t member_id = 0;
    size_t batch_entries_max = 4096;
    // Called on a WAL write failure (contract step 4). Default: print and abort.
    std::function<void(const Status&)> fatal = nullptr;
    // Observes each batch's Append duration and size (metrics).
    std::function<void(std::chrono::nanoseconds, size_t entries)> on_batch = nullptr;
  };

  // REQUIRES: `wal` outlives this object.
  SingleNodeLog(wal::Wal* wal, Options options);
  ~SingleNodeLog() override;

  Status Start(Applier* applier, uint64_t applied_index) override;
  void Stop() override;
  Status Propose(std::string data) override;
  uint64_t committed_index() const override;
  uint64_t applied_index() const override;
  bool WaitApplied(uint64_t index, std::chrono::milliseconds timeout) override;
  LeaderInfo leader() const override;

  // Batches written since Start (for tests: proves grouping).
  uint64_t batches_appended() const;

 private:
  void LogLoop();
  void ApplyLoop();

  wal::Wal* const wal_;
  const Options options_;
  Applier* applier_ = nullptr;
  uint64_t term_ = 0;

  mutable std::mutex mu_;
  std::condition_variable propose_cv_;  // proposals queued / stopping
  std::condition_variable apply_cv_;    // committed batch queued / stopping
  std::condition_variable applied_cv_;  // applied_index advanced
  std::deque<std::string> proposals_;
  std::deque<std::vector<LogEntry>> committed_;
  uint64_t last_index_ = 0;  // last durable index
  uint64_t applied_index_ = 0;
  uint64_t batches_ = 0;
  bool started_ = false;
  bool stopping_ = false;
  bool log_done_ = false;  // the log thread has exited (no more committed batches)
  std::thread log_thread_;
  std::thread apply_thread_;
};

}  // namespace cairn::etcdserver

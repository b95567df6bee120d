// Auto-compaction policies (etcd etcdserver/api/v3compactor, 3.4/3.5), as pure state machines.
//
// The server owns the timer: it calls OnTimer() every interval() with the clock's time and the
// current revision; when a revision comes back it proposes Compact(rev) through raft and reports
// the outcome with OnCompacted() (ok = success or "required revision has been compacted", as
// etcd counts both as success). Only the leader runs it: Pause() on losing leadership, Resume()
// on gaining it.
//
//   periodic (retention = period P): a revision sample is taken every P/10 (at most 6 min); the
//     first compaction happens once P has passed since start, then whenever min(P, 1 h) has passed
//     since the last success, at the oldest sample of the sliding window (the revision ~P ago).
//   revision (retention = N revisions): every 5 minutes, compact at current - N if positive and
//     different from the last compacted revision.
#pragma once

#include <chrono>
#include <deque>
#include <memory>
#include <optional>

#include "storage/mvcc/revision.h"

namespace cairn::mvcc {

class AutoCompactor {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  virtual ~AutoCompactor() = default;

  virtual std::chrono::milliseconds interval() const = 0;
  // Returns the revision to compact at, if it is time.
  virtual std::optional<Revision> OnTimer(TimePoint now, Revision current_rev) = 0;
  virtual void OnCompacted(TimePoint now, Revision rev, bool ok) = 0;

  void Pause() { paused_ = true; }
  void Resume() { paused_ = false; }
  bool paused() const { return paused_; }

 protected:
  bool paused_ = false;
};

class PeriodicCompactor : public AutoCompactor {
 public:
  // `now`/`current_rev`: when the compactor starts (etcd Run() takes the first sample then).
  PeriodicCompactor(std::chrono::milliseconds period, TimePoint now, Revision current_rev);

  std::chrono::milliseconds interval() const override { return retry_interval_; }
  std::optional<Revision> OnTimer(TimePoint now, Revision current_rev) override;
  void OnCompacted(TimePoint now, Revision rev, bool ok) override;

  size_t retentions() const { return retentions_; }

 private:
  void Sample(Revision rev);

  const std::chrono::milliseconds period_;
  const std::chrono::milliseconds compact_interval_;  // min(period, 1 h)
  const std::chrono::milliseconds retry_interval_;    // compact_interval / 10
  const size_t retentions_;                           // period / retry_interval + 1
  std::chrono::milliseconds base_interval_;           // period until the first compaction
  TimePoint last_success_;
  std::deque<Revision> revs_;  // revs_.front(): the sample ~period ago
};

class RevisionCompactor : public AutoCompactor {
 public:
  static constexpr std::chrono::milliseconds kInterval{5 * 60 * 1000};  // etcd revInterval

  explicit RevisionCompactor(int64_t retention_revisions) : retention_(retention_revisions) {}

  std::chrono::milliseconds interval() const override { return kInterval; }
  std::optional<Revision> OnTimer(TimePoint now, Revision current_rev) override;
  void OnCompacted(TimePoint now, Revision rev, bool ok) override;

 private:
  const int64_t retention_;
  Revision prev_ = 0;
};

}  // namespace cairn::mvcc

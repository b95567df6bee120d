// LogState: the log that a sequence of records describes, by the rules of
// docs/wal_format.md "Log semantics" (Raft conflict overwrite, thesis §3.5;
// snapshot markers past the end reset the log). Used to replay segments and
// to validate a batch before it is written, so both agree by construction.
//
// Not thread-safe; a value type.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "base/status.h"
#include "storage/wal/record.h"

namespace cairn::wal {

class LogState {
 public:
  // `last_index`: the newest entry's index before the first applied record.
  // Entries with index >= `collect_from` are kept in entries(); pass
  // kCollectNone to track indexes only.
  static constexpr uint64_t kCollectNone = UINT64_MAX;
  LogState(uint64_t last_index, uint64_t collect_from)
      : last_index_(last_index), collect_from_(collect_from) {}

  // InvalidArgument when the entry would leave a gap or has index 0.
  Status CheckEntry(uint64_t index) const;
  // REQUIRES: CheckEntry(index).ok(). `entry` is moved from only when kept.
  void ApplyEntry(Entry&& entry);
  void ApplyHardState(const HardState& state) { hard_state_ = state; }
  void ApplySnapshot(const SnapshotMarker& marker);
  // Applies a decoded record (may move its entry out); InvalidArgument for
  // an entry that leaves a gap.
  Status Apply(DecodedRecord& record);
  // Applies a batch if every record is acceptable, else changes nothing.
  Status ApplyBatch(const Batch& batch);

  uint64_t last_index() const { return last_index_; }
  const std::optional<HardState>& hard_state() const { return hard_state_; }
  const std::optional<SnapshotMarker>& snapshot() const { return snapshot_; }
  std::vector<Entry>& entries() { return entries_; }

 private:
  uint64_t last_index_;
  uint64_t collect_from_;
  std::optional<HardState> hard_state_;
  std::optional<SnapshotMarker> snapshot_;
  std::vector<Entry> entries_;  // ascending, consecutive, all >= collect_from_
};

}  // namespace cairn::wal

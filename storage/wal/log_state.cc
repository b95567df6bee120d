#include "storage/wal/log_state.h"

#include <cassert>
#include <string>

namespace cairn::wal {

Status LogState::CheckEntry(uint64_t index) const {
  if (index == 0) return Status::InvalidArgument("WAL entry index 0");
  if (index > last_index_ + 1) {
    return Status::InvalidArgument("WAL entry index " + std::to_string(index) +
                                   " leaves a gap after last index " + std::to_string(last_index_));
  }
  return Status::Ok();
}

void LogState::ApplyEntry(Entry&& entry) {
  assert(entry.index >= 1 && entry.index <= last_index_ + 1);
  // Conflict overwrite: the new entry replaces every entry at or after it.
  while (!entries_.empty() && entries_.back().index >= entry.index) entries_.pop_back();
  last_index_ = entry.index;
  if (entry.index >= collect_from_) {
    assert(entries_.empty() || entries_.back().index + 1 == entry.index);
    entries_.push_back(std::move(entry));
  }
}

void LogState::ApplySnapshot(const SnapshotMarker& marker) {
  snapshot_ = marker;
  if (marker.index > last_index_) {
    entries_.clear();
    last_index_ = marker.index;
  }
}

Status LogState::Apply(DecodedRecord& record) {
  switch (record.type) {
    case RecordType::kEntry:
      CAIRN_RETURN_IF_ERROR(CheckEntry(record.entry.index));
      ApplyEntry(std::move(record.entry));
      return Status::Ok();
    case RecordType::kHardState: ApplyHardState(record.hard_state); return Status::Ok();
    case RecordType::kSnapshotMarker: ApplySnapshot(record.snapshot); return Status::Ok();
    case RecordType::kZero: break;
  }
  assert(false && "ParseRecord returned an unknown record type");
  return Status::Ok();
}

Status LogState::ApplyBatch(const Batch& batch) {
  // Validate on a copy of the index bookkeeping first, so a bad batch changes nothing.
  uint64_t last = last_index_;
  if (batch.snapshot && batch.snapshot->index > last) last = batch.snapshot->index;
  for (const Entry& entry : batch.entries) {
    if (entry.data.size() > kPayloadBytesMax - sizeof(EntryPayloadHeader)) {
      return Status::InvalidArgument("WAL entry " + std::to_string(entry.index) + " of " +
                                     std::to_string(entry.data.size()) + " bytes exceeds the record limit");
    }
    if (entry.index == 0 || entry.index > last + 1) {
      return Status::InvalidArgument("WAL batch entry index " + std::to_string(entry.index) +
                                     " leaves a gap after index " + std::to_string(last));
    }
    last = entry.index;
  }
  if (batch.snapshot) ApplySnapshot(*batch.snapshot);
  for (const Entry& entry : batch.entries) {
    if (entry.index >= collect_from_) {
      ApplyEntry(Entry(entry));
    } else {
      ApplyEntry(Entry{entry.index, entry.term, {}});
    }
  }
  if (batch.hard_state) ApplyHardState(*batch.hard_state);
  return Status::Ok();
}

}  // namespace cairn::wal

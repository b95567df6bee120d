// The typed records the WAL stores, and their framing (docs/wal_format.md).
//
// The WAL orders records by index and nothing else: what an Entry's data
// means, or what a HardState's vote is, is the Raft layer's business.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "storage/wal/format.h"

namespace cairn::wal {

struct Entry {
  uint64_t index = 0;  // >= 1
  uint64_t term = 0;
  std::string data;  // opaque bytes
  bool operator==(const Entry&) const = default;
};

struct HardState {
  uint64_t term = 0;
  uint64_t vote = 0;
  uint64_t commit = 0;
  bool operator==(const HardState&) const = default;
};

struct SnapshotMarker {
  uint64_t index = 0;
  uint64_t term = 0;
  bool operator==(const SnapshotMarker&) const = default;
};

// One caller's records, made durable together. Written in the order
// snapshot, entries, hard_state. Entries must have consecutive indexes.
struct Batch {
  std::optional<SnapshotMarker> snapshot;
  std::vector<Entry> entries;
  std::optional<HardState> hard_state;
};

// Encodes the records of one group commit (one write) into `out`: every
// record carries the group number, and Finish() flags the last record with
// kRecordFlagGroupEnd. Open uses both to tell a torn last group from damage
// to an acknowledged one (docs/wal_format.md).
class GroupEncoder {
 public:
  GroupEncoder(uint16_t group, std::vector<std::byte>* out) : group_(group), out_(out) {}
  void AddEntry(const Entry& entry);
  void AddHardState(const HardState& state);
  void AddSnapshotMarker(const SnapshotMarker& marker);
  // Snapshot marker, entries, hard state: the order of docs/wal_format.md.
  void AddBatch(const Batch& batch);
  // Flags the last record added, if any, as the end of the group.
  void Finish();

 private:
  void Add(RecordType type, std::span<const std::byte> fixed, std::span<const std::byte> data);
  const uint16_t group_;
  std::vector<std::byte>* const out_;
  size_t last_start_ = SIZE_MAX;
};

// Bytes GroupEncoder::AddBatch appends.
uint64_t EncodedBytes(const Batch& batch);

// One record read back from a segment.
struct DecodedRecord {
  RecordType type = RecordType::kZero;
  uint64_t record_bytes = 0;  // framed size on disk, including padding
  uint8_t flags = 0;          // kRecordFlag* bits
  uint16_t group = 0;         // group commit number (mod 2^16)
  // Exactly one of these is set, by type.
  Entry entry;
  HardState hard_state;
  SnapshotMarker snapshot;
};

enum class ParseOutcome {
  kOk,         // a valid record starts at offset
  kNoRecord,   // zeros, a short/torn header, a length past the end, or a CRC mismatch
  kMalformed,  // the CRC matches but the type or length is impossible: corruption
};

// Parses the record starting at `offset` of `segment` (the whole segment
// file's bytes). REQUIRES: offset is a multiple of kRecordAlignBytes.
ParseOutcome ParseRecord(std::span<const std::byte> segment, uint64_t offset, DecodedRecord* out);

}  // namespace cairn::wal

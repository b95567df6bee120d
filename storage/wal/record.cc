#include "storage/wal/record.h"

#include <cassert>
#include <cstring>

#include "base/crc32c.h"

namespace cairn::wal {
namespace {

template <typename T>
std::span<const std::byte> BytesOf(const T& value) {
  return std::as_bytes(std::span<const T, 1>(&value, 1));
}

uint32_t RecordCrc(const std::byte* record, uint64_t record_bytes) {
  return crc32c::Value(record + kRecordCrcCoverageStart, record_bytes - kRecordCrcCoverageStart);
}

}  // namespace

// Appends header + payload pieces + zero padding, then fills in the CRC.
void GroupEncoder::Add(RecordType type, std::span<const std::byte> fixed, std::span<const std::byte> data) {
  const uint64_t payload_bytes = fixed.size() + data.size();
  assert(payload_bytes <= kPayloadBytesMax);
  const uint64_t record_bytes = RecordBytes(payload_bytes);
  last_start_ = out_->size();
  out_->resize(last_start_ + record_bytes);  // zero-fills the padding
  std::byte* p = out_->data() + last_start_;
  RecordHeader header{};
  header.payload_bytes = static_cast<uint32_t>(payload_bytes);
  header.type = static_cast<uint8_t>(type);
  header.group = group_;
  std::memcpy(p, &header, sizeof(header));
  if (!fixed.empty()) std::memcpy(p + sizeof(header), fixed.data(), fixed.size());
  if (!data.empty()) std::memcpy(p + sizeof(header) + fixed.size(), data.data(), data.size());
  const uint32_t crc = RecordCrc(p, record_bytes);
  std::memcpy(p + offsetof(RecordHeader, crc32c), &crc, sizeof(crc));
}

void GroupEncoder::Finish() {
  if (last_start_ == SIZE_MAX) return;
  std::byte* p = out_->data() + last_start_;
  p[offsetof(RecordHeader, flags)] |= std::byte{kRecordFlagGroupEnd};
  const uint32_t crc = RecordCrc(p, out_->size() - last_start_);
  std::memcpy(p + offsetof(RecordHeader, crc32c), &crc, sizeof(crc));
}

void GroupEncoder::AddEntry(const Entry& entry) {
  EntryPayloadHeader fixed{entry.index, entry.term};
  Add(RecordType::kEntry, BytesOf(fixed), std::as_bytes(std::span(entry.data)));
}

void GroupEncoder::AddHardState(const HardState& state) {
  HardStatePayload fixed{state.term, state.vote, state.commit};
  Add(RecordType::kHardState, BytesOf(fixed), {});
}

void GroupEncoder::AddSnapshotMarker(const SnapshotMarker& marker) {
  SnapshotMarkerPayload fixed{marker.index, marker.term};
  Add(RecordType::kSnapshotMarker, BytesOf(fixed), {});
}

void GroupEncoder::AddBatch(const Batch& batch) {
  if (batch.snapshot) AddSnapshotMarker(*batch.snapshot);
  for (const Entry& entry : batch.entries) AddEntry(entry);
  if (batch.hard_state) AddHardState(*batch.hard_state);
}

uint64_t EncodedBytes(const Batch& batch) {
  uint64_t total = 0;
  if (batch.snapshot) total += RecordBytes(sizeof(SnapshotMarkerPayload));
  for (const Entry& entry : batch.entries)
    total += RecordBytes(sizeof(EntryPayloadHeader) + entry.data.size());
  if (batch.hard_state) total += RecordBytes(sizeof(HardStatePayload));
  return total;
}

ParseOutcome ParseRecord(std::span<const std::byte> segment, uint64_t offset, DecodedRecord* out) {
  assert(offset % kRecordAlignBytes == 0);
  if (offset > segment.size() || segment.size() - offset < sizeof(RecordHeader))
    return ParseOutcome::kNoRecord;
  const std::byte* p = segment.data() + offset;
  RecordHeader header;
  std::memcpy(&header, p, sizeof(header));
  // Cheap checks before the CRC: scanning garbage after a torn tail tries every aligned offset.
  if (header.type == 0 || header.payload_bytes > kPayloadBytesMax ||
      (header.flags & ~kRecordFlagGroupEnd) != 0) {
    return ParseOutcome::kNoRecord;
  }
  const uint64_t record_bytes = RecordBytes(header.payload_bytes);
  if (record_bytes > segment.size() - offset) return ParseOutcome::kNoRecord;
  if (RecordCrc(p, record_bytes) != header.crc32c) return ParseOutcome::kNoRecord;

  // The bytes are exactly what some writer framed: from here on, nonsense is corruption.
  const std::byte* payload = p + sizeof(RecordHeader);
  out->type = static_cast<RecordType>(header.type);
  out->record_bytes = record_bytes;
  out->flags = header.flags;
  out->group = header.group;
  switch (out->type) {
    case RecordType::kEntry: {
      if (header.payload_bytes < sizeof(EntryPayloadHeader)) return ParseOutcome::kMalformed;
      EntryPayloadHeader fixed;
      std::memcpy(&fixed, payload, sizeof(fixed));
      out->entry.index = fixed.index;
      out->entry.term = fixed.term;
      out->entry.data.assign(reinterpret_cast<const char*>(payload + sizeof(fixed)),
                             header.payload_bytes - sizeof(fixed));
      return ParseOutcome::kOk;
    }
    case RecordType::kHardState: {
      if (header.payload_bytes != sizeof(HardStatePayload)) return ParseOutcome::kMalformed;
      HardStatePayload fixed;
      std::memcpy(&fixed, payload, sizeof(fixed));
      out->hard_state = HardState{fixed.term, fixed.vote, fixed.commit};
      return ParseOutcome::kOk;
    }
    case RecordType::kSnapshotMarker: {
      if (header.payload_bytes != sizeof(SnapshotMarkerPayload)) return ParseOutcome::kMalformed;
      SnapshotMarkerPayload fixed;
      std::memcpy(&fixed, payload, sizeof(fixed));
      out->snapshot = SnapshotMarker{fixed.index, fixed.term};
      return ParseOutcome::kOk;
    }
    default: return ParseOutcome::kMalformed;
  }
}

}  // namespace cairn::wal

#include "storage/wal/segment.h"

#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "base/crc32c.h"

namespace cairn::wal {
namespace {

bool ParseHex16(std::string_view s, uint64_t* out) {
  if (s.size() != 16) return false;
  uint64_t value = 0;
  for (char c : s) {
    int digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else {
      return false;
    }
    value = value << 4 | static_cast<uint64_t>(digit);
  }
  *out = value;
  return true;
}

// Offset of the last non-zero byte at or after `from`, plus one; `from` if none.
uint64_t NonZeroEnd(std::span<const std::byte> bytes, uint64_t from) {
  uint64_t end = bytes.size();
  // Whole zero words first: the tail of a segment is mostly preallocated zeros.
  while (end >= from + 8) {
    uint64_t word;
    std::memcpy(&word, bytes.data() + end - 8, 8);
    if (word != 0) break;
    end -= 8;
  }
  for (; end > from; --end) {
    if (bytes[end - 1] != std::byte{0}) return end;
  }
  return from;
}

}  // namespace

std::string SegmentFileName(uint64_t segment_seq, uint64_t first_index) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%016" PRIx64 "-%016" PRIx64 "%s", segment_seq, first_index,
                kSegmentSuffix);
  return buf;
}

bool ParseSegmentFileName(std::string_view name, uint64_t* segment_seq, uint64_t* first_index) {
  const std::string_view suffix = kSegmentSuffix;
  if (name.size() != 16 + 1 + 16 + suffix.size() || name.substr(33) != suffix || name[16] != '-')
    return false;
  return ParseHex16(name.substr(0, 16), segment_seq) && ParseHex16(name.substr(17, 16), first_index);
}

void EncodeSegmentHeader(uint64_t segment_seq, uint64_t first_index, uint16_t first_group,
                         std::vector<std::byte>* out) {
  SegmentHeader header{};
  std::memcpy(header.magic, kSegmentMagic, sizeof(header.magic));
  header.version = kFormatVersion;
  header.header_bytes = sizeof(SegmentHeader);
  header.segment_seq = segment_seq;
  header.first_index = first_index;
  header.first_group = first_group;
  header.crc32c = crc32c::Value(&header, offsetof(SegmentHeader, crc32c));
  const auto* p = reinterpret_cast<const std::byte*>(&header);
  out->insert(out->end(), p, p + sizeof(header));
}

Status SegmentCorruption(const std::string& path, uint64_t offset, std::string_view what) {
  return Status::Corruption("WAL segment " + path + ": " + std::string(what) + " at offset " +
                            std::to_string(offset) +
                            "; restore the member from a snapshot or remove it and re-add it "
                            "(docs/wal_format.md)");
}

Status CheckSegmentHeader(std::span<const std::byte> segment, const std::string& path, uint64_t segment_seq,
                          uint64_t first_index, uint16_t* first_group) {
  if (segment.size() < sizeof(SegmentHeader))
    return SegmentCorruption(path, 0, "file shorter than its header");
  SegmentHeader header;
  std::memcpy(&header, segment.data(), sizeof(header));
  if (header.crc32c != crc32c::Value(&header, offsetof(SegmentHeader, crc32c))) {
    return SegmentCorruption(path, 0, "segment header checksum mismatch");
  }
  if (std::memcmp(header.magic, kSegmentMagic, sizeof(header.magic)) != 0) {
    return SegmentCorruption(path, 0, "bad segment magic");
  }
  if (header.version != kFormatVersion || header.header_bytes != sizeof(SegmentHeader)) {
    return SegmentCorruption(path, 0, "unsupported segment version " + std::to_string(header.version));
  }
  if (header.segment_seq != segment_seq || header.first_index != first_index) {
    return SegmentCorruption(path, 0,
                             "segment header (seq " + std::to_string(header.segment_seq) + ", first index " +
                                 std::to_string(header.first_index) + ") does not match the file name");
  }
  if (header.first_group > UINT16_MAX || header.reserved1 != 0) {
    return SegmentCorruption(path, 0, "segment header has reserved bits set");
  }
  *first_group = static_cast<uint16_t>(header.first_group);
  return Status::Ok();
}

Status ScanSegment(std::span<const std::byte> segment, const std::string& path, uint16_t first_group,
                   bool allow_torn_tail, const RecordVisitor& visit, SegmentScan* scan) {
  // Records are visited a whole group at a time, so a torn group is dropped
  // entirely: one Append is all-or-nothing across a crash.
  struct Pending {
    DecodedRecord record;
    uint64_t offset;
  };
  std::vector<Pending> pending;  // records of the group not yet ended
  uint64_t offset = sizeof(SegmentHeader);
  uint64_t complete_end = offset;  // just past the last group-end record
  uint16_t group = first_group;    // the group the record at `offset` must belong to
  DecodedRecord record;
  for (;;) {
    ParseOutcome outcome = ParseRecord(segment, offset, &record);
    if (outcome == ParseOutcome::kMalformed) return SegmentCorruption(path, offset, "malformed record");
    if (outcome == ParseOutcome::kNoRecord) break;
    if (record.group != group) break;  // a hole: classified below like any bad record
    const uint64_t record_bytes = record.record_bytes;
    const bool group_end = (record.flags & kRecordFlagGroupEnd) != 0;
    pending.push_back(Pending{std::move(record), offset});
    offset += record_bytes;
    if (group_end) {
      for (Pending& p : pending) CAIRN_RETURN_IF_ERROR(visit(p.record, p.offset));
      pending.clear();
      complete_end = offset;
      group = static_cast<uint16_t>(group + 1);
    }
  }
  const uint64_t bad_offset = offset;  // where the next valid record should have started
  scan->end_offset = complete_end;
  scan->next_group = group;
  const uint64_t nonzero_end = NonZeroEnd(segment, complete_end);
  scan->torn_bytes = nonzero_end - complete_end;
  if (scan->torn_bytes == 0) return Status::Ok();  // preallocated zeros: the end of the log
  if (!allow_torn_tail) {
    return SegmentCorruption(
        path, bad_offset,
        pending.empty() ? "bad record in a sealed segment" : "unfinished group commit in a sealed segment");
  }
  // A group is written only after the one before it is durable, so a valid
  // record of any other group after the damage proves that acknowledged data
  // was lost. Records of the damaged group itself are its torn write (the
  // pages of one write can reach the disk in any order).
  for (uint64_t p = bad_offset; p < nonzero_end;) {
    ParseOutcome outcome = ParseRecord(segment, p, &record);
    if (outcome == ParseOutcome::kNoRecord) {
      p += kRecordAlignBytes;
      continue;
    }
    if (outcome == ParseOutcome::kMalformed || record.group != group) {
      return SegmentCorruption(
          path, bad_offset,
          "bad record followed by a valid record of another group commit at offset " + std::to_string(p));
    }
    p += record.record_bytes;
  }
  return Status::Ok();
}

}  // namespace cairn::wal

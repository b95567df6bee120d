// On-disk layout of the Cairn WAL, version 1. The prose is docs/wal_format.md;
// this header and that document change together (CRAFT.md §3).
//
// All integers are little-endian; the structs below are the exact bytes on
// disk (x86-64/aarch64 little-endian only, checked below).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>

namespace cairn::wal {

static_assert(std::endian::native == std::endian::little, "the WAL format is little-endian");

inline constexpr char kSegmentMagic[8] = {'C', 'A', 'I', 'R', 'N', 'W', 'A', 'L'};
inline constexpr uint32_t kFormatVersion = 1;

// Default size a segment is preallocated to; tests use 64 KiB.
inline constexpr uint64_t kDefaultSegmentBytes = uint64_t{64} << 20;
// Every record starts at a multiple of this within its segment.
inline constexpr uint64_t kRecordAlignBytes = 8;
// Sanity bound on one record's payload; larger lengths are corruption.
inline constexpr uint32_t kPayloadBytesMax = uint32_t{256} << 20;

// "%016x-%016x.wal" of (segment_seq, first_index), and the next segment
// being preallocated.
inline constexpr char kSegmentSuffix[] = ".wal";
inline constexpr char kTmpSegmentName[] = "segment.tmp";

struct SegmentHeader {
  char magic[8];          // kSegmentMagic
  uint32_t version;       // kFormatVersion
  uint32_t header_bytes;  // sizeof(SegmentHeader)
  uint64_t segment_seq;   // equals the seq in the file name
  uint64_t first_index;   // equals the index in the file name
  uint64_t first_group;   // group number (mod 2^16) of the first records written here
  uint32_t reserved1;     // 0
  uint32_t crc32c;        // CRC-32C of bytes [0, offsetof(crc32c))
};
static_assert(sizeof(SegmentHeader) == 48);
static_assert(offsetof(SegmentHeader, version) == 8);
static_assert(offsetof(SegmentHeader, header_bytes) == 12);
static_assert(offsetof(SegmentHeader, segment_seq) == 16);
static_assert(offsetof(SegmentHeader, first_index) == 24);
static_assert(offsetof(SegmentHeader, first_group) == 32);
static_assert(offsetof(SegmentHeader, reserved1) == 40);
static_assert(offsetof(SegmentHeader, crc32c) == 44);
static_assert(sizeof(SegmentHeader) % kRecordAlignBytes == 0);

enum class RecordType : uint8_t {
  kZero = 0,  // never written; a zero header marks the end of the log
  kEntry = 1,
  kHardState = 2,
  kSnapshotMarker = 3,
};

// RecordHeader::flags bits.
inline constexpr uint8_t kRecordFlagGroupEnd = 1;  // last record of its group commit (one write)

struct RecordHeader {
  uint32_t crc32c;         // CRC-32C of bytes [4, 12), payload and padding
  uint32_t payload_bytes;  // payload length, without header and padding
  uint8_t type;            // RecordType
  uint8_t flags;           // kRecordFlag* bits; others 0
  uint16_t group;          // number (mod 2^16) of the group commit that wrote the record
};
static_assert(sizeof(RecordHeader) == 12);
static_assert(offsetof(RecordHeader, payload_bytes) == 4);
static_assert(offsetof(RecordHeader, type) == 8);
static_assert(offsetof(RecordHeader, flags) == 9);
static_assert(offsetof(RecordHeader, group) == 10);
inline constexpr size_t kRecordCrcCoverageStart = offsetof(RecordHeader, payload_bytes);

// Payload of kEntry: this struct followed by the entry's data bytes.
struct EntryPayloadHeader {
  uint64_t index;
  uint64_t term;
};
static_assert(sizeof(EntryPayloadHeader) == 16);
static_assert(offsetof(EntryPayloadHeader, term) == 8);

// Payload of kHardState (exact size).
struct HardStatePayload {
  uint64_t term;
  uint64_t vote;
  uint64_t commit;
};
static_assert(sizeof(HardStatePayload) == 24);
static_assert(offsetof(HardStatePayload, vote) == 8);
static_assert(offsetof(HardStatePayload, commit) == 16);

// Payload of kSnapshotMarker (exact size).
struct SnapshotMarkerPayload {
  uint64_t index;
  uint64_t term;
};
static_assert(sizeof(SnapshotMarkerPayload) == 16);
static_assert(offsetof(SnapshotMarkerPayload, term) == 8);

// Bytes a record with `payload_bytes` of payload occupies on disk.
constexpr uint64_t RecordBytes(uint64_t payload_bytes) {
  return (sizeof(RecordHeader) + payload_bytes + kRecordAlignBytes - 1) / kRecordAlignBytes *
         kRecordAlignBytes;
}
static_assert(RecordBytes(0) == 16);
static_assert(RecordBytes(4) == 16);
static_assert(RecordBytes(5) == 24);
static_assert(RecordBytes(sizeof(HardStatePayload)) == 40);

}  // namespace cairn::wal

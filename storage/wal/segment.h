// Segment files: names, headers and the record scan that tells a clean end
// of log, a torn tail and corruption apart (docs/wal_format.md, "Durability
// and recovery"). Pure functions over bytes; no I/O. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "storage/wal/record.h"

namespace cairn::wal {

// "%016x-%016x.wal".
std::string SegmentFileName(uint64_t segment_seq, uint64_t first_index);
// False when `name` is not a segment file name.
bool ParseSegmentFileName(std::string_view name, uint64_t* segment_seq, uint64_t* first_index);

// Appends the 48-byte SegmentHeader.
void EncodeSegmentHeader(uint64_t segment_seq, uint64_t first_index, uint16_t first_group,
                         std::vector<std::byte>* out);
// Corruption unless `segment` starts with a valid header for (seq,
// first_index); sets *first_group from it.
Status CheckSegmentHeader(std::span<const std::byte> segment, const std::string& path, uint64_t segment_seq,
                          uint64_t first_index, uint16_t* first_group);

// "WAL segment <path>: <what> at offset <offset>; restore the member from a
// snapshot or remove it and re-add it (docs/wal_format.md)".
Status SegmentCorruption(const std::string& path, uint64_t offset, std::string_view what);

struct SegmentScan {
  uint64_t end_offset = 0;  // just past the last complete group: where the next append goes
  uint64_t torn_bytes = 0;  // from end_offset to the last non-zero byte; 0 on a clean end
  uint16_t next_group = 0;  // group number for the next group commit
};

// Called for each valid record in file order; a non-ok Status stops the scan
// and is returned.
using RecordVisitor = std::function<Status(DecodedRecord& record, uint64_t offset)>;

// Walks the records of a whole segment file (header included in `segment`,
// `first_group` from its header), visiting the records of each group commit
// once its group-end record has been read. Stops at the first offset p where
// no valid record of the expected group starts. If only zeros follow the last
// complete group, that is the end of the log. Else, if `allow_torn_tail`
// (the last segment) and every valid record from p on belongs to the
// unfinished group, that group is a torn write (never acknowledged): it is
// dropped and its bytes reported in scan->torn_bytes, counted from
// scan->end_offset. Anything else (a valid record of another group after p,
// an unfinished group or damage in a sealed segment) is Corruption naming
// `path` and p.
Status ScanSegment(std::span<const std::byte> segment, const std::string& path, uint16_t first_group,
                   bool allow_torn_tail, const RecordVisitor& visit, SegmentScan* scan);

}  // namespace cairn::wal

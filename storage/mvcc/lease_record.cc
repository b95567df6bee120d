#include "storage/mvcc/lease_record.h"

#include "storage/mvcc/key_value.h"
#include "storage/mvcc/revision.h"

namespace cairn::mvcc {
namespace {

void AppendInt64(uint32_t field, int64_t v, std::string* out) {
  if (v == 0) return;
  AppendVarint(static_cast<uint64_t>(field) << 3, out);
  AppendVarint(static_cast<uint64_t>(v), out);
}

}  // namespace

std::string LeaseKey(int64_t id) { return BigEndian64(static_cast<uint64_t>(id)); }

std::string SerializeLeaseRecord(const LeaseRecord& r) {
  std::string out;
  AppendInt64(1, r.id, &out);
  AppendInt64(2, r.ttl_seconds, &out);
  AppendInt64(3, r.remaining_ttl_seconds, &out);
  return out;
}

Status ParseLeaseRecord(std::string_view bytes, LeaseRecord* out) {
  *out = LeaseRecord{};
  std::string_view in = bytes;
  while (!in.empty()) {
    uint64_t tag = 0;
    if (!ReadVarint(&in, &tag)) return Status::Corruption("leasepb.Lease: bad tag");
    const uint32_t field = static_cast<uint32_t>(tag >> 3);
    const uint32_t wire_type = static_cast<uint32_t>(tag & 7);
    if (field >= 1 && field <= 3 && wire_type == 0) {
      uint64_t v = 0;
      if (!ReadVarint(&in, &v)) return Status::Corruption("leasepb.Lease: bad varint");
      int64_t sv = static_cast<int64_t>(v);
      if (field == 1) out->id = sv;
      if (field == 2) out->ttl_seconds = sv;
      if (field == 3) out->remaining_ttl_seconds = sv;
    } else if (field == 0 || !SkipField(&in, wire_type)) {
      return Status::Corruption("leasepb.Lease: malformed field " + std::to_string(field));
    }
  }
  return Status::Ok();
}

}  // namespace cairn::mvcc

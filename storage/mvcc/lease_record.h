// The `lease` bucket record (etcd lease/lessor.go persistTo): key = 8-byte big-endian lease ID,
// value = serialized leasepb.Lease {ID=1 int64, TTL=2 int64, RemainingTTL=3 int64} (zero fields
// omitted, as gogoproto writes them).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace cairn::mvcc {

struct LeaseRecord {
  int64_t id = 0;
  int64_t ttl_seconds = 0;
  int64_t remaining_ttl_seconds = 0;  // 0: unset (use ttl)

  friend bool operator==(const LeaseRecord&, const LeaseRecord&) = default;
};

std::string LeaseKey(int64_t id);
std::string SerializeLeaseRecord(const LeaseRecord& r);
Status ParseLeaseRecord(std::string_view bytes, LeaseRecord* out);

}  // namespace cairn::mvcc

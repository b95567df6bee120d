// LeaseHooks: what the KV store needs from the lessor (etcd's lease.Lessor as seen by mvcc).
#pragma once

#include <cstdint>
#include <string_view>

namespace cairn::mvcc {

using LeaseId = int64_t;
inline constexpr LeaseId kNoLease = 0;

class LeaseHooks {
 public:
  virtual ~LeaseHooks() = default;
  virtual bool LeaseExists(LeaseId id) const = 0;
  // The lease `key` is attached to, or kNoLease.
  virtual LeaseId LeaseOf(std::string_view key) const = 0;
  virtual void Attach(LeaseId id, std::string_view key) = 0;
  virtual void Detach(LeaseId id, std::string_view key) = 0;
};

}  // namespace cairn::mvcc

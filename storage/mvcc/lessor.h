// Lessor: leases with TTLs, keys attached to them, persisted in the `lease` bucket
// (etcd lease/lessor.go).
//
// Time comes from an injected clock; nothing here sleeps or starts threads. The owner
//   * calls Promote() when this member becomes the leader (single node: at start) and Demote()
//     when it stops being leader: only a primary lessor expires leases;
//   * polls FindExpired() periodically (etcd: every 500 ms) and proposes a revoke through raft
//     for each lease returned; a returned lease is not returned again for
//     `expired_retry_interval` (etcd: 3 s) unless revoked meanwhile;
//   * applies Grant/Revoke/Checkpoint from the raft log on every member.
// Restore (Open): leases are read from the `lease` bucket with an infinite expiry; Promote gives
// each its full TTL again (plus `extend`), as etcd does. Keys are re-attached by KvStore::Open,
// which must therefore run after Lessor::Open with `leases` pointing here.
//
// Thread-safety: all methods are thread-safe. Revoke opens a KvStore write transaction: do not
// call it while holding one.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "base/status.h"
#include "storage/backend/backend.h"
#include "storage/mvcc/kv_store.h"
#include "storage/mvcc/lease_hooks.h"

namespace cairn::mvcc {

using LeaseClock = std::function<std::chrono::steady_clock::time_point()>;

inline constexpr int64_t kMaxLeaseTtlSeconds = 9000000000LL;  // etcd MaxLeaseTTL
inline constexpr int64_t kLeaseRevokeRate = 1000;             // etcd leaseRevokeRate (per second)

struct LeaseInfo {
  LeaseId id = 0;
  int64_t granted_ttl_seconds = 0;
  // Seconds left, truncated (etcd LeaseTimeToLive); very large while not primary.
  int64_t remaining_seconds = 0;
  std::vector<std::string> keys;  // sorted
};

class Lessor : public LeaseHooks {
 public:
  struct Options {
    LeaseClock clock;             // required
    int64_t min_ttl_seconds = 0;  // etcd: ceil(3 * election timeout / 1 s)
    std::chrono::milliseconds expired_retry_interval{3000};
  };

  static Status Open(backend::Backend* b, Options options, std::unique_ptr<Lessor>* out);

  // The store whose keys Revoke deletes. REQUIRES: set before the first Revoke.
  void set_kv(KvStore* kv);

  // Errors: id 0 -> kErrLeaseNotFound (the server picks an ID first, see NextFreeId);
  // ttl > kMaxLeaseTtlSeconds -> kErrLeaseTTLTooLarge; existing id -> kErrLeaseExists.
  // TTLs below min_ttl_seconds are raised to it. Returns the granted TTL.
  Status Grant(LeaseId id, int64_t ttl_seconds, int64_t* granted_ttl_seconds);
  // Deletes the attached keys (sorted) and the lease record in one write txn (watchers see the
  // deletes at one revision). Errors: kErrLeaseNotFound.
  Status Revoke(LeaseId id);
  // Keep-alive: restarts the TTL. Returns the granted TTL. Errors: kErrLeaseNotFound (also for an
  // expired lease awaiting revocation), Unavailable "not a primary lessor".
  Status Renew(LeaseId id, int64_t* ttl_seconds);
  // Records a checkpointed remaining TTL (etcd LeaseCheckpoint; not persisted, as 3.5).
  void Checkpoint(LeaseId id, int64_t remaining_ttl_seconds);

  bool Lookup(LeaseId id, LeaseInfo* out) const;
  // All leases, soonest expiry first.
  std::vector<LeaseInfo> Leases() const;
  size_t size() const;

  // Becomes primary: every lease expires `extend` + its (remaining) TTL from now; with >= 1000
  // leases, expiries are spread so at most 750 fall in any second (etcd Promote).
  void Promote(std::chrono::milliseconds extend);
  void Demote();
  bool is_primary() const;
  // Expired leases (at most `limit`), while primary.
  std::vector<LeaseId> FindExpired(size_t limit = 500);

  // LeaseHooks (called by KvStore).
  bool LeaseExists(LeaseId id) const override;
  LeaseId LeaseOf(std::string_view key) const override;
  void Attach(LeaseId id, std::string_view key) override;
  void Detach(LeaseId id, std::string_view key) override;

 private:
  using TimePoint = std::chrono::steady_clock::time_point;
  struct Lease {
    LeaseId id = 0;
    int64_t ttl_seconds = 0;
    int64_t remaining_ttl_seconds = 0;
    TimePoint expiry = TimePoint::max();  // max: forever (not primary)
    TimePoint next_check = TimePoint::max();
    std::set<std::string> keys;
    int64_t RemainingTtl() const { return remaining_ttl_seconds > 0 ? remaining_ttl_seconds : ttl_seconds; }
  };

  Lessor(backend::Backend* b, Options options) : b_(b), options_(std::move(options)) {}
  Status Recover();
  // REQUIRES: mu_ held.
  void Refresh(Lease* l, std::chrono::milliseconds extend);
  void Schedule(Lease* l, TimePoint when);
  LeaseInfo InfoOf(const Lease& l) const;
  void Persist(const Lease& l);

  backend::Backend* b_;
  Options options_;
  KvStore* kv_ = nullptr;
  mutable std::mutex mu_;
  std::map<LeaseId, Lease> leases_;
  std::map<std::string, LeaseId, std::less<>> item_map_;
  std::set<std::pair<TimePoint, LeaseId>> expiry_queue_;  // (next_check, id) of primary leases
  bool primary_ = false;
};

}  // namespace cairn::mvcc

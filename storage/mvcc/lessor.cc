#include "storage/mvcc/lessor.h"

#include <algorithm>
#include <cassert>

#include "storage/mvcc/errors.h"
#include "storage/mvcc/lease_record.h"

namespace cairn::mvcc {

// Lock order: the backend BatchTx lock (held by KvStore write txns) before mu_. So mu_ is never
// held while taking the BatchTx lock.

Status Lessor::Open(backend::Backend* b, Options options, std::unique_ptr<Lessor>* out) {
  assert(options.clock && "Lessor needs a clock");
  std::unique_ptr<Lessor> l(new Lessor(b, std::move(options)));
  CAIRN_RETURN_IF_ERROR(l->Recover());
  *out = std::move(l);
  return Status::Ok();
}

Status Lessor::Recover() {
  std::vector<LeaseRecord> records;
  {
    backend::BatchTxLock lock(b_->batch_tx());
    b_->batch_tx()->UnsafeCreateBucket(backend::kLeaseBucket);
    Status st;
    b_->batch_tx()->UnsafeForEach(backend::kLeaseBucket, [&](std::string_view k, std::string_view v) {
      LeaseRecord r;
      st = ParseLeaseRecord(v, &r);
      if (!st.ok() || k.size() != 8) {
        if (st.ok()) st = Status::Corruption("lease bucket: key of " + std::to_string(k.size()) + " bytes");
        return false;
      }
      records.push_back(r);
      return true;
    });
    CAIRN_RETURN_IF_ERROR(st);
  }
  std::lock_guard<std::mutex> g(mu_);
  for (const LeaseRecord& r : records) {
    Lease l;
    l.id = r.id;
    l.ttl_seconds = std::max(r.ttl_seconds, options_.min_ttl_seconds);
    l.remaining_ttl_seconds = r.remaining_ttl_seconds;
    leases_[l.id] = std::move(l);  // expiry: forever until Promote
  }
  return Status::Ok();
}

void Lessor::set_kv(KvStore* kv) {
  std::lock_guard<std::mutex> g(mu_);
  kv_ = kv;
}

void Lessor::Schedule(Lease* l, TimePoint when) {
  if (l->next_check != TimePoint::max()) expiry_queue_.erase({l->next_check, l->id});
  l->next_check = when;
  if (when != TimePoint::max()) expiry_queue_.insert({when, l->id});
}

void Lessor::Refresh(Lease* l, std::chrono::milliseconds extend) {
  l->expiry = options_.clock() + extend + std::chrono::seconds(l->RemainingTtl());
  Schedule(l, l->expiry);
}

void Lessor::Persist(const Lease& l) {
  backend::BatchTxLock lock(b_->batch_tx());
  b_->batch_tx()->UnsafePut(backend::kLeaseBucket, LeaseKey(l.id),
                            SerializeLeaseRecord({l.id, l.ttl_seconds, l.remaining_ttl_seconds}));
}

Status Lessor::Grant(LeaseId id, int64_t ttl_seconds, int64_t* granted_ttl_seconds) {
  if (id == kNoLease) return ErrLeaseNotFound();
  if (ttl_seconds > kMaxLeaseTtlSeconds) return ErrLeaseTTLTooLarge();
  Lease copy;
  {
    std::lock_guard<std::mutex> g(mu_);
    if (leases_.count(id)) return ErrLeaseExists();
    Lease& l = leases_[id];
    l.id = id;
    l.ttl_seconds = std::max(ttl_seconds, options_.min_ttl_seconds);
    if (primary_) Refresh(&l, std::chrono::milliseconds(0));
    copy = l;
  }
  Persist(copy);
  *granted_ttl_seconds = copy.ttl_seconds;
  return Status::Ok();
}

Status Lessor::Revoke(LeaseId id) {
  std::vector<std::string> keys;
  KvStore* kv;
  {
    std::lock_guard<std::mutex> g(mu_);
    auto it = leases_.find(id);
    if (it == leases_.end()) return ErrLeaseNotFound();
    keys.assign(it->second.keys.begin(), it->second.keys.end());  // sorted, as etcd sorts
    kv = kv_;
  }
  assert(kv && "Lessor::Revoke before set_kv");
  std::unique_ptr<WriteTxn> txn = kv->Write();
  for (const std::string& key : keys) {
    Revision rev;
    txn->DeleteRangeKeys(KeyRange{key, {}}, &rev);
  }
  {
    std::lock_guard<std::mutex> g(mu_);
    auto it = leases_.find(id);
    if (it != leases_.end()) {
      Schedule(&it->second, TimePoint::max());
      for (const std::string& k : it->second.keys) item_map_.erase(k);
      leases_.erase(it);
    }
    txn->batch_tx()->UnsafeDelete(backend::kLeaseBucket, LeaseKey(id));
  }
  txn.reset();  // ends the txn: one revision, watch events
  return Status::Ok();
}

Status Lessor::Renew(LeaseId id, int64_t* ttl_seconds) {
  std::lock_guard<std::mutex> g(mu_);
  if (!primary_) return Status::Unavailable("not a primary lessor");
  auto it = leases_.find(id);
  if (it == leases_.end()) return ErrLeaseNotFound();
  Lease& l = it->second;
  // etcd waits for the pending revocation of an expired lease and then reports it missing.
  if (l.expiry <= options_.clock()) return ErrLeaseNotFound();
  l.remaining_ttl_seconds = 0;  // a keep-alive restarts the full TTL (etcd clears the checkpoint)
  Refresh(&l, std::chrono::milliseconds(0));
  *ttl_seconds = l.ttl_seconds;
  return Status::Ok();
}

void Lessor::Checkpoint(LeaseId id, int64_t remaining_ttl_seconds) {
  std::lock_guard<std::mutex> g(mu_);
  auto it = leases_.find(id);
  if (it != leases_.end()) it->second.remaining_ttl_seconds = remaining_ttl_seconds;
}

LeaseInfo Lessor::InfoOf(const Lease& l) const {
  LeaseInfo info;
  info.id = l.id;
  info.granted_ttl_seconds = l.ttl_seconds;
  if (l.expiry == TimePoint::max()) {
    info.remaining_seconds = INT64_MAX / 1000000000;  // Go: time.Duration(MaxInt64).Seconds()
  } else {
    info.remaining_seconds =
        std::chrono::duration_cast<std::chrono::seconds>(l.expiry - options_.clock()).count();
  }
  info.keys.assign(l.keys.begin(), l.keys.end());
  return info;
}

bool Lessor::Lookup(LeaseId id, LeaseInfo* out) const {
  std::lock_guard<std::mutex> g(mu_);
  auto it = leases_.find(id);
  if (it == leases_.end()) return false;
  *out = InfoOf(it->second);
  return true;
}

std::vector<LeaseInfo> Lessor::Leases() const {
  std::vector<std::pair<TimePoint, LeaseInfo>> all;
  {
    std::lock_guard<std::mutex> g(mu_);
    for (const auto& [id, l] : leases_) all.emplace_back(l.expiry, InfoOf(l));
  }
  std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<LeaseInfo> out;
  out.reserve(all.size());
  for (auto& [t, info] : all) out.push_back(std::move(info));
  return out;
}

size_t Lessor::size() const {
  std::lock_guard<std::mutex> g(mu_);
  return leases_.size();
}

void Lessor::Promote(std::chrono::milliseconds extend) {
  std::lock_guard<std::mutex> g(mu_);
  primary_ = true;
  for (auto& [id, l] : leases_) Refresh(&l, extend);
  if (leases_.size() < static_cast<size_t>(kLeaseRevokeRate)) return;

  // etcd: spread expiries so that at most 3/4 of the revoke rate expire in any second, or a
  // new leader with many restored leases would revoke them all in one burst.
  using Nanos = std::chrono::nanoseconds;
  const TimePoint now = options_.clock();
  std::vector<Lease*> sorted;
  sorted.reserve(leases_.size());
  for (auto& [id, l] : leases_) sorted.push_back(&l);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Lease* a, const Lease* b) { return a->expiry < b->expiry; });
  Nanos base_window = sorted[0]->expiry - now;
  Nanos next_window = base_window + std::chrono::seconds(1);
  int64_t expires = 0;
  const int64_t target_per_second = (3 * kLeaseRevokeRate) / 4;
  for (Lease* l : sorted) {
    const Nanos remaining = l->expiry - now;
    if (remaining > next_window) {
      base_window = remaining;
      next_window = base_window + std::chrono::seconds(1);
      expires = 1;
      continue;
    }
    ++expires;
    if (expires <= target_per_second) continue;
    const double rate_delay_ns =
        1e9 * (static_cast<double>(expires) / static_cast<double>(target_per_second)) -
        static_cast<double>((remaining - base_window).count());
    const Nanos delay(static_cast<int64_t>(rate_delay_ns));
    next_window = base_window + delay;
    l->expiry = now + extend + delay + std::chrono::seconds(l->RemainingTtl());
    Schedule(l, l->expiry);
  }
}

void Lessor::Demote() {
  std::lock_guard<std::mutex> g(mu_);
  primary_ = false;
  for (auto& [id, l] : leases_) {
    l.expiry = TimePoint::max();
    Schedule(&l, TimePoint::max());
  }
}

bool Lessor::is_primary() const {
  std::lock_guard<std::mutex> g(mu_);
  return primary_;
}

std::vector<LeaseId> Lessor::FindExpired(size_t limit) {
  std::vector<LeaseId> out;
  std::lock_guard<std::mutex> g(mu_);
  if (!primary_) return out;
  const TimePoint now = options_.clock();
  while (!expiry_queue_.empty() && out.size() < limit) {
    auto [when, id] = *expiry_queue_.begin();
    if (when > now) break;
    Lease& l = leases_.at(id);
    // Not reported again until the retry interval passes (the revoke is in flight).
    Schedule(&l, now + options_.expired_retry_interval);
    if (l.expiry <= now) out.push_back(id);
  }
  return out;
}

bool Lessor::LeaseExists(LeaseId id) const {
  std::lock_guard<std::mutex> g(mu_);
  return leases_.count(id) > 0;
}

LeaseId Lessor::LeaseOf(std::string_view key) const {
  std::lock_guard<std::mutex> g(mu_);
  auto it = item_map_.find(key);
  return it == item_map_.end() ? kNoLease : it->second;
}

void Lessor::Attach(LeaseId id, std::string_view key) {
  std::lock_guard<std::mutex> g(mu_);
  auto it = leases_.find(id);
  if (it == leases_.end()) return;  // etcd returns ErrLeaseNotFound; callers checked existence
  it->second.keys.emplace(key);
  item_map_[std::string(key)] = id;
}

void Lessor::Detach(LeaseId id, std::string_view key) {
  std::lock_guard<std::mutex> g(mu_);
  auto it = leases_.find(id);
  if (it == leases_.end()) return;
  it->second.keys.erase(std::string(key));
  auto im = item_map_.find(key);
  if (im != item_map_.end()) item_map_.erase(im);
}

}  // namespace cairn::mvcc

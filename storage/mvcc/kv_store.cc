#include "storage/mvcc/kv_store.h"

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "base/crc32c.h"
#include "storage/mvcc/errors.h"

namespace cairn::mvcc {
namespace {

using backend::kKeyBucket;
using backend::kMetaBucket;

[[noreturn]] void Fatal(const std::string& msg) {
  std::fprintf(stderr, "mvcc: fatal: %s\n", msg.c_str());
  std::abort();
}

bool NeedsFetchAll(const RangeRequest& req) {
  return req.sort_order != SortOrder::kNone || req.min_mod_revision != 0 || req.max_mod_revision != 0 ||
         req.min_create_revision != 0 || req.max_create_revision != 0;
}

// Ordering of etcd's kvSortBy* (ascending).
bool SortLess(SortTarget target, const RangeKv& a, const RangeKv& b) {
  switch (target) {
    case SortTarget::kKey: return a.kv.key < b.kv.key;
    case SortTarget::kVersion: return a.kv.version < b.kv.version;
    case SortTarget::kCreate: return a.kv.create_revision < b.kv.create_revision;
    case SortTarget::kMod: return a.kv.mod_revision < b.kv.mod_revision;
    case SortTarget::kValue: return a.kv.value < b.kv.value;
  }
  return false;
}

}  // namespace

void RangeResponse::AppendKv(size_t i, std::string* out) const {
  const RangeKv& r = kvs[i];
  if (!keys_only || r.kv.value.empty()) {
    out->append(r.raw);
    return;
  }
  AppendKeyValue(r.kv.key, r.kv.create_revision, r.kv.mod_revision, r.kv.version, {}, r.kv.lease, out);
}

// ---- ReadTxn ----

ReadTxn::ReadTxn(KvStore* s, std::unique_ptr<backend::ReadView> view, Revision rev, Revision compact_rev)
    : s_(s), pin_(std::make_shared<RangePin>()), rev_(rev), compact_rev_(compact_rev) {
  pin_->view = std::move(view);
}

Status ReadTxn::Range(const RangeRequest& req, RangeResponse* resp) {
  return s_->RangeKeys(*pin_->view, req, rev_, compact_rev_, pin_, /*copy=*/false, resp);
}

// ---- WriteTxn ----

WriteTxn::WriteTxn(KvStore* s, std::unique_lock<std::mutex> lock)
    : s_(s), write_lock_(std::move(lock)), tx_(s->b_->batch_tx()) {
  tx_->Lock();
  std::shared_lock rl(s_->rev_mu_);
  begin_rev_ = s_->current_rev_;
}

WriteTxn::~WriteTxn() { s_->EndWrite(this); }

Status WriteTxn::Range(const RangeRequest& req, RangeResponse* resp) {
  Revision compact_rev;
  {
    std::shared_lock rl(s_->rev_mu_);
    compact_rev = s_->compact_rev_;
  }
  return s_->RangeKeys(*tx_, req, read_revision(), compact_rev, std::make_shared<RangePin>(),
                       /*copy=*/true, resp);
}

Revision WriteTxn::Put(std::string_view key, std::string_view value, LeaseId lease) {
  const Revision rev = begin_rev_ + 1;
  Revision created = rev;
  int64_t version = 0;
  LeaseId old_lease = kNoLease;
  KeyIndex::GetResult g;
  if (s_->index_.Get(key, rev, &g)) {
    created = g.created.main;
    version = g.version;
    if (s_->options_.leases) old_lease = s_->options_.leases->LeaseOf(key);
  }
  const RevisionPair idx_rev{rev, static_cast<int64_t>(changes_.size())};
  KeyValue kv{std::string(key), created, rev, version + 1, std::string(value), lease};
  tx_->UnsafeSeqPut(kKeyBucket, RevisionToBytes(idx_rev), SerializeKeyValue(kv));
  s_->index_.Put(key, idx_rev);
  changes_.push_back(std::move(kv));
  deletes_.push_back(false);
  if (old_lease != kNoLease) s_->options_.leases->Detach(old_lease, key);
  if (lease != kNoLease) {
    assert(s_->options_.leases && "put with a lease but no lessor");
    s_->options_.leases->Attach(lease, key);
  }
  return rev;
}

int64_t WriteTxn::DeleteRangeKeys(const KeyRange& range, Revision* rev) {
  auto r = s_->index_.Range(range, read_revision());
  for (const std::string& key : r.keys) {
    const RevisionPair idx_rev{begin_rev_ + 1, static_cast<int64_t>(changes_.size())};
    KeyValue kv{key, 0, 0, 0, {}, 0};
    tx_->UnsafeSeqPut(kKeyBucket, RevisionToBytes(idx_rev, /*tombstone=*/true), SerializeKeyValue(kv));
    if (!s_->index_.Tombstone(key, idx_rev)) Fatal("cannot tombstone an existing key");
    changes_.push_back(std::move(kv));
    deletes_.push_back(true);
    if (s_->options_.leases) {
      LeaseId l = s_->options_.leases->LeaseOf(key);
      if (l != kNoLease) s_->options_.leases->Detach(l, key);
    }
  }
  const int64_t n = static_cast<int64_t>(r.keys.size());
  *rev = (n != 0 || !changes_.empty()) ? begin_rev_ + 1 : begin_rev_;
  return n;
}

Status WriteTxn::Put(const PutRequest& req, PutResponse* resp) {
  *resp = PutResponse{};
  LeaseId lease = req.lease;
  if (lease != kNoLease && (!s_->options_.leases || !s_->options_.leases->LeaseExists(lease))) {
    return ErrLeaseNotFound();
  }
  std::optional<KeyValue> prev;
  if (req.ignore_value || req.ignore_lease || req.prev_kv) {
    RangeRequest rr;
    rr.key = req.key;
    RangeResponse rresp;
    CAIRN_RETURN_IF_ERROR(Range(rr, &rresp));
    if (!rresp.kvs.empty()) prev = rresp.kvs[0].kv.ToOwned();
  }
  if ((req.ignore_value || req.ignore_lease) && !prev) return ErrKeyNotFound();
  std::string_view value = req.ignore_value ? std::string_view(prev->value) : std::string_view(req.value);
  if (req.ignore_lease) lease = prev->lease;
  if (req.prev_kv) resp->prev_kv = prev;
  resp->revision = Put(req.key, value, lease);
  return Status::Ok();
}

Status WriteTxn::DeleteRange(const DeleteRangeRequest& req, DeleteRangeResponse* resp) {
  *resp = DeleteRangeResponse{};
  KeyRange range{req.key, req.range_end};
  if (req.prev_kv) {
    RangeRequest rr;
    rr.key = req.key;
    rr.range_end = req.range_end;
    RangeResponse rresp;
    CAIRN_RETURN_IF_ERROR(Range(rr, &rresp));
    for (const RangeKv& kv : rresp.kvs) resp->prev_kvs.push_back(kv.kv.ToOwned());
  }
  resp->deleted = DeleteRangeKeys(range, &resp->revision);
  return Status::Ok();
}

// ---- KvStore ----

KvStore::KvStore(backend::Backend* b, Options options) : b_(b), options_(std::move(options)) {
  if (!options_.compaction_scheduler) {
    options_.compaction_scheduler = [](const std::function<void()>& job) { job(); };
  }
}

KvStore::~KvStore() { b_->set_pre_commit_hook(nullptr); }

Status KvStore::Open(backend::Backend* b, Options options, std::unique_ptr<KvStore>* out) {
  std::unique_ptr<KvStore> s(new KvStore(b, std::move(options)));
  CAIRN_RETURN_IF_ERROR(s->Restore());
  // Every backend commit carries the latest consistent index (etcd 3.5 backend hooks), so a
  // restart never re-applies entries whose effects are already committed.
  KvStore* raw = s.get();
  b->set_pre_commit_hook([raw](backend::BatchTx* tx) { raw->SaveConsistentIndexLocked(tx); });
  *out = std::move(s);
  return Status::Ok();
}

Status KvStore::Restore() {
  backend::BatchTx* tx = b_->batch_tx();
  Revision scheduled = 0;
  std::map<std::string, LeaseId, std::less<>> key_to_lease;
  {
    backend::BatchTxLock lock(tx);
    tx->UnsafeCreateBucket(kKeyBucket);
    tx->UnsafeCreateBucket(kMetaBucket);
  }
  {
    backend::BatchTxLock lock(tx);
    std::string_view v;
    if (tx->UnsafeGet(kMetaBucket, kFinishedCompactKey, &v)) {
      if (v.size() != kRevBytesLen) return Status::Corruption("meta/finishedCompactRev: bad length");
      compact_rev_ = BytesToRevision(v).main;
    }
    if (tx->UnsafeGet(kMetaBucket, kScheduledCompactKey, &v)) {
      if (v.size() != kRevBytesLen) return Status::Corruption("meta/scheduledCompactRev: bad length");
      scheduled = BytesToRevision(v).main;
    }
    if (tx->UnsafeGet(kMetaBucket, kConsistentIndexKey, &v)) {
      if (v.size() != 8) return Status::Corruption("meta/consistent_index: bad length");
      consistent_index_ = GetBigEndian64(v.data());
      persisted_consistent_index_ = consistent_index_;
    }
    if (tx->UnsafeGet(kMetaBucket, kTermKey, &v)) {
      if (v.size() != 8) return Status::Corruption("meta/term: bad length");
      term_ = GetBigEndian64(v.data());
    }

    std::string min = RevisionToBytes({1, 0});
    const std::string max =
        RevisionToBytes({std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::max()});
    const int64_t chunk = std::max<int64_t>(1, options_.restore_chunk_keys);
    while (true) {
      std::vector<std::string_view> keys, vals;
      tx->UnsafeRange(kKeyBucket, min, max, chunk, &keys, &vals);
      for (size_t i = 0; i < keys.size(); ++i) {
        if (!IsValidRevisionKey(keys[i])) {
          return Status::Corruption("key bucket: malformed revision key of " +
                                    std::to_string(keys[i].size()) + " bytes");
        }
        KeyValueView kv;
        Status st = ParseKeyValue(vals[i], &kv);
        if (!st.ok()) return st;
        const RevisionPair rev = BytesToRevision(keys[i]);
        const bool tomb = IsTombstoneKey(keys[i]);
        index_.RestoreRevision(kv.key, rev, tomb, RevisionPair{kv.create_revision, 0}, kv.version);
        current_rev_ = rev.main;
        if (tomb || kv.lease == kNoLease) {
          auto it = key_to_lease.find(kv.key);
          if (it != key_to_lease.end()) key_to_lease.erase(it);
        } else {
          key_to_lease[std::string(kv.key)] = kv.lease;
        }
      }
      if (static_cast<int64_t>(keys.size()) < chunk) break;
      RevisionPair next = BytesToRevision(keys.back());
      ++next.sub;
      min = RevisionToBytes(next);
    }
  }
  // Keys up to the compaction may all be gone; the revision never goes below it.
  if (current_rev_ < compact_rev_) current_rev_ = compact_rev_;
  if (scheduled <= compact_rev_) scheduled = 0;
  if (options_.leases) {
    for (const auto& [key, lease] : key_to_lease) {
      // etcd logs and continues when the lease is gone (e.g. revoked but keys not yet deleted).
      if (options_.leases->LeaseExists(lease)) options_.leases->Attach(lease, key);
    }
  }
  if (scheduled != 0) {
    // Resume an interrupted compaction (etcd compactLockfree).
    std::shared_future<void> done;
    Status st = Compact(scheduled, &done);
    (void)st;
  }
  return Status::Ok();
}

std::unique_ptr<ReadTxn> KvStore::Read() {
  std::shared_lock rl(rev_mu_);
  return std::unique_ptr<ReadTxn>(new ReadTxn(this, b_->Read(), current_rev_, compact_rev_));
}

std::unique_ptr<WriteTxn> KvStore::Write() {
  std::unique_lock<std::mutex> lock(write_mu_);
  return std::unique_ptr<WriteTxn>(new WriteTxn(this, std::move(lock)));
}

void KvStore::SaveConsistentIndexLocked(backend::BatchTx* tx) {
  const uint64_t ci = consistent_index_.load();
  if (ci == 0 || ci == persisted_consistent_index_) return;
  tx->UnsafePut(kMetaBucket, kConsistentIndexKey, BigEndian64(ci));
  const uint64_t t = term_.load();
  if (t > 0) tx->UnsafePut(kMetaBucket, kTermKey, BigEndian64(t));
  persisted_consistent_index_ = ci;
}

void KvStore::EndWrite(WriteTxn* t) {
  const bool changed = !t->changes_.empty();
  SaveConsistentIndexLocked(t->tx_);
  const Revision rev = t->begin_rev_ + 1;
  {
    // Publish the writes and the revision together: a reader sees both or neither.
    std::unique_lock rl(rev_mu_);
    t->tx_->Unlock();
    if (changed) current_rev_ = rev;
  }
  if (changed && observer_) {
    std::vector<Event> events;
    events.reserve(t->changes_.size());
    for (size_t i = 0; i < t->changes_.size(); ++i) {
      Event ev;
      ev.kv = std::move(t->changes_[i]);
      if (t->deletes_[i]) {
        ev.type = Event::Type::kDelete;
        ev.kv.mod_revision = rev;
      }
      events.push_back(std::move(ev));
    }
    observer_(rev, std::move(events));
  }
}

Status KvStore::RangeKeys(const backend::Reader& r, const RangeRequest& req, Revision cur_rev,
                          Revision compact_rev, const std::shared_ptr<RangePin>& pin, bool copy,
                          RangeResponse* resp) {
  *resp = RangeResponse{};
  resp->pin = pin;
  resp->keys_only = req.keys_only;
  Revision rev = req.revision;
  if (rev > cur_rev) return ErrFutureRev();
  if (rev <= 0) rev = cur_rev;
  if (rev < compact_rev) return ErrCompacted();
  resp->revision = cur_rev;
  const KeyRange range{req.key, req.range_end};
  if (req.count_only) {
    resp->count = index_.Count(range, rev);
    return Status::Ok();
  }
  // etcd apply.go: sorting or filtering fetches everything; otherwise one extra for `more`.
  const bool fetch_all = NeedsFetchAll(req);
  const int64_t limit = fetch_all ? 0 : (req.limit > 0 ? req.limit + 1 : 0);
  const std::vector<RevisionPair> revs = index_.Revisions(range, rev, limit, &resp->count);
  resp->kvs.reserve(revs.size());
  std::vector<std::string_view> vals;
  char rev_bytes[kRevBytesLen];
  for (const RevisionPair& rp : revs) {
    vals.clear();
    PutRevisionBytes(rp, rev_bytes);
    r.UnsafeRange(kKeyBucket, std::string_view(rev_bytes, kRevBytesLen), {}, 0, nullptr, &vals);
    if (vals.size() != 1) {
      Fatal("range failed to find revision pair " + std::to_string(rp.main) + "_" + std::to_string(rp.sub));
    }
    RangeKv kv;
    kv.raw = vals[0];
    if (copy) {
      pin->copies.emplace_back(vals[0]);
      kv.raw = pin->copies.back();
    }
    if (!ParseKeyValue(kv.raw, &kv.kv).ok()) Fatal("failed to unmarshal mvccpb.KeyValue");
    resp->kvs.push_back(kv);
  }
  auto& kvs = resp->kvs;
  auto prune = [&kvs](auto pred) { kvs.erase(std::remove_if(kvs.begin(), kvs.end(), pred), kvs.end()); };
  if (req.max_mod_revision != 0)
    prune([&](const RangeKv& k) { return k.kv.mod_revision > req.max_mod_revision; });
  if (req.min_mod_revision != 0)
    prune([&](const RangeKv& k) { return k.kv.mod_revision < req.min_mod_revision; });
  if (req.max_create_revision != 0) {
    prune([&](const RangeKv& k) { return k.kv.create_revision > req.max_create_revision; });
  }
  if (req.min_create_revision != 0) {
    prune([&](const RangeKv& k) { return k.kv.create_revision < req.min_create_revision; });
  }
  SortOrder order = req.sort_order;
  // Results come sorted by key ascending; other targets default to ascending (etcd apply.go).
  if (req.sort_target != SortTarget::kKey && order == SortOrder::kNone) order = SortOrder::kAscend;
  const SortTarget target = req.sort_target;
  if (order == SortOrder::kAscend && target != SortTarget::kKey) {
    std::stable_sort(kvs.begin(), kvs.end(),
                     [target](const RangeKv& a, const RangeKv& b) { return SortLess(target, a, b); });
  } else if (order == SortOrder::kDescend) {
    std::stable_sort(kvs.begin(), kvs.end(),
                     [target](const RangeKv& a, const RangeKv& b) { return SortLess(target, b, a); });
  }
  if (req.limit > 0 && static_cast<int64_t>(kvs.size()) > req.limit) {
    kvs.resize(req.limit);
    resp->more = true;
  }
  return Status::Ok();
}

Status KvStore::Range(const RangeRequest& req, RangeResponse* resp) { return Read()->Range(req, resp); }

Status KvStore::Put(const PutRequest& req, PutResponse* resp) {
  if (req.lease != kNoLease && (!options_.leases || !options_.leases->LeaseExists(req.lease))) {
    return ErrLeaseNotFound();
  }
  return Write()->Put(req, resp);
}

Status KvStore::DeleteRange(const DeleteRangeRequest& req, DeleteRangeResponse* resp) {
  return Write()->DeleteRange(req, resp);
}

Revision KvStore::current_revision() const {
  std::shared_lock rl(rev_mu_);
  return current_rev_;
}

Revision KvStore::compact_revision() const {
  std::shared_lock rl(rev_mu_);
  return compact_rev_;
}

void KvStore::SetConsistentIndex(uint64_t index, uint64_t term) {
  term_.store(term);
  consistent_index_.store(index);
}

Status KvStore::Commit() {
  {
    std::unique_lock<std::mutex> lock(write_mu_);
    backend::BatchTxLock tx_lock(b_->batch_tx());
    SaveConsistentIndexLocked(b_->batch_tx());
  }
  return b_->ForceCommit();
}

void KvStore::set_change_observer(ChangeObserver observer) {
  std::unique_lock<std::mutex> lock(write_mu_);
  observer_ = std::move(observer);
}

Status KvStore::Compact(Revision rev, std::shared_future<void>* done) {
  if (options_.record_compaction_hashes) {
    CompactionHash h;
    Revision current = 0;
    if (HashByRev(rev, &h.hash, &current, &h.compact_revision).ok()) {
      h.revision = rev;
      std::lock_guard<std::mutex> lock(hashes_mu_);
      compaction_hashes_.insert(compaction_hashes_.begin(), h);
      if (compaction_hashes_.size() > kCompactionHashesMax) compaction_hashes_.pop_back();
    }
  }
  auto promise = std::make_shared<std::promise<void>>();
  *done = promise->get_future().share();
  {
    std::unique_lock<std::mutex> lock(write_mu_);
    std::unique_lock rl(rev_mu_);
    if (rev <= compact_rev_) {
      rl.unlock();
      lock.unlock();
      // A barrier: ready once earlier scheduled compactions are done (FIFO scheduler).
      options_.compaction_scheduler([promise] { promise->set_value(); });
      return ErrCompacted();
    }
    if (rev > current_rev_) {
      promise->set_value();
      return ErrFutureRev();
    }
    compact_rev_ = rev;
    rl.unlock();
    backend::BatchTxLock tx_lock(b_->batch_tx());
    b_->batch_tx()->UnsafePut(kMetaBucket, kScheduledCompactKey, RevisionToBytes({rev, 0}));
  }
  // Persist the intent, so a restart resumes the compaction.
  CAIRN_RETURN_IF_ERROR(b_->ForceCommit());
  ScheduleCompaction(rev, promise);
  return Status::Ok();
}

void KvStore::ScheduleCompaction(Revision rev, std::shared_ptr<std::promise<void>> done) {
  options_.compaction_scheduler([this, rev, done = std::move(done)] {
    RunCompaction(rev);
    done->set_value();
  });
}

void KvStore::RunCompaction(Revision rev) {
  const RevisionSet keep = index_.Compact(rev);
  const std::string end = BigEndian64(static_cast<uint64_t>(rev + 1));
  std::string last(kRevBytesLen, '\0');
  const int64_t batch = std::max<int64_t>(1, options_.compaction_batch_limit);
  backend::BatchTx* tx = b_->batch_tx();
  while (true) {
    tx->Lock();
    std::vector<std::string_view> key_views;
    tx->UnsafeRange(kKeyBucket, last, end, batch, &key_views, nullptr);
    std::vector<std::string> keys(key_views.begin(), key_views.end());
    for (const std::string& k : keys) {
      if (keep.count(BytesToRevision(k)) == 0) tx->UnsafeDelete(kKeyBucket, k);
    }
    if (static_cast<int64_t>(keys.size()) < batch) {
      tx->UnsafePut(kMetaBucket, kFinishedCompactKey, RevisionToBytes({rev, 0}));
      tx->Unlock();
      return;
    }
    RevisionPair next = BytesToRevision(keys.back());
    ++next.sub;
    last = RevisionToBytes(next);
    tx->Unlock();
    // Commit each round instead of letting deletes pile up in the batch (etcd does the same).
    Status st = b_->ForceCommit();
    (void)st;
  }
}

uint32_t KvStore::Hash(Revision* current_rev) {
  std::unique_ptr<backend::ReadView> view;
  {
    std::shared_lock rl(rev_mu_);
    view = b_->Read();
    *current_rev = current_rev_;
  }
  Crc32c crc;
  for (const std::string& bucket : view->BucketNames()) {
    crc.Update(bucket);
    const bool meta = bucket == kMetaBucket;
    view->UnsafeForEach(bucket, [&](std::string_view k, std::string_view v) {
      if (meta && (k == kConsistentIndexKey || k == kTermKey)) return true;
      crc.Update(k);
      crc.Update(v);
      return true;
    });
  }
  return crc.value();
}

std::vector<KvStore::CompactionHash> KvStore::CompactionHashes() const {
  std::lock_guard<std::mutex> lock(hashes_mu_);
  return compaction_hashes_;
}

Status KvStore::HashByRev(Revision rev, uint32_t* hash, Revision* current_rev, Revision* compact_rev) {
  if (rev > 0 && options_.record_compaction_hashes) {
    std::lock_guard<std::mutex> lock(hashes_mu_);
    for (const CompactionHash& h : compaction_hashes_) {
      if (h.revision != rev) continue;
      std::shared_lock rl(rev_mu_);
      *hash = h.hash;
      *compact_rev = h.compact_revision;
      *current_rev = current_rev_;
      return Status::Ok();
    }
  }
  std::unique_ptr<backend::ReadView> view;
  Revision cur, compacted;
  {
    std::shared_lock rl(rev_mu_);
    cur = current_rev_;
    compacted = compact_rev_;
    view = b_->Read();
  }
  *hash = 0;
  *current_rev = 0;
  *compact_rev = 0;
  if (rev > 0 && rev <= compacted) {
    *compact_rev = compacted;
    return ErrCompacted();
  }
  if (rev > 0 && rev > cur) {
    *current_rev = cur;
    return ErrFutureRev();
  }
  if (rev == 0) rev = cur;
  const RevisionSet keep = index_.Keep(rev);
  const RevisionPair upper{rev + 1, 0};
  const RevisionPair lower{compacted + 1, 0};
  Crc32c crc;
  crc.Update(kKeyBucket);
  view->UnsafeForEach(kKeyBucket, [&](std::string_view k, std::string_view v) {
    const RevisionPair kr = BytesToRevision(k);
    if (!(upper > kr)) return true;
    // Skip revisions a compaction at rev would delete (only if there is something to keep).
    if (lower > kr && !keep.empty() && keep.count(kr) == 0) return true;
    crc.Update(k);
    crc.Update(v);
    return true;
  });
  *hash = crc.value();
  *current_rev = cur;
  *compact_rev = compacted;
  return Status::Ok();
}

}  // namespace cairn::mvcc

#include "storage/backend/buffered_backend.h"

#include <cassert>
#include <cstdio>
#include <cstdlib>
#include <set>

namespace cairn::backend {
namespace {

using Layer = BufferedBackend::Overlay;

// Reads `bucket` through overlay layers (highest priority first) over the committed snapshot.
// end empty and !unbounded: a single key.
void MergedRange(const std::vector<const Layer*>& layers, const Reader* committed, std::string_view bucket,
                 std::string_view key, std::string_view end, bool unbounded, int64_t limit,
                 std::vector<std::string_view>* keys, std::vector<std::string_view>* values) {
  if (end.empty() && !unbounded) {
    for (const Layer* l : layers) {
      auto b = l->ops.find(bucket);
      if (b == l->ops.end()) continue;
      auto it = b->second.find(key);
      if (it == b->second.end()) continue;
      const auto& value = it->second;
      if (!value) return;  // deleted
      if (keys) keys->push_back(it->first);
      if (values) values->push_back(*value);
      return;
    }
    if (committed) committed->UnsafeRange(bucket, key, end, 0, keys, values);
    return;
  }
  auto in_range = [&](std::string_view k) { return k >= key && (unbounded || k < end); };
  // Each overlay entry hides or adds at most one key, so this many committed keys suffice.
  int64_t overlay_entries = 0;
  for (const Layer* l : layers) {
    auto b = l->ops.find(bucket);
    if (b == l->ops.end()) continue;
    for (auto it = b->second.lower_bound(key); it != b->second.end() && in_range(it->first); ++it)
      ++overlay_entries;
  }
  std::map<std::string_view, std::optional<std::string_view>> merged;
  if (committed) {
    std::vector<std::string_view> ck, cv;
    if (unbounded) {
      committed->UnsafeForEach(bucket, [&](std::string_view k, std::string_view v) {
        if (k >= key) {
          ck.push_back(k);
          cv.push_back(v);
        }
        return true;
      });
    } else {
      committed->UnsafeRange(bucket, key, end, limit > 0 ? limit + overlay_entries : 0, &ck, &cv);
    }
    for (size_t i = 0; i < ck.size(); ++i) merged.emplace(ck[i], cv[i]);
  }
  for (auto l = layers.rbegin(); l != layers.rend(); ++l) {  // lowest priority first
    auto b = (*l)->ops.find(bucket);
    if (b == (*l)->ops.end()) continue;
    for (auto it = b->second.lower_bound(key); it != b->second.end() && in_range(it->first); ++it) {
      const auto& value = it->second;
      merged[it->first] = value ? std::optional<std::string_view>(*value) : std::nullopt;
    }
  }
  int64_t n = 0;
  for (const auto& [k, v] : merged) {
    if (!v) continue;
    if (limit > 0 && n >= limit) break;
    if (keys) keys->push_back(k);
    if (values) values->push_back(*v);
    ++n;
  }
}

void MergedForEach(const std::vector<const Layer*>& layers, const Reader* committed, std::string_view bucket,
                   const KvVisitor& visit) {
  std::vector<std::string_view> keys, values;
  MergedRange(layers, committed, bucket, {}, {}, /*unbounded=*/true, 0, &keys, &values);
  for (size_t i = 0; i < keys.size(); ++i) {
    if (!visit(keys[i], values[i])) return;
  }
}

// Folds `from` into `into` (from wins).
void Fold(const Layer& from, Layer* into) {
  for (const auto& b : from.created_buckets) into->created_buckets.insert(b);
  for (const auto& [bucket, kvs] : from.ops) {
    auto& dst = into->ops[bucket];
    for (const auto& [k, v] : kvs) dst[k] = v;
  }
}

}  // namespace

class BufferedBackend::MergedView : public ReadView {
 public:
  MergedView(std::shared_ptr<const Overlay> overlay, std::unique_ptr<ReadView> committed)
      : overlay_(std::move(overlay)), committed_(std::move(committed)), layers_{overlay_.get()} {}
  void UnsafeRange(std::string_view bucket, std::string_view key, std::string_view end, int64_t limit,
                   std::vector<std::string_view>* keys,
                   std::vector<std::string_view>* values) const override {
    MergedRange(layers_, committed_.get(), bucket, key, end, false, limit, keys, values);
  }
  void UnsafeForEach(std::string_view bucket, const KvVisitor& visit) const override {
    MergedForEach(layers_, committed_.get(), bucket, visit);
  }
  std::vector<std::string> BucketNames() const override {
    std::set<std::string> names;
    for (auto& n : committed_->BucketNames()) names.insert(n);
    for (auto& n : overlay_->created_buckets) names.insert(n);
    return std::vector<std::string>(names.begin(), names.end());
  }

 private:
  std::shared_ptr<const Overlay> overlay_;
  std::unique_ptr<ReadView> committed_;
  std::vector<const Layer*> layers_;
};

class BufferedBackend::Tx : public BatchTx {
 public:
  explicit Tx(BufferedBackend* b) : b_(b), last_commit_(b->options_.clock()) {
    for (auto& n : b_->store_->Snapshot()->BucketNames()) known_buckets_.insert(n);
  }

  void Lock() override { mu_.lock(); }

  void Unlock() override {
    const bool commit =
        force_ || (wrote_ && b_->options_.batch_limit > 0 && rounds_ + 1 >= b_->options_.batch_limit);
    if (commit && hook_) hook_(this);
    if (!round_.empty()) {
      std::lock_guard<std::mutex> g(b_->mu_);
      // Copy-on-write when a read view shares the published overlay.
      if (b_->published_.use_count() > 1) b_->published_ = std::make_shared<Overlay>(*b_->published_);
      Fold(round_, b_->published_.get());
    }
    if (wrote_) ++rounds_;
    round_ = Overlay{};
    snapshot_.reset();
    if (commit) Commit();
    wrote_ = false;
    force_ = false;
    mu_.unlock();
  }

  void UnsafeRange(std::string_view bucket, std::string_view key, std::string_view end, int64_t limit,
                   std::vector<std::string_view>* keys,
                   std::vector<std::string_view>* values) const override {
    MergedRange({&round_, b_->published_.get()}, Snapshot(), bucket, key, end, false, limit, keys, values);
  }
  void UnsafeForEach(std::string_view bucket, const KvVisitor& visit) const override {
    MergedForEach({&round_, b_->published_.get()}, Snapshot(), bucket, visit);
  }
  void UnsafeCreateBucket(std::string_view bucket) override {
    if (known_buckets_.count(bucket)) return;
    known_buckets_.emplace(bucket);
    round_.created_buckets.emplace(bucket);
    round_.ops[std::string(bucket)];
    wrote_ = true;
  }
  void UnsafePut(std::string_view bucket, std::string_view key, std::string_view value) override {
    assert(known_buckets_.count(bucket) && "UnsafePut into a missing bucket");
    round_.ops[std::string(bucket)][std::string(key)] = std::string(value);
    wrote_ = true;
  }
  void UnsafeSeqPut(std::string_view bucket, std::string_view key, std::string_view value) override {
    UnsafePut(bucket, key, value);
  }
  void UnsafeDelete(std::string_view bucket, std::string_view key) override {
    assert(known_buckets_.count(bucket) && "UnsafeDelete from a missing bucket");
    round_.ops[std::string(bucket)][std::string(key)] = std::nullopt;
    wrote_ = true;
  }

  // REQUIRES: lock held.
  void set_hook(std::function<void(BatchTx*)> h) { hook_ = std::move(h); }
  void RequestCommit() { force_ = true; }
  bool IntervalDue() const {
    return !b_->published_->empty() && b_->options_.clock() - last_commit_ >= b_->options_.batch_interval;
  }

 private:
  const Reader* Snapshot() const {
    if (!snapshot_) snapshot_ = b_->store_->Snapshot();
    return snapshot_.get();
  }

  // Applies the published overlay to the store, then empties it. REQUIRES: lock held.
  void Commit() {
    last_commit_ = b_->options_.clock();
    rounds_ = 0;
    if (b_->published_->empty()) return;
    Status s = b_->store_->Apply(*b_->published_);
    if (!s.ok()) {
      std::fprintf(stderr, "backend: fatal: commit failed: %s\n", s.ToString().c_str());
      std::abort();
    }
    std::lock_guard<std::mutex> g(b_->mu_);
    b_->published_ = std::make_shared<Overlay>();
  }

  BufferedBackend* b_;
  std::mutex mu_;
  Overlay round_;
  mutable std::unique_ptr<ReadView> snapshot_;
  std::set<std::string, std::less<>> known_buckets_;
  std::function<void(BatchTx*)> hook_;
  bool wrote_ = false;
  bool force_ = false;
  int rounds_ = 0;
  std::chrono::steady_clock::time_point last_commit_;
};

BufferedBackend::BufferedBackend(std::unique_ptr<CommittedStore> store, BufferedBackendOptions options)
    : store_(std::move(store)), options_(std::move(options)), published_(std::make_shared<Overlay>()) {
  tx_ = std::make_unique<Tx>(this);
}

BufferedBackend::~BufferedBackend() {
  Status s = ForceCommit();
  (void)s;
}

std::unique_ptr<ReadView> BufferedBackend::Read() {
  std::lock_guard<std::mutex> g(mu_);
  return std::make_unique<MergedView>(published_, store_->Snapshot());
}

BatchTx* BufferedBackend::batch_tx() { return tx_.get(); }

Status BufferedBackend::ForceCommit() {
  tx_->Lock();
  tx_->RequestCommit();
  tx_->Unlock();
  return Status::Ok();
}

Status BufferedBackend::CommitIfDue() {
  tx_->Lock();
  if (tx_->IntervalDue()) tx_->RequestCommit();
  tx_->Unlock();
  return Status::Ok();
}

void BufferedBackend::set_pre_commit_hook(std::function<void(BatchTx*)> hook) {
  tx_->Lock();
  tx_->set_hook(std::move(hook));
  tx_->Unlock();
}

int64_t BufferedBackend::size_bytes() const { return store_->size_bytes(); }
int64_t BufferedBackend::size_in_use_bytes() const { return store_->size_in_use_bytes(); }

}  // namespace cairn::backend

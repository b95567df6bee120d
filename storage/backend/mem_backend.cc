#include "storage/backend/mem_backend.h"

#include <cassert>
#include <utility>

namespace cairn::backend {
namespace {

using Overlay =
    std::map<std::string, std::map<std::string, std::optional<std::string>, std::less<>>, std::less<>>;
// Marks a created (possibly empty) bucket in the overlay.
constexpr std::string_view kCreatedMarker = std::string_view("\0cairn-created-bucket\0", 22);

void RangeOf(const MemBackend::Bucket& b, std::string_view key, std::string_view end, int64_t limit,
             std::vector<std::string_view>* keys, std::vector<std::string_view>* values) {
  if (end.empty()) {
    auto it = b.find(key);
    if (it == b.end()) return;
    if (keys) keys->push_back(it->first);
    if (values) values->push_back(it->second);
    return;
  }
  int64_t n = 0;
  for (auto it = b.lower_bound(key); it != b.end() && std::string_view(it->first) < end; ++it) {
    if (limit > 0 && n >= limit) break;
    if (keys) keys->push_back(it->first);
    if (values) values->push_back(it->second);
    ++n;
  }
}

}  // namespace

class MemBackend::MemReadView : public ReadView {
 public:
  explicit MemReadView(std::shared_ptr<const State> state) : state_(std::move(state)) {}
  void UnsafeRange(std::string_view bucket, std::string_view key, std::string_view end, int64_t limit,
                   std::vector<std::string_view>* keys,
                   std::vector<std::string_view>* values) const override {
    auto it = state_->find(bucket);
    if (it == state_->end()) return;
    RangeOf(it->second, key, end, limit, keys, values);
  }
  void UnsafeForEach(std::string_view bucket, const KvVisitor& visit) const override {
    auto it = state_->find(bucket);
    if (it == state_->end()) return;
    for (const auto& [k, v] : it->second) {
      if (!visit(k, v)) return;
    }
  }
  std::vector<std::string> BucketNames() const override {
    std::vector<std::string> names;
    for (const auto& [name, b] : *state_) names.push_back(name);
    return names;
  }

 private:
  std::shared_ptr<const State> state_;
};

// Reads inside a round merge the overlay over the published state. The published state cannot
// change while the lock is held (only Unlock publishes), so views into it stay valid.
class MemBackend::MemBatchTx : public BatchTx {
 public:
  explicit MemBatchTx(MemBackend* backend) : backend_(backend) {}

  void Lock() override {
    mu_.lock();
    std::lock_guard<std::mutex> g(backend_->mu_);
    base_ = backend_->state_;
  }
  void Unlock() override {
    const bool commit = backend_->force_commit_ || backend_->CommitDue(wrote_);
    if (commit && backend_->pre_commit_hook_) backend_->pre_commit_hook_(this);
    backend_->force_commit_ = false;
    bool wrote = wrote_;
    base_.reset();
    backend_->Publish(&overlay_, wrote, commit);
    overlay_.clear();
    wrote_ = false;
    mu_.unlock();
  }

  void UnsafeRange(std::string_view bucket, std::string_view key, std::string_view end, int64_t limit,
                   std::vector<std::string_view>* keys,
                   std::vector<std::string_view>* values) const override {
    MergeRange(bucket, key, end, /*unbounded=*/false, limit, keys, values);
  }

  void MergeRange(std::string_view bucket, std::string_view key, std::string_view end, bool unbounded,
                  int64_t limit, std::vector<std::string_view>* keys,
                  std::vector<std::string_view>* values) const {
    const Bucket* base = BaseBucket(bucket);
    auto ov = overlay_.find(bucket);
    if (ov == overlay_.end() && !unbounded) {
      if (base) RangeOf(*base, key, end, limit, keys, values);
      return;
    }
    static const std::map<std::string, std::optional<std::string>, std::less<>> kNoOverlay;
    const auto& o = ov == overlay_.end() ? kNoOverlay : ov->second;
    if (end.empty() && !unbounded) {
      auto it = o.find(key);
      if (it != o.end()) {
        const auto& value = it->second;
        if (!value) return;
        if (keys) keys->push_back(it->first);
        if (values) values->push_back(*value);
        return;
      }
      if (base) RangeOf(*base, key, end, limit, keys, values);
      return;
    }
    // Merge two sorted sequences; overlay wins on equal keys.
    static const Bucket kEmpty;
    const Bucket& b = base ? *base : kEmpty;
    auto bi = b.lower_bound(key);
    auto oi = o.lower_bound(key);
    int64_t n = 0;
    while (limit <= 0 || n < limit) {
      bool b_ok = bi != b.end() && (unbounded || std::string_view(bi->first) < end);
      bool o_ok = oi != o.end() && (unbounded || std::string_view(oi->first) < end);
      if (!b_ok && !o_ok) break;
      if (o_ok && oi->first == kCreatedMarker) {
        ++oi;
        continue;
      }
      if (o_ok && (!b_ok || oi->first <= bi->first)) {
        if (b_ok && oi->first == bi->first) ++bi;
        if (const auto& value = oi->second; value) {
          if (keys) keys->push_back(oi->first);
          if (values) values->push_back(*value);
          ++n;
        }
        ++oi;
      } else {
        if (keys) keys->push_back(bi->first);
        if (values) values->push_back(bi->second);
        ++n;
        ++bi;
      }
    }
  }

  void UnsafeForEach(std::string_view bucket, const KvVisitor& visit) const override {
    std::vector<std::string_view> keys, values;
    MergeRange(bucket, {}, {}, /*unbounded=*/true, 0, &keys, &values);
    for (size_t i = 0; i < keys.size(); ++i) {
      if (!visit(keys[i], values[i])) return;
    }
  }

  void UnsafeCreateBucket(std::string_view bucket) override {
    auto& o = overlay_[std::string(bucket)];
    o[std::string(kCreatedMarker)] = std::nullopt;
    wrote_ = true;
  }
  void UnsafePut(std::string_view bucket, std::string_view key, std::string_view value) override {
    assert(BucketExists(bucket) && "UnsafePut into a missing bucket");
    overlay_[std::string(bucket)][std::string(key)] = std::string(value);
    wrote_ = true;
  }
  void UnsafeSeqPut(std::string_view bucket, std::string_view key, std::string_view value) override {
    UnsafePut(bucket, key, value);
  }
  void UnsafeDelete(std::string_view bucket, std::string_view key) override {
    assert(BucketExists(bucket) && "UnsafeDelete from a missing bucket");
    overlay_[std::string(bucket)][std::string(key)] = std::nullopt;
    wrote_ = true;
  }

 private:
  const Bucket* BaseBucket(std::string_view bucket) const {
    auto it = base_->find(bucket);
    return it == base_->end() ? nullptr : &it->second;
  }
  bool BucketExists(std::string_view bucket) const {
    return BaseBucket(bucket) != nullptr || overlay_.count(bucket) > 0;
  }

  MemBackend* backend_;
  std::mutex mu_;  // the BatchTx lock
  std::shared_ptr<const State> base_;
  Overlay overlay_;
  bool wrote_ = false;
};

MemBackend::MemBackend(MemBackendOptions options)
    : options_(options),
      state_(std::make_shared<State>()),
      durable_(std::make_shared<State>()),
      batch_tx_(std::make_unique<MemBatchTx>(this)) {}

MemBackend::~MemBackend() = default;

std::unique_ptr<ReadView> MemBackend::Read() {
  std::lock_guard<std::mutex> g(mu_);
  return std::make_unique<MemReadView>(state_);
}

BatchTx* MemBackend::batch_tx() { return batch_tx_.get(); }

bool MemBackend::CommitDue(bool wrote) const {
  std::lock_guard<std::mutex> g(mu_);
  return wrote && options_.batch_limit > 0 && rounds_since_commit_ + 1 >= options_.batch_limit;
}

void MemBackend::set_pre_commit_hook(std::function<void(BatchTx*)> hook) {
  BatchTxLock lock(batch_tx_.get());
  pre_commit_hook_ = std::move(hook);
}

void MemBackend::Publish(Overlay* overlay, bool wrote, bool commit) {
  std::lock_guard<std::mutex> g(mu_);
  if (!overlay->empty()) {
    // Copy-on-write when a reader (or the durable snapshot) shares the state.
    if (state_.use_count() > 1) state_ = std::make_shared<State>(*state_);
    for (auto& [bucket, kvs] : *overlay) {
      Bucket& b = (*state_)[bucket];
      for (auto& [k, v] : kvs) {
        if (k == kCreatedMarker) continue;
        if (v) {
          b[k] = std::move(*v);
        } else {
          auto it = b.find(k);
          if (it != b.end()) b.erase(it);
        }
      }
    }
  }
  if (wrote) ++rounds_since_commit_;
  if (commit) {
    durable_ = state_;
    rounds_since_commit_ = 0;
    ++commit_count_;
  }
}

Status MemBackend::ForceCommit() {
  // An (possibly empty) round that commits, so the pre-commit hook runs inside the batch.
  batch_tx_->Lock();
  force_commit_ = true;
  batch_tx_->Unlock();
  return Status::Ok();
}

void MemBackend::SimulateCrash() {
  std::lock_guard<std::mutex> g(mu_);
  state_ = std::make_shared<State>(*durable_);
  rounds_since_commit_ = 0;
}

int64_t MemBackend::commit_count() const {
  std::lock_guard<std::mutex> g(mu_);
  return commit_count_;
}

int64_t MemBackend::size_bytes() const {
  std::lock_guard<std::mutex> g(mu_);
  int64_t n = 0;
  for (const auto& [name, b] : *state_) {
    n += static_cast<int64_t>(name.size());
    for (const auto& [k, v] : b) n += static_cast<int64_t>(k.size() + v.size()) + 16;
  }
  return n;
}

int64_t MemBackend::size_in_use_bytes() const { return size_bytes(); }

}  // namespace cairn::backend

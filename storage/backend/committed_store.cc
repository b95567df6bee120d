#include "storage/backend/committed_store.h"

namespace cairn::backend {
namespace {

class MemSnapshot : public ReadView {
 public:
  explicit MemSnapshot(std::shared_ptr<const MemCommittedStore::State> s) : s_(std::move(s)) {}
  void UnsafeRange(std::string_view bucket, std::string_view key, std::string_view end, int64_t limit,
                   std::vector<std::string_view>* keys,
                   std::vector<std::string_view>* values) const override {
    auto b = s_->find(bucket);
    if (b == s_->end()) return;
    if (end.empty()) {
      auto it = b->second.find(key);
      if (it == b->second.end()) return;
      if (keys) keys->push_back(it->first);
      if (values) values->push_back(it->second);
      return;
    }
    int64_t n = 0;
    for (auto it = b->second.lower_bound(key); it != b->second.end() && std::string_view(it->first) < end;
         ++it) {
      if (limit > 0 && n >= limit) break;
      if (keys) keys->push_back(it->first);
      if (values) values->push_back(it->second);
      ++n;
    }
  }
  void UnsafeForEach(std::string_view bucket, const KvVisitor& visit) const override {
    auto b = s_->find(bucket);
    if (b == s_->end()) return;
    for (const auto& [k, v] : b->second) {
      if (!visit(k, v)) return;
    }
  }
  std::vector<std::string> BucketNames() const override {
    std::vector<std::string> out;
    for (const auto& [name, b] : *s_) out.push_back(name);
    return out;
  }

 private:
  std::shared_ptr<const MemCommittedStore::State> s_;
};

}  // namespace

MemCommittedStore::MemCommittedStore() : state_(std::make_shared<State>()) {}

std::unique_ptr<ReadView> MemCommittedStore::Snapshot() {
  std::lock_guard<std::mutex> g(mu_);
  return std::make_unique<MemSnapshot>(state_);
}

Status MemCommittedStore::Apply(const WriteBatch& batch) {
  std::shared_ptr<const State> old;
  {
    std::lock_guard<std::mutex> g(mu_);
    old = state_;
  }
  auto next = std::make_shared<State>(*old);
  for (const auto& name : batch.created_buckets) (*next)[name];
  for (const auto& [bucket, kvs] : batch.ops) {
    auto b = next->find(bucket);
    if (b == next->end()) return Status::InvalidArgument("write to missing bucket " + bucket);
    for (const auto& [k, v] : kvs) {
      if (v) {
        b->second[k] = *v;
      } else {
        b->second.erase(k);
      }
    }
  }
  std::lock_guard<std::mutex> g(mu_);
  state_ = std::move(next);
  ++apply_count_;
  return Status::Ok();
}

int64_t MemCommittedStore::size_bytes() const {
  std::lock_guard<std::mutex> g(mu_);
  int64_t n = 0;
  for (const auto& [name, b] : *state_) {
    for (const auto& [k, v] : b) n += static_cast<int64_t>(k.size() + v.size()) + 16;
  }
  return n;
}

int64_t MemCommittedStore::apply_count() const {
  std::lock_guard<std::mutex> g(mu_);
  return apply_count_;
}

}  // namespace cairn::backend

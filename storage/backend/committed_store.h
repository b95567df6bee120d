// CommittedStore: the durable half of a Backend, i.e. what a bbolt file offers by itself:
// snapshots of committed state and atomic, durable application of a batch of writes.
// BufferedBackend turns one into a full Backend (published-but-uncommitted writes, batching,
// hooks), so a bolt-backed Backend only needs to implement this interface.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "base/status.h"
#include "storage/backend/backend.h"

namespace cairn::backend {

// Writes of one commit, per bucket in key order. A nullopt value deletes the key.
struct WriteBatch {
  std::set<std::string, std::less<>> created_buckets;
  std::map<std::string, std::map<std::string, std::optional<std::string>, std::less<>>, std::less<>> ops;

  bool empty() const { return created_buckets.empty() && ops.empty(); }
};

class CommittedStore {
 public:
  virtual ~CommittedStore() = default;
  // A consistent snapshot of the committed state (bolt: a read-only transaction on the mmap).
  // Views it returns stay valid for its lifetime. Thread-safe; may run during Apply.
  virtual std::unique_ptr<ReadView> Snapshot() = 0;
  // Creates the buckets, then applies the ops, atomically and durably (bolt: one read-write
  // transaction, committed and fsynced). Called by one thread at a time.
  virtual Status Apply(const WriteBatch& batch) = 0;
  virtual int64_t size_bytes() const = 0;
  virtual int64_t size_in_use_bytes() const = 0;
};

// An in-memory CommittedStore (tests): every Apply makes a new immutable version.
class MemCommittedStore : public CommittedStore {
 public:
  using Bucket = std::map<std::string, std::string, std::less<>>;
  using State = std::map<std::string, Bucket, std::less<>>;

  MemCommittedStore();
  std::unique_ptr<ReadView> Snapshot() override;
  Status Apply(const WriteBatch& batch) override;
  int64_t size_bytes() const override;
  int64_t size_in_use_bytes() const override { return size_bytes(); }
  int64_t apply_count() const;

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const State> state_;
  int64_t apply_count_ = 0;
};

}  // namespace cairn::backend

// Backend: the bucketed, ordered key/value store under MVCC (etcd's mvcc/backend, 3.4).
//
// Model (etcd's):
//   * Data lives in named buckets of byte-ordered keys (bolt buckets: "key", "meta", "lease", ...).
//   * One writer at a time uses the BatchTx between Lock() and Unlock(). Writes made inside the
//     batch are visible to later read views as soon as Unlock() returns (etcd writes them back to
//     its read buffer), whether or not they are committed to disk yet.
//   * Commit (durability) is batched: the implementation commits every `batch_limit` Unlock()s
//     that wrote something, and whenever ForceCommit() is called. Durability of a write is the
//     WAL's job (DESIGN.md §4); the backend only needs to be a consistent prefix after a crash.
//   * ReadView is a consistent snapshot (DESIGN.md §5): it never blocks on, and is never changed
//     by, the writer. Every std::string_view it hands out stays valid until the view is destroyed
//     (bolt: mmap'd bytes pinned by the read transaction; mem: refcounted immutable state).
//
// Implementations: MemBackend (tests); BufferedBackend over a CommittedStore (committed_store.h),
// which is all a bbolt-file backend has to provide.
//
// Thread-safety: Backend methods are thread-safe. A ReadView is used by one thread at a time.
// BatchTx Unsafe* methods REQUIRE the caller to hold the BatchTx lock.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace cairn::backend {

// Bucket names of etcd's schema (DESIGN.md §1 "data").
inline constexpr std::string_view kKeyBucket = "key";
inline constexpr std::string_view kMetaBucket = "meta";
inline constexpr std::string_view kLeaseBucket = "lease";

// Visitor for ForEach: return false to stop early.
using KvVisitor = std::function<bool(std::string_view key, std::string_view value)>;

// Read operations shared by ReadView and BatchTx.
class Reader {
 public:
  virtual ~Reader() = default;

  // Appends to keys/values (either may be null) the pairs of `bucket` with
  //   - end empty: exactly `key` (at most one pair);
  //   - otherwise: key <= k < end in byte order, at most `limit` pairs when limit > 0.
  // A missing bucket reads as empty. Views stay valid as documented on the owning object.
  virtual void UnsafeRange(std::string_view bucket, std::string_view key, std::string_view end, int64_t limit,
                           std::vector<std::string_view>* keys,
                           std::vector<std::string_view>* values) const = 0;

  // Visits every pair of `bucket` in key order until `visit` returns false.
  virtual void UnsafeForEach(std::string_view bucket, const KvVisitor& visit) const = 0;

  // Convenience: the value of `key` in `bucket`, or false.
  bool UnsafeGet(std::string_view bucket, std::string_view key, std::string_view* value) const {
    std::vector<std::string_view> values;
    UnsafeRange(bucket, key, {}, 0, nullptr, &values);
    if (values.empty()) return false;
    *value = values[0];
    return true;
  }
};

// A consistent snapshot of all buckets. Views returned by it are valid for its lifetime.
class ReadView : public Reader {
 public:
  // Names of the buckets, in byte order.
  virtual std::vector<std::string> BucketNames() const = 0;
};

// The single write transaction, batched across Lock()/Unlock() rounds until commit.
// Views returned by its Reader methods are valid only until the next Unsafe* write or Unlock().
class BatchTx : public Reader {
 public:
  virtual void Lock() = 0;
  // Publishes this round's writes to new read views; may commit (see batch_limit).
  virtual void Unlock() = 0;

  virtual void UnsafeCreateBucket(std::string_view bucket) = 0;
  // REQUIRES: the bucket exists (asserted).
  virtual void UnsafePut(std::string_view bucket, std::string_view key, std::string_view value) = 0;
  // Like UnsafePut; a hint that key is larger than every key in the bucket (bolt fills pages 100%).
  virtual void UnsafeSeqPut(std::string_view bucket, std::string_view key, std::string_view value) = 0;
  virtual void UnsafeDelete(std::string_view bucket, std::string_view key) = 0;
};

// RAII holder of the BatchTx lock.
class BatchTxLock {
 public:
  explicit BatchTxLock(BatchTx* tx) : tx_(tx) { tx_->Lock(); }
  ~BatchTxLock() { tx_->Unlock(); }
  BatchTxLock(const BatchTxLock&) = delete;
  BatchTxLock& operator=(const BatchTxLock&) = delete;

 private:
  BatchTx* tx_;
};

class Backend {
 public:
  virtual ~Backend() = default;

  // A new consistent snapshot. Never blocks on the writer for longer than a pointer swap.
  virtual std::unique_ptr<ReadView> Read() = 0;
  // The one write transaction (same object for the backend's lifetime).
  virtual BatchTx* batch_tx() = 0;
  // Commits everything published so far. REQUIRES: the BatchTx lock is NOT held by the caller.
  virtual Status ForceCommit() = 0;
  // Called with the BatchTx lock held just before every commit (batch limit, interval or
  // ForceCommit), so the caller can write state that must be in every commit, such as
  // meta/consistent_index (etcd 3.5 backend hooks). Replaces any previous hook; null clears.
  virtual void set_pre_commit_hook(std::function<void(BatchTx*)> hook) = 0;
  // Bytes of the database file (mem: an estimate), and bytes in use.
  virtual int64_t size_bytes() const = 0;
  virtual int64_t size_in_use_bytes() const = 0;
};

}  // namespace cairn::backend

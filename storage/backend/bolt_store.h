// BoltStore: the CommittedStore over a bolt file (etcd's member/snap/db), i.e. the durable half of
// the bolt backend. BufferedBackend (buffered_backend.h) adds the uncommitted-write overlay and
// batching on top; OpenBoltBackend (bolt_backend.h) builds both with etcd's defaults.
//
// Contracts:
//   * Snapshot(): a bolt read transaction. Every string_view it returns points into the mmap and
//     stays valid for the view's lifetime, across later Apply()s and Defragment()s (the view
//     keeps its bolt::DB, and that DB keeps its mapping, alive until the view is destroyed).
//     Thread-safe: may run at any time, including during Apply and Defragment.
//   * Apply(batch): one bolt read-write transaction, then bolt's commit (docs/bolt_format.md):
//       1. write dirty pages  2. fdatasync  3. write the meta page  4. fdatasync.
//     When Apply returns ok the batch is durable; on error nothing of it is visible or durable
//     (bolt rolls back). Buckets in batch.created_buckets are created first (if missing), as
//     etcd's UnsafeCreateBucket does; an op on a bucket that does not exist is InvalidArgument.
//     Puts into the "sequential" buckets (etcd: `key`, whose keys are increasing revisions and
//     are written with UnsafeSeqPut) split pages at fill percent 0.9, as etcd's batch_tx.go
//     sets for seq puts; other buckets use bolt's default (0.5).
//     Called by one thread at a time (the BatchTx owner); serialized with Defragment.
//   * size_bytes()/size_in_use_bytes(): etcd's backend Size()/SizeInUse() — the committed
//     high-water mark (bbolt tx.Size()) and that minus free pages; refreshed after every
//     Open/Apply/Defragment (etcd_mvcc_db_total_size_in_bytes, ..._in_use_in_bytes).
//
// Thread-safety: all methods are thread-safe.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "base/status.h"
#include "storage/backend/committed_store.h"
#include "storage/bolt/db.h"
#include "storage/io/file.h"

namespace cairn::backend {

// etcd's fill percent for UnsafeSeqPut (mvcc/backend/batch_tx.go unsafePut, 3.4).
inline constexpr double kSeqPutFillPercent = 0.9;

// Defragment commits the copy every this many bytes (etcd: every 10000 keys, defragLimit).
inline constexpr uint64_t kDefragTxBytesMax = 2ull << 20;

struct BoltStoreOptions {
  bolt::Options bolt;  // page size, initial mmap, no_sync (tests only)
  // Buckets written as etcd's UnsafeSeqPut (append-mostly keys).
  std::set<std::string, std::less<>> seq_buckets = {std::string(kKeyBucket)};
};

// A read snapshot of a BoltStore: one bolt read transaction plus the DB it belongs to.
// Used by one thread at a time (as every ReadView); internally serialized anyway.
class BoltReadView : public ReadView {
 public:
  BoltReadView(std::shared_ptr<bolt::DB> db, std::unique_ptr<bolt::Tx> tx);
  ~BoltReadView() override;

  void UnsafeRange(std::string_view bucket, std::string_view key, std::string_view end, int64_t limit,
                   std::vector<std::string_view>* keys, std::vector<std::string_view>* values) const override;
  void UnsafeForEach(std::string_view bucket, const KvVisitor& visit) const override;
  std::vector<std::string> BucketNames() const override;

  // The underlying read transaction (e.g. for Tx::WriteTo). Valid for the view's lifetime.
  bolt::Tx* tx() const { return tx_.get(); }
  // Bytes of the file this snapshot uses (bbolt tx.Size(), what a snapshot stream sends).
  uint64_t size_bytes() const { return tx_->size_bytes(); }

 private:
  // bolt buckets cache opened children: serialize lookups (recursive: visitors may read again).
  mutable std::recursive_mutex mu_;
  std::shared_ptr<bolt::DB> db_;
  std::unique_ptr<bolt::Tx> tx_;  // destroyed before db_
};

struct DefragResult {
  int64_t size_before_bytes = 0;
  int64_t size_in_use_before_bytes = 0;
  int64_t size_after_bytes = 0;
  int64_t size_in_use_after_bytes = 0;
};

class BoltStore : public CommittedStore {
 public:
  // Opens (creating when missing) the bolt file at `path`. Removes a defragmentation temp file
  // left by a crash (as etcd's cleanupSnapdir removes db.tmp.*).
  static Status Open(io::Env* env, const std::string& path, BoltStoreOptions options,
                     std::unique_ptr<BoltStore>* out);
  // REQUIRES: no Apply/Defragment running. Outstanding read views keep their DB alive.
  ~BoltStore() override;

  std::unique_ptr<ReadView> Snapshot() override;  // aborts if bolt cannot begin a read tx
  Status BeginRead(std::unique_ptr<BoltReadView>* out);
  Status Apply(const WriteBatch& batch) override;
  int64_t size_bytes() const override { return size_bytes_.load(); }
  int64_t size_in_use_bytes() const override { return size_in_use_bytes_.load(); }

  // etcd's defrag (mvcc/backend/backend.go defrag), under the writer lock:
  //   1. CompactInto(current DB, temp file next to `path`) — fill 0.9, fdatasync'ed;
  //   2. rename the temp file over `path`, fsync the directory (atomic replace);
  //   3. open the new file and make it current.
  // Read views taken before keep the old DB (its file is unlinked but stays mapped) until they
  // are destroyed; views taken after see the new file; both show the same data. On failure
  // before step 2 the temp file is removed and the old DB stays current.
  Status Defragment(DefragResult* result);

  const std::string& path() const { return path_; }
  // The current DB (for tools and tests). The shared_ptr keeps it alive across a Defragment.
  std::shared_ptr<bolt::DB> db() const;
  std::string temp_path() const { return path_ + ".tmp.defrag"; }

 private:
  BoltStore(io::Env* env, std::string path, BoltStoreOptions options)
      : env_(env), path_(std::move(path)), options_(std::move(options)) {}
  void RefreshSizes(bolt::DB* db);

  io::Env* env_;
  const std::string path_;
  const BoltStoreOptions options_;
  std::mutex writer_mu_;          // Apply vs. Defragment
  mutable std::mutex db_mu_;      // guards db_ (the pointer, not the DB)
  std::shared_ptr<bolt::DB> db_;  // current file
  std::atomic<int64_t> size_bytes_{0};
  std::atomic<int64_t> size_in_use_bytes_{0};
};

}  // namespace cairn::backend

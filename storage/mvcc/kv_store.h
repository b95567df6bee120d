// KvStore: etcd's MVCC store (mvcc/kvstore.go) over a backend::Backend.
//
// Layout in the backend (docs/mvcc_format.md):
//   key  bucket: RevisionToBytes(main, sub)[+'t'] -> serialized mvccpb.KeyValue (tombstone: key only)
//   meta bucket: consistent_index, term (8-byte big-endian), scheduledCompactRev, finishedCompactRev
//                (17-byte revision bytes, sub 0)
// A fresh store is at revision 1 with compact revision -1 (as etcd: the first write is revision 2).
//
// Concurrency: one write transaction at a time (Write() blocks while another is open; the apply
// thread is the only writer in the server). Read transactions run in parallel with the writer and
// each other and see a consistent snapshot: the backend view and the revision are taken together.
// Physical compaction runs on `Options::compaction_scheduler` between write transactions.
//
// Errors returned: see errors.h. Broken invariants (undecodable stored values, index/backend
// disagreement) abort.
#pragma once

#include <atomic>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <vector>

#include "base/status.h"
#include "storage/backend/backend.h"
#include "storage/mvcc/event.h"
#include "storage/mvcc/lease_hooks.h"
#include "storage/mvcc/requests.h"
#include "storage/mvcc/tree_index.h"

namespace cairn::mvcc {

inline constexpr std::string_view kConsistentIndexKey = "consistent_index";
inline constexpr std::string_view kTermKey = "term";
inline constexpr std::string_view kScheduledCompactKey = "scheduledCompactRev";
inline constexpr std::string_view kFinishedCompactKey = "finishedCompactRev";

class KvStore;

// What Range/compare code needs from a transaction.
class TxnView {
 public:
  virtual ~TxnView() = default;
  // The revision reads see (for a write txn with changes: the new revision).
  virtual Revision read_revision() const = 0;
  // etcd storeTxnRead.rangeKeys plus the apply layer's sort/filter/limit (etcdserver/apply.go).
  virtual Status Range(const RangeRequest& req, RangeResponse* resp) = 0;
};

class ReadTxn : public TxnView {
 public:
  ~ReadTxn() override = default;
  Revision revision() const { return rev_; }
  Revision compact_revision() const { return compact_rev_; }
  Revision read_revision() const override { return rev_; }
  Status Range(const RangeRequest& req, RangeResponse* resp) override;
  // The snapshot this txn reads (views valid for the txn's lifetime).
  const backend::ReadView& view() const { return *pin_->view; }

 private:
  friend class KvStore;
  ReadTxn(KvStore* s, std::unique_ptr<backend::ReadView> view, Revision rev, Revision compact_rev);
  KvStore* s_;
  std::shared_ptr<RangePin> pin_;
  Revision rev_;
  Revision compact_rev_;
};

// The write transaction: every change gets revision (begin_revision() + 1, sub = change index).
// Destroying it ends it: writes are published, the revision advances if anything changed, and
// the change observer (watch) is called.
class WriteTxn : public TxnView {
 public:
  ~WriteTxn() override;
  Revision begin_revision() const { return begin_rev_; }
  Revision read_revision() const override { return changes_.empty() ? begin_rev_ : begin_rev_ + 1; }
  Status Range(const RangeRequest& req, RangeResponse* resp) override;
  // Low-level ops (etcd TxnWrite): return the header revision.
  Revision Put(std::string_view key, std::string_view value, LeaseId lease);
  // Returns the number of deleted keys; *rev gets the header revision.
  int64_t DeleteRangeKeys(const KeyRange& range, Revision* rev);
  const std::vector<KeyValue>& changes() const { return changes_; }
  // The backend batch tx (locked for the txn's lifetime), for lease-bucket writes in the same txn.
  backend::BatchTx* batch_tx() { return tx_; }

  // Request-level ops with etcd's apply semantics (etcdserver/apply.go).
  Status Put(const PutRequest& req, PutResponse* resp);
  Status DeleteRange(const DeleteRangeRequest& req, DeleteRangeResponse* resp);

 private:
  friend class KvStore;
  WriteTxn(KvStore* s, std::unique_lock<std::mutex> lock);
  KvStore* s_;
  std::unique_lock<std::mutex> write_lock_;
  backend::BatchTx* tx_;
  Revision begin_rev_;
  std::vector<KeyValue> changes_;
  std::vector<bool> deletes_;  // changes_[i] is a tombstone
};

class KvStore {
 public:
  using ChangeObserver = std::function<void(Revision rev, std::vector<Event> events)>;
  using Scheduler = std::function<void(std::function<void()>)>;

  struct Options {
    LeaseHooks* leases = nullptr;           // may be null: leases then do not exist
    int64_t compaction_batch_limit = 1000;  // keys deleted per backend round (etcd default)
    int64_t restore_chunk_keys = 10000;     // keys read per restore round
    // Runs physical compaction jobs in FIFO order; default: inline (Compact returns when done).
    // A threaded scheduler must be drained before the KvStore is destroyed.
    Scheduler compaction_scheduler;
    // etcd 3.5 hashStorage (--experimental-compact-hash-check-enabled): each Compact(rev) first
    // records HashByRev(rev) (the hash of what the compaction keeps, with the previous compact
    // revision); HashByRev(rev) of a recorded revision then answers the recorded hash.
    bool record_compaction_hashes = false;
  };

  struct CompactionHash {
    uint32_t hash = 0;
    Revision revision = 0;
    Revision compact_revision = 0;
  };
  static constexpr size_t kCompactionHashesMax = 10;  // etcd hashStorageMaxSize

  // Creates the buckets if needed and rebuilds the index from the backend (etcd store.restore):
  // current revision, compaction marks (resuming an unfinished compaction), lease attachments.
  static Status Open(backend::Backend* b, Options options, std::unique_ptr<KvStore>* out);
  ~KvStore();

  std::unique_ptr<ReadTxn> Read();
  std::unique_ptr<WriteTxn> Write();

  // One-shot operations, each in its own transaction.
  Status Range(const RangeRequest& req, RangeResponse* resp);
  Status Put(const PutRequest& req, PutResponse* resp);
  Status DeleteRange(const DeleteRangeRequest& req, DeleteRangeResponse* resp);
  // Txn: compares, then the chosen branch, in one write transaction (read-only txns in a read
  // transaction). Does NOT check the duplicate-key rule: call CheckTxnIntervals() first (the
  // gRPC layer's job in etcd, before proposing).
  Status Txn(const TxnRequest& req, TxnResponse* resp);

  // Compacts history before `rev` (etcd store.Compact). On success *done becomes ready when the
  // physical deletion has finished (physical=true waits for it). rev <= compact revision:
  // ErrCompacted (and *done still signals when earlier compactions finish); rev > current:
  // ErrFutureRev.
  Status Compact(Revision rev, std::shared_future<void>* done);

  Revision current_revision() const;
  Revision compact_revision() const;

  // Raft position of the last applied entry; persisted in `meta` by the next write txn and by
  // SaveConsistentIndex(). Loaded from the backend at Open.
  void SetConsistentIndex(uint64_t index, uint64_t term);
  uint64_t consistent_index() const { return consistent_index_.load(); }
  uint64_t term() const { return term_.load(); }
  // Writes consistent_index/term and commits the backend (etcd store.Commit).
  Status Commit();

  // etcd store.Hash: CRC-32C over every bucket (name, then keys and values), ignoring
  // meta/consistent_index and meta/term (as 3.5 does).
  uint32_t Hash(Revision* current_rev);
  // etcd store.HashByRev (HashKV): CRC-32C of "key" and the key bucket up to rev, skipping
  // revisions a compaction at rev would delete. rev 0: current.
  Status HashByRev(Revision rev, uint32_t* hash, Revision* current_rev, Revision* compact_rev);
  // The recorded compaction hashes, newest first (empty unless record_compaction_hashes).
  std::vector<CompactionHash> CompactionHashes() const;

  // Called at the end of each write transaction with changes, in revision order, while the
  // write lock is held (so events arrive in order); must not open a write transaction.
  void set_change_observer(ChangeObserver observer);

  backend::Backend* backend() { return b_; }
  const TreeIndex& index() const { return index_; }
  LeaseHooks* leases() const { return options_.leases; }

 private:
  friend class ReadTxn;
  friend class WriteTxn;
  KvStore(backend::Backend* b, Options options);
  Status Restore();
  // Range shared by read and write txns. copy: copy the bytes (write txn views are short-lived).
  Status RangeKeys(const backend::Reader& r, const RangeRequest& req, Revision cur_rev, Revision compact_rev,
                   const std::shared_ptr<RangePin>& pin, bool copy, RangeResponse* resp);
  void EndWrite(WriteTxn* txn);
  void SaveConsistentIndexLocked(backend::BatchTx* tx);
  // The physical part of a compaction: index compaction, then backend deletion in rounds.
  void RunCompaction(Revision rev);
  mutable std::mutex hashes_mu_;
  std::vector<CompactionHash> compaction_hashes_;  // newest first; guarded by hashes_mu_
  void ScheduleCompaction(Revision rev, std::shared_ptr<std::promise<void>> done);

  backend::Backend* b_;
  Options options_;
  TreeIndex index_;
  std::mutex write_mu_;               // one write txn (and compaction mark update) at a time
  mutable std::shared_mutex rev_mu_;  // current_rev_/compact_rev_ vs. read view creation
  Revision current_rev_ = 1;
  Revision compact_rev_ = -1;
  std::atomic<uint64_t> consistent_index_{0};
  std::atomic<uint64_t> term_{0};
  uint64_t persisted_consistent_index_ = 0;  // guarded by the batch tx lock
  ChangeObserver observer_;
};

}  // namespace cairn::mvcc

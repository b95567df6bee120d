// BufferedBackend: a Backend over a CommittedStore, in the way etcd's backend buffers bolt
// (mvcc/backend tx_buffer.go), but with immutable snapshots instead of copied buffers.
//
//   writes of a round  --Unlock-->  published overlay (immutable, refcounted; copy-on-write)
//   published overlay  --commit-->  CommittedStore::Apply, then the overlay is emptied
//   ReadView = (published overlay, committed snapshot) taken together under one mutex; the
//              overlay wins. A view taken while a commit lands may pair the new committed
//              snapshot with the old overlay: both hold the same data, so it is still exact.
//
// Commit happens when `batch_limit` writing rounds were published, on CommitIfDue() after
// `batch_interval` (the owner's timer calls it), and on ForceCommit(); each commit first runs the
// pre-commit hook inside the batch. A failed Apply is fatal (the WAL is the source of truth and
// the process restarts from it), as an fsync failure is in etcd.
//
// Thread-safety: as Backend.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "storage/backend/backend.h"
#include "storage/backend/committed_store.h"

namespace cairn::backend {

struct BufferedBackendOptions {
  int batch_limit = 10000;                        // etcd --backend-batch-limit
  std::chrono::milliseconds batch_interval{100};  // etcd --backend-batch-interval
  std::function<std::chrono::steady_clock::time_point()> clock = [] {
    return std::chrono::steady_clock::now();
  };
};

class BufferedBackend : public Backend {
 public:
  // The overlay: per bucket, key -> value or nullopt (deleted); plus created buckets.
  using Overlay = WriteBatch;

  BufferedBackend(std::unique_ptr<CommittedStore> store, BufferedBackendOptions options = {});
  // Commits what is published (running the pre-commit hook: clear it first if its target is gone).
  ~BufferedBackend() override;

  std::unique_ptr<ReadView> Read() override;
  BatchTx* batch_tx() override;
  Status ForceCommit() override;
  int64_t size_bytes() const override;
  int64_t size_in_use_bytes() const override;
  void set_pre_commit_hook(std::function<void(BatchTx*)> hook) override;

  // Commits if something is published and batch_interval has passed since the last commit.
  Status CommitIfDue();
  CommittedStore* committed_store() { return store_.get(); }

 private:
  class Tx;
  class MergedView;

  std::unique_ptr<CommittedStore> store_;
  BufferedBackendOptions options_;
  mutable std::mutex mu_;               // published_ swaps vs. read view creation
  std::shared_ptr<Overlay> published_;  // guarded by mu_ (contents: by the BatchTx lock)
  std::unique_ptr<Tx> tx_;
};

}  // namespace cairn::backend

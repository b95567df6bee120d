// MemBackend: an in-memory Backend for tests (and tools), with a simulated crash.
//
// State is an immutable, refcounted snapshot of all buckets. A write round (Lock..Unlock) records
// its writes in an overlay; Unlock() folds the overlay into the published state, in place when no
// ReadView holds that state and by copy-on-write otherwise. So a ReadView's string_views stay
// valid for its lifetime and readers never wait for a write round.
//
// "Durable" state: Commit (every `batch_limit` writing rounds, or ForceCommit) records the
// published state as durable. SimulateCrash() drops everything published since (like a process
// kill with bolt: uncommitted batch lost).
//
// Thread-safety: as Backend.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "storage/backend/backend.h"

namespace cairn::backend {

struct MemBackendOptions {
  // Commit after this many writing Lock/Unlock rounds (etcd's --backend-batch-limit). 0: only on
  // ForceCommit.
  int batch_limit = 10000;
};

class MemBackend : public Backend {
 public:
  using Bucket = std::map<std::string, std::string, std::less<>>;
  using State = std::map<std::string, Bucket, std::less<>>;

  explicit MemBackend(MemBackendOptions options = {});
  ~MemBackend() override;

  std::unique_ptr<ReadView> Read() override;
  BatchTx* batch_tx() override;
  Status ForceCommit() override;
  int64_t size_bytes() const override;
  int64_t size_in_use_bytes() const override;
  void set_pre_commit_hook(std::function<void(BatchTx*)> hook) override;

  // Resets the published state to the last committed one. REQUIRES: BatchTx not locked.
  void SimulateCrash();
  // Number of commits so far (for tests of batching).
  int64_t commit_count() const;

 private:
  class MemBatchTx;
  class MemReadView;

  // Publishes the overlay of a finished round. Called by MemBatchTx::Unlock.
  void Publish(std::map<std::string, std::map<std::string, std::optional<std::string>, std::less<>>,
                        std::less<>>* overlay,
               bool wrote, bool commit);
  // Whether the round ending now commits (batch limit reached). REQUIRES: BatchTx lock held.
  bool CommitDue(bool wrote) const;

  MemBackendOptions options_;
  mutable std::mutex mu_;  // guards state_, durable_, counters (never held across user code)
  std::shared_ptr<State> state_;
  std::shared_ptr<const State> durable_;
  int rounds_since_commit_ = 0;
  int64_t commit_count_ = 0;
  std::unique_ptr<MemBatchTx> batch_tx_;
  std::function<void(BatchTx*)> pre_commit_hook_;  // guarded by the BatchTx lock
  bool force_commit_ = false;                      // guarded by the BatchTx lock
};

}  // namespace cairn::backend

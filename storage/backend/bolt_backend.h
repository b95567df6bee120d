// OpenBoltBackend: the server's backend — a BufferedBackend (overlay, batching, hooks) over a
// BoltStore (the member/snap/db file), configured as etcd configures its backend.
//
// Durability (DESIGN.md §4): a write published by BatchTx::Unlock is visible to new read views
// at once, but durable only after the next commit — every `batch_limit` writing rounds, when the
// owner's timer calls BufferedBackend::CommitIfDue() after `batch_interval`, on ForceCommit(),
// and when the backend is destroyed. The WAL, not this file, makes an acknowledged write durable.
//
// The owner drives the interval: call CommitIfDue() every batch_interval (etcd's backend run
// loop). Maintenance (defrag, snapshot) goes through BoltStoreOf(backend).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "base/status.h"
#include "storage/backend/bolt_store.h"
#include "storage/backend/buffered_backend.h"
#include "storage/io/file.h"

namespace cairn::backend {

struct BoltBackendOptions {
  int batch_limit = 10000;                        // --backend-batch-limit (etcd default 10000)
  std::chrono::milliseconds batch_interval{100};  // --backend-batch-interval (etcd default 100ms)
  BoltStoreOptions store;
  // Time source for the batch interval (tests inject a fake clock).
  std::function<std::chrono::steady_clock::time_point()> clock = [] {
    return std::chrono::steady_clock::now();
  };
};

// Opens (creating when missing) the bolt file at `path` and returns a ready backend.
Status OpenBoltBackend(io::Env* env, const std::string& path, const BoltBackendOptions& options,
                       std::unique_ptr<BufferedBackend>* out);

// The BoltStore under a backend made by OpenBoltBackend (nullptr for other backends).
BoltStore* BoltStoreOf(BufferedBackend* backend);

// Defragments the backend's file: commits what is published first (as etcd commits its batch tx
// before defrag), then BoltStore::Defragment. Writers may continue meanwhile: what they publish
// lands in the overlay and is committed to the new file.
Status DefragmentBoltBackend(BufferedBackend* backend, DefragResult* result);

}  // namespace cairn::backend

// WatchableStore: watchers over a KvStore (etcd mvcc/watchable_store.go), without gRPC.
//
// Every watcher is either
//   synced:   it has seen everything up to the current revision; each write transaction's events
//             are pushed to it directly (Notify, on the writer's thread), or
//   unsynced: it starts in the past, or its stream's queue was full when events arrived. It is
//             caught up from the backend by SyncWatchers(), at most `sync_revisions_max`
//             revisions per round, and moves to the synced group once current.
// A watcher whose start revision is below the compact revision receives one response with
// compact_revision set and is removed (canceled).
//
// Bounds (CRAFT.md §10): each WatchStream holds at most `stream_responses_max` undelivered
// responses. When a response does not fit, nothing blocks: the watcher becomes unsynced at the
// revision it missed and is re-read from storage later. So a slow consumer never stalls the
// writer or other streams; it only costs backend reads.
//
// Driving: the owner calls SyncWatchers() periodically (etcd: every 100 ms) and after a stream's
// consumer drained its queue; tests call it directly (no threads inside).
//
// Thread-safety: all methods are thread-safe. Notify runs under the KvStore write lock.
// Lifetime: every WatchStream must be destroyed before the WatchableStore that made it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

#include "base/status.h"
#include "storage/mvcc/kv_store.h"
#include "storage/mvcc/watcher.h"
#include "storage/mvcc/watcher_group.h"

namespace cairn::mvcc {

class WatchableStore;

struct WatchOptions {
  std::string key;
  std::string end;         // KeyRange conventions
  Revision start_rev = 0;  // 0: from the next revision
  std::vector<WatchFilter> filters;
  bool prev_kv = false;
};

// The watchers of one client stream and their bounded response queue (etcd watchStream).
class WatchStream {
 public:
  ~WatchStream();  // cancels every watcher

  // Creates a watcher. id kAutoWatchId picks the next free id. Errors: duplicate id
  // (kErrWatcherDuplicateID).
  Status Watch(WatchId id, const WatchOptions& options, WatchId* out_id);
  // Errors: kErrWatcherNotExist.
  Status Cancel(WatchId id);
  // If the watcher is synced, queues a response with no events at the current revision; nothing
  // while that revision's events are still being handed out (ProgressRevisionLocked).
  void RequestProgress(WatchId id);
  // etcd 3.5: if every watcher of the stream is synced, queues one response with watch id -1 at
  // the current revision (nothing if the stream has no watchers) and returns true; else false
  // (also while the current revision's events are still being handed out).
  bool RequestProgressAll();

  // Consumer side. Pops the oldest response; false if none.
  // With `events_max` > 1, the responses queued right behind it that carry events of the same
  // watcher are merged into it (events appended in order, revision = the last one's), as long as
  // the merged response holds at most `events_max` events of at most `bytes_max` key and value
  // bytes in all; a single response is never split.
  // Responses without events (progress), with compact_revision, or of another watcher end the
  // merge, so the order of everything the stream sees is unchanged. (etcd also sends the events
  // of many revisions in one response when it catches a watcher up.)
  bool Poll(WatchResponse* out, size_t events_max = 1, size_t bytes_max = SIZE_MAX);
  // Like Poll, waiting up to `timeout`.
  bool Wait(WatchResponse* out, std::chrono::milliseconds timeout);
  // Called (under store locks: keep it cheap, do not call back) when a response was queued.
  void set_on_ready(std::function<void()> f);
  size_t queued() const;

 private:
  friend class WatchableStore;
  WatchStream(WatchableStore* store, size_t responses_max) : store_(store), responses_max_(responses_max) {}
  // False if the queue is full. REQUIRES: store mutex held.
  bool TrySend(WatchResponse resp);

  WatchableStore* store_;
  const size_t responses_max_;
  std::map<WatchId, std::unique_ptr<Watcher>> watchers_;  // guarded by the store mutex
  WatchId next_id_ = 0;                                   // guarded by the store mutex
  mutable std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<WatchResponse> queue_;
  std::function<void()> on_ready_;
};

class WatchableStore {
 public:
  struct Options {
    size_t stream_responses_max = 128;  // etcd chanBufLen
    int64_t sync_revisions_max = 1000;  // etcd watchBatchMaxRevs
    size_t sync_watchers_max = 512;     // etcd maxWatchersPerSync
  };

  // Registers as `kv`'s change observer. REQUIRES: kv outlives this object.
  WatchableStore(KvStore* kv, Options options);
  explicit WatchableStore(KvStore* kv) : WatchableStore(kv, Options()) {}
  ~WatchableStore();

  std::unique_ptr<WatchStream> NewStream();

  // One catch-up round for unsynced watchers; returns how many are still unsynced.
  size_t SyncWatchers();

  size_t synced_count() const;
  size_t unsynced_count() const;
  KvStore* kv() { return kv_; }

 private:
  friend class WatchStream;
  void Notify(Revision rev, std::vector<Event> events);
  void AddWatcher(Watcher* w);
  void RemoveWatcher(Watcher* w);
  // Fills ev->prev_kv from `txn` at ev.kv.mod_revision - 1 (absent if compacted/none).
  static void FillPrevKv(ReadTxn* txn, Event* ev);
  // The revision a progress notification may carry: the current revision, once its events have
  // been handed to the synced watchers (Notify). A write publishes its revision before it
  // notifies; a progress stamped in between would promise events not yet queued (robustness run
  // R1, docs/reliability.md), so then there is none (false) and the caller retries later.
  // REQUIRES: mu_ held.
  bool ProgressRevisionLocked(Revision* rev) const;

  KvStore* kv_;
  Options options_;
  mutable std::mutex mu_;  // groups, watcher state, stream watcher maps
  WatcherGroup synced_;
  WatcherGroup unsynced_;
  Revision notified_rev_;  // the highest revision Notify has handed to the synced watchers (mu_)
};

}  // namespace cairn::mvcc

#include "storage/mvcc/watchable_store.h"

#include <algorithm>
#include <cassert>
#include <iterator>

#include "storage/mvcc/errors.h"

namespace cairn::mvcc {

// ---- WatchStream ----

WatchStream::~WatchStream() {
  std::lock_guard<std::mutex> g(store_->mu_);
  for (auto& [id, w] : watchers_) store_->RemoveWatcher(w.get());
  watchers_.clear();
}

Status WatchStream::Watch(WatchId id, const WatchOptions& options, WatchId* out_id) {
  std::lock_guard<std::mutex> g(store_->mu_);
  if (id == kAutoWatchId) {
    while (watchers_.count(next_id_)) ++next_id_;
    id = next_id_++;
  } else if (watchers_.count(id)) {
    return Status::Exists(std::string(kErrWatcherDuplicateID));
  }
  auto w = std::make_unique<Watcher>();
  w->id = id;
  w->key = options.key;
  w->end = options.end;
  w->prev_kv = options.prev_kv;
  for (WatchFilter f : options.filters) {
    if (f == WatchFilter::kNoPut) w->no_put = true;
    if (f == WatchFilter::kNoDelete) w->no_delete = true;
  }
  w->stream = this;
  const Revision cur = store_->kv_->current_revision();
  // etcd watchableStore.watch: a watcher starting now or in the future is synced.
  if (options.start_rev == 0 || options.start_rev > cur) {
    w->synced = true;
    w->min_rev = std::max(cur + 1, options.start_rev);
  } else {
    w->min_rev = options.start_rev;
  }
  store_->AddWatcher(w.get());
  watchers_[id] = std::move(w);
  *out_id = id;
  return Status::Ok();
}

Status WatchStream::Cancel(WatchId id) {
  std::lock_guard<std::mutex> g(store_->mu_);
  auto it = watchers_.find(id);
  if (it == watchers_.end()) return Status::NotFound(std::string(kErrWatcherNotExist));
  store_->RemoveWatcher(it->second.get());
  watchers_.erase(it);
  return Status::Ok();
}

void WatchStream::RequestProgress(WatchId id) {
  std::lock_guard<std::mutex> g(store_->mu_);
  auto it = watchers_.find(id);
  if (it == watchers_.end() || !store_->synced_.Contains(it->second.get())) return;
  Revision rev = 0;
  if (!store_->ProgressRevisionLocked(&rev)) return;  // the next interval sends it
  WatchResponse r;
  r.watch_id = id;
  r.revision = rev;
  TrySend(std::move(r));
}

bool WatchStream::RequestProgressAll() {
  std::lock_guard<std::mutex> g(store_->mu_);
  for (auto& [id, w] : watchers_) {
    if (!w->compacted && !store_->synced_.Contains(w.get())) return false;
  }
  if (watchers_.empty()) return true;  // etcd progressIfSync: nothing to send it through
  Revision rev = 0;
  if (!store_->ProgressRevisionLocked(&rev)) return false;  // retried like an unsynced stream
  WatchResponse r;
  r.watch_id = kInvalidWatchId;
  r.revision = rev;
  TrySend(std::move(r));
  return true;
}

bool WatchStream::TrySend(WatchResponse resp) {
  std::function<void()> notify;
  {
    std::lock_guard<std::mutex> g(queue_mu_);
    if (queue_.size() >= responses_max_) return false;
    queue_.push_back(std::move(resp));
    notify = on_ready_;
  }
  queue_cv_.notify_one();
  if (notify) notify();
  return true;
}

namespace {

// Key and value bytes of the events of `r` (the bulk of its encoded size).
size_t EventBytes(const WatchResponse& r) {
  size_t n = 0;
  for (const Event& e : r.events) {
    n += e.kv.key.size() + e.kv.value.size();
    if (e.prev_kv) n += e.prev_kv->key.size() + e.prev_kv->value.size();
  }
  return n;
}

bool Mergeable(const WatchResponse& into, const WatchResponse& next) {
  return next.watch_id == into.watch_id && !into.events.empty() && !next.events.empty() &&
         into.compact_revision == 0 && next.compact_revision == 0;
}

}  // namespace

bool WatchStream::Poll(WatchResponse* out, size_t events_max, size_t bytes_max) {
  std::lock_guard<std::mutex> g(queue_mu_);
  if (queue_.empty()) return false;
  *out = std::move(queue_.front());
  queue_.pop_front();
  if (events_max <= 1 || queue_.empty() || !Mergeable(*out, queue_.front())) return true;
  size_t bytes = EventBytes(*out);
  while (!queue_.empty() && Mergeable(*out, queue_.front())) {
    WatchResponse& next = queue_.front();
    const size_t next_bytes = EventBytes(next);
    if (out->events.size() + next.events.size() > events_max || bytes + next_bytes > bytes_max) break;
    bytes += next_bytes;
    out->events.insert(out->events.end(), std::make_move_iterator(next.events.begin()),
                       std::make_move_iterator(next.events.end()));
    out->revision = next.revision;
    queue_.pop_front();
  }
  return true;
}

bool WatchStream::Wait(WatchResponse* out, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> g(queue_mu_);
  if (!queue_cv_.wait_for(g, timeout, [this] { return !queue_.empty(); })) return false;
  *out = std::move(queue_.front());
  queue_.pop_front();
  return true;
}

void WatchStream::set_on_ready(std::function<void()> f) {
  std::lock_guard<std::mutex> g(queue_mu_);
  on_ready_ = std::move(f);
}

size_t WatchStream::queued() const {
  std::lock_guard<std::mutex> g(queue_mu_);
  return queue_.size();
}

// ---- WatchableStore ----

WatchableStore::WatchableStore(KvStore* kv, Options options)
    : kv_(kv), options_(options), notified_rev_(kv->current_revision()) {
  kv_->set_change_observer(
      [this](Revision rev, std::vector<Event> events) { Notify(rev, std::move(events)); });
}

WatchableStore::~WatchableStore() { kv_->set_change_observer(nullptr); }

std::unique_ptr<WatchStream> WatchableStore::NewStream() {
  return std::unique_ptr<WatchStream>(new WatchStream(this, options_.stream_responses_max));
}

void WatchableStore::AddWatcher(Watcher* w) { (w->synced ? synced_ : unsynced_).Add(w); }

void WatchableStore::RemoveWatcher(Watcher* w) {
  if (!synced_.Remove(w)) unsynced_.Remove(w);
}

void WatchableStore::FillPrevKv(ReadTxn* txn, Event* ev) {
  RangeRequest req;
  req.key = ev->kv.key;
  req.revision = ev->kv.mod_revision - 1;
  RangeResponse resp;
  if (req.revision <= 0 || !txn->Range(req, &resp).ok() || resp.kvs.empty()) return;
  ev->prev_kv = resp.kvs[0].kv.ToOwned();
}

bool WatchableStore::ProgressRevisionLocked(Revision* rev) const {
  const Revision cur = kv_->current_revision();
  if (cur != notified_rev_) return false;
  *rev = cur;
  return true;
}

void WatchableStore::Notify(Revision rev, std::vector<Event> events) {
  std::lock_guard<std::mutex> g(mu_);
  notified_rev_ = std::max(notified_rev_, rev);
  if (synced_.empty()) return;
  // (watcher, event index) pairs grouped by watcher, each watcher's events in order: one flat
  // vector instead of a map of vectors (a write seen by 1000 watchers allocated 2000 nodes here).
  std::vector<std::pair<Watcher*, size_t>> hits;
  for (size_t i = 0; i < events.size(); ++i) {
    synced_.ForEachWatching(events[i].kv.key, [&](Watcher* w) { hits.emplace_back(w, i); });
  }
  if (events.size() > 1) {
    std::stable_sort(hits.begin(), hits.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
  }
  std::vector<std::optional<KeyValue>> prev(events.size());
  std::vector<bool> prev_done(events.size(), false);
  std::vector<Watcher*> victims;
  std::unique_ptr<ReadTxn> txn;  // opened once, for prev_kv lookups
  for (size_t begin = 0, end; begin < hits.size(); begin = end) {
    Watcher* w = hits[begin].first;
    for (end = begin + 1; end < hits.size() && hits[end].first == w; ++end) {
    }
    if (w->min_rev > rev) continue;  // starts in the future
    WatchResponse r;
    r.watch_id = w->id;
    r.revision = rev;
    r.events.reserve(end - begin);
    for (size_t h = begin; h < end; ++h) {
      const size_t i = hits[h].second;
      if (!w->Wants(events[i])) continue;
      Event ev = events[i];
      if (w->prev_kv) {
        if (!prev_done[i]) {
          Event tmp = events[i];
          if (!txn) txn = kv_->Read();
          FillPrevKv(txn.get(), &tmp);
          prev[i] = std::move(tmp.prev_kv);
          prev_done[i] = true;
        }
        ev.prev_kv = prev[i];
      }
      r.events.push_back(std::move(ev));
    }
    if (r.events.empty()) {
      w->min_rev = rev + 1;
      continue;
    }
    if (w->stream->TrySend(std::move(r))) {
      w->min_rev = rev + 1;
    } else {
      w->min_rev = rev;  // re-read from the backend by SyncWatchers
      victims.push_back(w);
    }
  }
  for (Watcher* w : victims) {
    synced_.Remove(w);
    w->synced = false;
    unsynced_.Add(w);
  }
}

size_t WatchableStore::SyncWatchers() {
  std::lock_guard<std::mutex> g(mu_);
  if (unsynced_.empty()) return 0;
  std::unique_ptr<ReadTxn> txn = kv_->Read();
  const Revision cur = txn->revision();
  const Revision compact = txn->compact_revision();

  std::vector<Watcher*> chosen;
  for (Watcher* w : unsynced_.watchers()) {
    if (chosen.size() >= options_.sync_watchers_max) break;
    chosen.push_back(w);
  }
  std::vector<Watcher*> active;
  Revision min_rev = INT64_MAX;
  for (Watcher* w : chosen) {
    if (w->min_rev < compact) {
      WatchResponse r;
      r.watch_id = w->id;
      r.revision = cur;
      r.compact_revision = compact;
      if (w->stream->TrySend(std::move(r))) {
        w->compacted = true;
        unsynced_.Remove(w);
      }
      continue;  // if the queue was full: retry next round
    }
    active.push_back(w);
    min_rev = std::min(min_rev, w->min_rev);
  }
  if (!active.empty() && min_rev <= cur) {
    // Read at most sync_revisions_max revisions from the backend.
    const Revision upto = std::min(cur, min_rev + std::max<int64_t>(1, options_.sync_revisions_max) - 1);
    std::vector<std::string_view> keys, vals;
    txn->view().UnsafeRange(backend::kKeyBucket, RevisionToBytes({min_rev, 0}),
                            RevisionToBytes({upto + 1, 0}), 0, &keys, &vals);
    std::vector<Event> events;
    events.reserve(keys.size());
    for (size_t i = 0; i < keys.size(); ++i) {
      KeyValueView kv;
      if (!IsValidRevisionKey(keys[i]) || !ParseKeyValue(vals[i], &kv).ok()) {
        assert(false && "corrupt key bucket during watch sync");
        continue;
      }
      Event ev;
      ev.kv = kv.ToOwned();
      if (IsTombstoneKey(keys[i])) {
        ev.type = Event::Type::kDelete;
        ev.kv.mod_revision = BytesToRevision(keys[i]).main;
      }
      events.push_back(std::move(ev));
    }
    for (Watcher* w : active) {
      if (w->min_rev > upto) continue;
      WatchResponse r;
      r.watch_id = w->id;
      r.revision = cur;
      for (const Event& e : events) {
        if (e.kv.mod_revision < w->min_rev || !w->Wants(e)) continue;
        Event ev = e;
        if (w->prev_kv) FillPrevKv(txn.get(), &ev);
        r.events.push_back(std::move(ev));
      }
      if (!r.events.empty() && !w->stream->TrySend(std::move(r))) continue;  // still behind
      w->min_rev = upto + 1;
    }
  }
  for (Watcher* w : active) {
    if (w->min_rev > cur) {
      unsynced_.Remove(w);
      w->synced = true;
      synced_.Add(w);
    }
  }
  return unsynced_.size();
}

size_t WatchableStore::synced_count() const {
  std::lock_guard<std::mutex> g(mu_);
  return synced_.size();
}

size_t WatchableStore::unsynced_count() const {
  std::lock_guard<std::mutex> g(mu_);
  return unsynced_.size();
}

}  // namespace cairn::mvcc

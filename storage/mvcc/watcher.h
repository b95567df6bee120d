// Watcher: one watch on a key or range (etcd mvcc/watcher.go), and what it sends.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage/mvcc/event.h"
#include "storage/mvcc/key_range.h"
#include "storage/mvcc/revision.h"

namespace cairn::mvcc {

using WatchId = int64_t;
inline constexpr WatchId kAutoWatchId = 0;      // etcd: 0 asks the stream to pick an id
inline constexpr WatchId kInvalidWatchId = -1;  // progress responses for the whole stream (3.5)

// etcdserverpb.WatchCreateRequest.FilterType numbers.
enum class WatchFilter { kNoPut = 0, kNoDelete = 1 };

struct WatchResponse {
  WatchId watch_id = 0;
  std::vector<Event> events;
  // Header revision: the store revision the response is current to.
  Revision revision = 0;
  // > 0: the watcher's start revision was compacted; the watcher has been canceled.
  Revision compact_revision = 0;
};

class WatchStream;

struct Watcher {
  WatchId id = 0;
  std::string key;
  std::string end;  // KeyRange conventions
  bool no_put = false;
  bool no_delete = false;
  bool prev_kv = false;
  // The next revision this watcher needs. Synced watchers: current revision + 1.
  Revision min_rev = 0;
  bool synced = false;
  bool compacted = false;
  WatchStream* stream = nullptr;

  KeyRange range() const { return KeyRange{key, end}; }
  bool Wants(const Event& ev) const {
    if (ev.type == Event::Type::kPut && no_put) return false;
    if (ev.type == Event::Type::kDelete && no_delete) return false;
    return range().Contains(ev.kv.key);
  }
};

}  // namespace cairn::mvcc

// WatcherGroup: a set of watchers indexed for matching events by key (etcd watcher_group.go).
// Single-key watchers are found by key lookup; range watchers are scanned.
// Not thread-safe: the WatchableStore's mutex guards it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "storage/mvcc/watcher.h"

namespace cairn::mvcc {

class WatcherGroup {
 public:
  void Add(Watcher* w) {
    all_.insert(w);
    if (w->range().single()) {
      by_key_.emplace(w->key, w);
    } else {
      ranges_.insert(w);
    }
  }
  bool Remove(Watcher* w) {
    if (all_.erase(w) == 0) return false;
    if (w->range().single()) {
      auto [b, e] = by_key_.equal_range(w->key);
      for (auto it = b; it != e; ++it) {
        if (it->second == w) {
          by_key_.erase(it);
          break;
        }
      }
    } else {
      ranges_.erase(w);
    }
    return true;
  }
  bool Contains(Watcher* w) const { return all_.count(w) > 0; }
  size_t size() const { return all_.size(); }
  bool empty() const { return all_.empty(); }
  const std::set<Watcher*>& watchers() const { return all_; }

  // Watchers whose range contains `key`.
  template <typename F>
  void ForEachWatching(std::string_view key, F&& f) const {
    auto [b, e] = by_key_.equal_range(key);
    for (auto it = b; it != e; ++it) f(it->second);
    for (Watcher* w : ranges_) {
      if (w->range().Contains(key)) f(w);
    }
  }

  // The smallest min_rev among the watchers (INT64_MAX if empty).
  Revision MinRev() const {
    Revision m = INT64_MAX;
    for (Watcher* w : all_) m = std::min(m, w->min_rev);
    return m;
  }

 private:
  std::set<Watcher*> all_;
  std::multimap<std::string, Watcher*, std::less<>> by_key_;
  std::set<Watcher*> ranges_;
};

}  // namespace cairn::mvcc

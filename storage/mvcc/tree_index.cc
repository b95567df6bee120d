#include "storage/mvcc/tree_index.h"

#include <algorithm>
#include <cassert>
#include <mutex>

namespace cairn::mvcc {

template <typename F>
void TreeIndex::Visit(const KeyRange& range, F&& f) const {
  if (range.single()) {
    auto it = tree_.find(range.key);
    if (it != tree_.end()) f(it->second);
    return;
  }
  for (auto it = tree_.lower_bound(range.key); it != tree_.end(); ++it) {
    if (!range.unbounded() && std::string_view(it->first) >= range.end) break;
    if (!f(it->second)) break;
  }
}

void TreeIndex::Put(std::string_view key, RevisionPair rev) {
  std::unique_lock lock(mu_);
  auto it = tree_.find(key);
  if (it == tree_.end()) it = tree_.emplace(std::string(key), KeyIndex(std::string(key))).first;
  it->second.Put(rev);
}

bool TreeIndex::Tombstone(std::string_view key, RevisionPair rev) {
  std::unique_lock lock(mu_);
  auto it = tree_.find(key);
  if (it == tree_.end()) return false;
  return it->second.Tombstone(rev);
}

bool TreeIndex::Get(std::string_view key, Revision at_rev, KeyIndex::GetResult* out) const {
  std::shared_lock lock(mu_);
  auto it = tree_.find(key);
  if (it == tree_.end()) return false;
  return it->second.Get(at_rev, out);
}

TreeIndex::RangeResult TreeIndex::Range(const KeyRange& range, Revision at_rev, int64_t limit) const {
  RangeResult r;
  std::shared_lock lock(mu_);
  Visit(range, [&](const KeyIndex& ki) {
    KeyIndex::GetResult g;
    if (ki.Get(at_rev, &g)) {
      if (limit <= 0 || r.total < limit) {
        r.keys.push_back(ki.key());
        r.revs.push_back(g.modified);
      }
      ++r.total;
    }
    return true;
  });
  return r;
}

std::vector<RevisionPair> TreeIndex::Revisions(const KeyRange& range, Revision at_rev, int64_t limit,
                                               int64_t* total) const {
  std::vector<RevisionPair> revs;
  int64_t n = 0;
  std::shared_lock lock(mu_);
  Visit(range, [&](const KeyIndex& ki) {
    KeyIndex::GetResult g;
    if (ki.Get(at_rev, &g)) {
      if (limit <= 0 || n < limit) revs.push_back(g.modified);
      ++n;
    }
    return true;
  });
  *total = n;
  return revs;
}

int64_t TreeIndex::Count(const KeyRange& range, Revision at_rev) const {
  int64_t n = 0;
  std::shared_lock lock(mu_);
  Visit(range, [&](const KeyIndex& ki) {
    KeyIndex::GetResult g;
    if (ki.Get(at_rev, &g)) ++n;
    return true;
  });
  return n;
}

std::vector<RevisionPair> TreeIndex::RangeSince(const KeyRange& range, Revision rev) const {
  std::vector<RevisionPair> revs;
  std::shared_lock lock(mu_);
  Visit(range, [&](const KeyIndex& ki) {
    auto s = ki.Since(rev);
    revs.insert(revs.end(), s.begin(), s.end());
    return true;
  });
  std::sort(revs.begin(), revs.end());
  return revs;
}

RevisionSet TreeIndex::Compact(Revision rev) {
  RevisionSet available;
  std::unique_lock lock(mu_);
  for (auto it = tree_.begin(); it != tree_.end();) {
    it->second.Compact(rev, &available);
    if (it->second.IsEmpty()) {
      it = tree_.erase(it);
    } else {
      ++it;
    }
  }
  return available;
}

RevisionSet TreeIndex::Keep(Revision rev) const {
  RevisionSet available;
  std::shared_lock lock(mu_);
  for (const auto& [k, ki] : tree_) ki.Keep(rev, &available);
  return available;
}

void TreeIndex::RestoreRevision(std::string_view key, RevisionPair rev, bool tombstone, RevisionPair created,
                                int64_t version) {
  std::unique_lock lock(mu_);
  auto it = tree_.find(key);
  if (it == tree_.end()) {
    // etcd restoreIntoIndex: a tombstone for an unknown key (its puts were compacted away) is
    // dropped; the first put seen rebuilds the generation from the stored KeyValue.
    if (tombstone) return;
    it = tree_.emplace(std::string(key), KeyIndex(std::string(key))).first;
    it->second.Restore(created, rev, version);
    return;
  }
  if (tombstone) {
    it->second.Tombstone(rev);
  } else {
    it->second.Put(rev);
  }
}

size_t TreeIndex::size() const {
  std::shared_lock lock(mu_);
  return tree_.size();
}

}  // namespace cairn::mvcc

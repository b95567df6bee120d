#include "storage/mvcc/tree_index.h"

#include <algorithm>
#include <cassert>
#include <mutex>

namespace cairn::mvcc {

template <typename F>
void TreeIndex::Visit(const KeyRange& range, F&& f) const {
  if (range.single()) {
    const KeyIndex* ki = tree_.Find(range.key);
    if (ki != nullptr) f(range.key, *ki);
    return;
  }
  tree_.ForEachFrom(range.key, [&](std::string_view key, const KeyIndex& ki) {
    if (!range.unbounded() && key >= range.end) return false;
    return static_cast<bool>(f(key, ki));
  });
}

void TreeIndex::Put(std::string_view key, RevisionPair rev) {
  std::unique_lock lock(mu_);
  tree_.FindOrInsert(key).Put(rev);
}

bool TreeIndex::Tombstone(std::string_view key, RevisionPair rev) {
  std::unique_lock lock(mu_);
  KeyIndex* ki = tree_.Find(key);
  if (ki == nullptr) return false;
  return ki->Tombstone(rev);
}

bool TreeIndex::Get(std::string_view key, Revision at_rev, KeyIndex::GetResult* out) const {
  std::shared_lock lock(mu_);
  const KeyIndex* ki = tree_.Find(key);
  if (ki == nullptr) return false;
  return ki->Get(at_rev, out);
}

TreeIndex::RangeResult TreeIndex::Range(const KeyRange& range, Revision at_rev, int64_t limit) const {
  RangeResult r;
  std::shared_lock lock(mu_);
  Visit(range, [&](std::string_view key, const KeyIndex& ki) {
    KeyIndex::GetResult g;
    if (ki.Get(at_rev, &g)) {
      if (limit <= 0 || r.total < limit) {
        r.keys.emplace_back(key);
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
  Visit(range, [&](std::string_view, const KeyIndex& ki) {
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
  Visit(range, [&](std::string_view, const KeyIndex& ki) {
    KeyIndex::GetResult g;
    if (ki.Get(at_rev, &g)) ++n;
    return true;
  });
  return n;
}

std::vector<RevisionPair> TreeIndex::RangeSince(const KeyRange& range, Revision rev) const {
  std::vector<RevisionPair> revs;
  std::shared_lock lock(mu_);
  Visit(range, [&](std::string_view, const KeyIndex& ki) {
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
  tree_.EraseIf([&](KeyIndex& ki) {
    ki.Compact(rev, &available);
    return ki.IsEmpty();
  });
  return available;
}

RevisionSet TreeIndex::Keep(Revision rev) const {
  RevisionSet available;
  std::shared_lock lock(mu_);
  tree_.ForEach([&](const std::string&, const KeyIndex& ki) { ki.Keep(rev, &available); });
  return available;
}

void TreeIndex::RestoreRevision(std::string_view key, RevisionPair rev, bool tombstone, RevisionPair created,
                                int64_t version) {
  std::unique_lock lock(mu_);
  KeyIndex* ki = tree_.Find(key);
  if (ki == nullptr) {
    // etcd restoreIntoIndex: a tombstone for an unknown key (its puts were compacted away) is
    // dropped; the first put seen rebuilds the generation from the stored KeyValue.
    if (tombstone) return;
    tree_.FindOrInsert(key).Restore(created, rev, version);
    return;
  }
  if (tombstone) {
    ki->Tombstone(rev);
  } else {
    ki->Put(rev);
  }
}

size_t TreeIndex::size() const {
  std::shared_lock lock(mu_);
  return tree_.size();
}

}  // namespace cairn::mvcc

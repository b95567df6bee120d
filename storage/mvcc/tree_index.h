// TreeIndex: key -> KeyIndex, ordered by key (etcd mvcc/index.go treeIndex), over a KeyMap
// (key_map.h: sorted chunks, ~64 bytes a key put once in key order).
//
// Thread-safety: all methods are thread-safe (shared mutex: readers in parallel, one writer).
#pragma once

#include <functional>
#include <map>  // not used here; kept for includers that relied on it
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "storage/mvcc/key_index.h"
#include "storage/mvcc/key_map.h"
#include "storage/mvcc/key_range.h"

namespace cairn::mvcc {

class TreeIndex {
 public:
  struct RangeResult {
    std::vector<std::string> keys;
    std::vector<RevisionPair> revs;
    int64_t total = 0;  // number of keys alive at the revision (ignores limit)
  };

  void Put(std::string_view key, RevisionPair rev);
  // False if the key has no live generation (nothing to delete).
  bool Tombstone(std::string_view key, RevisionPair rev);
  bool Get(std::string_view key, Revision at_rev, KeyIndex::GetResult* out) const;
  // Keys alive at at_rev in range, with their revisions; at most `limit` (> 0) returned.
  RangeResult Range(const KeyRange& range, Revision at_rev, int64_t limit = 0) const;
  // Like Range without the keys: revisions of at most `limit` (> 0) keys; *total as in Range.
  std::vector<RevisionPair> Revisions(const KeyRange& range, Revision at_rev, int64_t limit,
                                      int64_t* total) const;
  // Number of keys alive at at_rev in range.
  int64_t Count(const KeyRange& range, Revision at_rev) const;
  // Revisions with main >= rev of keys in range, in revision order.
  std::vector<RevisionPair> RangeSince(const KeyRange& range, Revision rev) const;
  // Compacts every key at `rev`; returns the revisions <= rev that must stay in the backend.
  RevisionSet Compact(Revision rev);
  RevisionSet Keep(Revision rev) const;

  // Restore support: applies a stored revision of `key` (in increasing revision order).
  void RestoreRevision(std::string_view key, RevisionPair rev, bool tombstone, RevisionPair created,
                       int64_t version);

  size_t size() const;

 private:
  template <typename F>
  void Visit(const KeyRange& range, F&& f) const;

  mutable std::shared_mutex mu_;
  KeyMap tree_;
};

}  // namespace cairn::mvcc

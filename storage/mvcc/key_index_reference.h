// ReferenceKeyIndex: the previous KeyIndex (one std::vector per generation, the key copied in),
// kept unchanged as the model that key_index_test compares the compact KeyIndex against.
//
// KeyIndex: the revision history of one key, as a list of generations (etcd mvcc/key_index.go).
//
// A generation runs from a key's creation to its deletion (tombstone, the generation's last rev).
// The last generation is the current one; it is empty when the key is deleted. Example:
//   put(1.0); put(2.0); tombstone(3.0); put(4.0); tombstone(5.0)
//   generations: {1.0, 2.0, 3.0(t)}, {4.0, 5.0(t)}, {empty}
// Compaction at rev keeps, per key, the largest revision <= rev (unless it is a tombstone) and
// everything after; generations ending at or before rev are dropped.
//
// Not thread-safe: TreeIndex serializes access.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "storage/mvcc/key_index.h"
#include "storage/mvcc/revision.h"

namespace cairn::mvcc {

class ReferenceKeyIndex {
 public:
  struct GetResult {
    RevisionPair modified;
    RevisionPair created;
    int64_t version = 0;
  };

  explicit ReferenceKeyIndex(std::string key) : key_(std::move(key)) {}

  const std::string& key() const { return key_; }
  RevisionPair modified() const { return modified_; }
  const std::vector<Generation>& generations() const { return generations_; }

  // REQUIRES: rev > modified() (asserted: revisions only grow).
  void Put(RevisionPair rev);
  // Rebuilds the current generation from a stored KeyValue during restore. REQUIRES: empty.
  void Restore(RevisionPair created, RevisionPair modified, int64_t version);
  // Appends a tombstone and starts a new empty generation. False if the key is already deleted.
  bool Tombstone(RevisionPair rev);
  // The newest revision <= at_rev, in a generation alive at at_rev. False if none.
  bool Get(Revision at_rev, GetResult* out) const;
  // Revisions with main >= rev, keeping only the last sub-revision of each main revision.
  std::vector<RevisionPair> Since(Revision rev) const;
  // Drops history not needed at or after `at_rev`; adds the kept revision <= at_rev to *available.
  void Compact(Revision at_rev, RevisionSet* available);
  // What Compact(at_rev) would keep, without changing anything (for HashKV).
  void Keep(Revision at_rev, RevisionSet* available) const;
  // True when nothing is left (only one empty generation).
  bool IsEmpty() const { return generations_.size() == 1 && generations_[0].empty(); }

 private:
  // Index of the generation holding at_rev, or -1.
  int FindGeneration(Revision at_rev) const;
  // Shared by Compact and Keep: the first generation to keep and the index in it of the
  // revision to keep (-1: none <= at_rev).
  void DoCompact(Revision at_rev, RevisionSet* available, size_t* gen_index, int* rev_index) const;

  std::string key_;
  RevisionPair modified_;
  std::vector<Generation> generations_;
};

}  // namespace cairn::mvcc

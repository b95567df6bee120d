// KeyIndex: the revision history of one key, as a list of generations (etcd mvcc/key_index.go).
//
// A generation runs from a key's creation to its deletion (tombstone, the generation's last rev).
// The last generation is the current one; it is empty when the key is deleted. Example:
//   put(1.0); put(2.0); tombstone(3.0); put(4.0); tombstone(5.0)
//   generations: {1.0, 2.0, 3.0(t)}, {4.0, 5.0(t)}, {empty}
// Compaction at rev keeps, per key, the largest revision <= rev (unless it is a tombstone) and
// everything after; generations ending at or before rev are dropped.
//
// Memory (one KeyIndex per key lives in the TreeIndex): most keys hold one live generation with
// one revision (put once, restored from the backend, or compacted down to their last put). That
// history is stored inline (the KeyIndex is 32 bytes, no allocation); any other history lives in one heap block
// (a vector of generations). Compact returns a history to the inline form when it fits again.
// The key itself is not stored: the TreeIndex holds it.
//
// Not thread-safe: TreeIndex serializes access.
#pragma once

#include <cstdint>
#include <set>
#include <vector>

#include "storage/mvcc/revision.h"

namespace cairn::mvcc {

struct Generation {
  int64_t version = 0;   // number of revisions ever put in this generation
  RevisionPair created;  // first revision of the generation
  std::vector<RevisionPair> revs;

  bool empty() const { return revs.empty(); }
  friend bool operator==(const Generation&, const Generation&) = default;
};

using RevisionSet = std::set<RevisionPair>;

class KeyIndex {
 public:
  struct GetResult {
    RevisionPair modified;
    RevisionPair created;
    int64_t version = 0;
  };

  KeyIndex() : created_main_(0) {}
  KeyIndex(const KeyIndex& other);
  KeyIndex(KeyIndex&& other) noexcept;
  KeyIndex& operator=(const KeyIndex& other);
  KeyIndex& operator=(KeyIndex&& other) noexcept;
  ~KeyIndex();

  // The newest revision in the history ({0, 0} if none).
  RevisionPair modified() const;
  // The generations, materialized (tests and debugging; allocates).
  std::vector<Generation> generations() const;

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
  bool IsEmpty() const;
  // True when the history is held inline (no heap block). For tests and memory accounting.
  bool is_inline() const { return version_ > 0; }

 private:
  // Switches to the heap form (materializing an inline history). Returns the generations.
  std::vector<Generation>& MutableHistory();
  // Stores one live generation holding one revision, inline if it fits (else on the heap).
  // REQUIRES: no heap block (the caller freed it or never had one).
  void SetSingle(RevisionPair created, RevisionPair rev, int64_t version);
  // Back to the inline form when the history has that shape and fits.
  void MaybeInline();
  void Reset();
  void MoveFrom(KeyIndex& other);

  // 32 bytes. version_ tells the form:
  //   > 0  inline: one live generation {version_, created, {rev}} (subs fit in 32 bits);
  //   == 0 nothing yet (a fresh index);
  //   < 0  history_ holds the generations (any shape).
  union {
    int64_t created_main_;
    std::vector<Generation>* history_;
  };
  int64_t rev_main_ = 0;
  int64_t version_ = 0;
  uint32_t created_sub_ = 0;
  uint32_t rev_sub_ = 0;
};

}  // namespace cairn::mvcc

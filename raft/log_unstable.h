// Unstable: the tail of the log (and possibly an incoming snapshot) that the
// core has accepted but the application has not yet persisted. Entries move
// to Storage when the application reports them stable (via Advance).
//
// Invariant: entries_[i].index == offset_ + i. If a snapshot is pending,
// offset_ == snapshot.metadata.index + 1.
#pragma once

#include <optional>
#include <vector>

#include "raft/types.h"

namespace cairn::raft {

class Unstable {
 public:
  // Index of the first entry if it is known only to the unstable part (i.e. a
  // pending snapshot decides it).
  std::optional<Index> MaybeFirstIndex() const;
  std::optional<Index> MaybeLastIndex() const;
  std::optional<Term> MaybeTerm(Index i) const;

  // The application persisted entries up to (i, t). Ignored if the entry at i
  // was since overwritten by a different term.
  void StableTo(Index i, Term t);
  void StableSnapTo(Index i);
  void Restore(const Snapshot& snap);
  void TruncateAndAppend(const std::vector<Entry>& ents);
  void TruncateAndAppend(std::vector<Entry>&& ents);
  // Entries in [lo, hi). REQUIRES: offset_ <= lo <= hi <= offset_ + size.
  void Slice(Index lo, Index hi, std::vector<Entry>* out) const;

  const std::vector<Entry>& entries() const { return entries_; }
  const std::optional<Snapshot>& snapshot() const { return snapshot_; }
  Index offset() const { return offset_; }
  void set_offset(Index o) { offset_ = o; }

 private:
  std::optional<Snapshot> snapshot_;
  std::vector<Entry> entries_;
  Index offset_ = 0;
};

}  // namespace cairn::raft

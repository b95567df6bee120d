#include "raft/log_unstable.h"

#include <cassert>

namespace cairn::raft {

std::optional<Index> Unstable::MaybeFirstIndex() const {
  if (snapshot_) return snapshot_->metadata.index + 1;
  return std::nullopt;
}

std::optional<Index> Unstable::MaybeLastIndex() const {
  if (!entries_.empty()) return offset_ + entries_.size() - 1;
  if (snapshot_) return snapshot_->metadata.index;
  return std::nullopt;
}

std::optional<Term> Unstable::MaybeTerm(Index i) const {
  if (i < offset_) {
    if (snapshot_ && snapshot_->metadata.index == i) return snapshot_->metadata.term;
    return std::nullopt;
  }
  auto last = MaybeLastIndex();
  if (!last || i > *last) return std::nullopt;
  if (entries_.empty()) return std::nullopt;  // i == snapshot index handled above only if < offset
  return entries_[i - offset_].term;
}

void Unstable::StableTo(Index i, Term t) {
  auto gt = MaybeTerm(i);
  if (!gt) return;
  // Only stabilize if the entry still has the term that was persisted; a
  // newer leader may have overwritten it meanwhile.
  if (*gt == t && i >= offset_) {
    entries_.erase(entries_.begin(), entries_.begin() + (i + 1 - offset_));
    offset_ = i + 1;
  }
}

void Unstable::StableSnapTo(Index i) {
  if (snapshot_ && snapshot_->metadata.index == i) snapshot_.reset();
}

void Unstable::Restore(const Snapshot& snap) {
  offset_ = snap.metadata.index + 1;
  entries_.clear();
  snapshot_ = snap;
}

void Unstable::TruncateAndAppend(const std::vector<Entry>& ents) {
  std::vector<Entry> copy(ents);
  TruncateAndAppend(std::move(copy));
}

void Unstable::TruncateAndAppend(std::vector<Entry>&& ents) {
  if (ents.empty()) return;
  Index after = ents[0].index;
  if (after == offset_ + entries_.size()) {
    // Directly after the unstable tail: append.
  } else if (after <= offset_) {
    // Replaces the whole unstable tail; the log will be truncated on persist.
    offset_ = after;
    entries_.clear();
  } else {
    // Truncate to after-1, then append.
    entries_.resize(after - offset_);
  }
  if (entries_.empty()) {
    entries_ = std::move(ents);
  } else {
    entries_.insert(entries_.end(), std::make_move_iterator(ents.begin()),
                    std::make_move_iterator(ents.end()));
  }
}

void Unstable::Slice(Index lo, Index hi, std::vector<Entry>* out) const {
  assert(lo <= hi && lo >= offset_ && hi <= offset_ + entries_.size());
  out->insert(out->end(), entries_.begin() + (lo - offset_), entries_.begin() + (hi - offset_));
}

}  // namespace cairn::raft

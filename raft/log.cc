#include "raft/log.h"

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <cstdlib>
#include <optional>

namespace cairn::raft {

RaftLog::RaftLog(const Storage* storage, uint64_t max_committed_bytes_per_ready)
    : storage_(storage), max_committed_bytes_per_ready_(max_committed_bytes_per_ready) {
  Index first = storage_->FirstIndex();
  Index last = storage_->LastIndex();
  unstable_.set_offset(last + 1);
  // Everything at or below the snapshot is committed and applied.
  committed_ = first - 1;
  applied_ = first - 1;
}

Index RaftLog::first_index() const {
  if (auto i = unstable_.MaybeFirstIndex()) return *i;
  return storage_->FirstIndex();
}

Index RaftLog::last_index() const {
  if (auto i = unstable_.MaybeLastIndex()) return *i;
  return storage_->LastIndex();
}

Term RaftLog::last_term() const {
  Term t = 0;
  Error err = TermAt(last_index(), &t);
  assert(err == Error::kOk && "unexpected error getting last term");
  (void)err;
  return t;
}

Error RaftLog::TermAt(Index i, Term* term) const {
  // The valid term range is [first_index-1, last_index].
  Index dummy = first_index() - 1;
  if (i < dummy) return Error::kCompacted;
  if (i > last_index()) return Error::kUnavailable;
  if (auto t = unstable_.MaybeTerm(i)) {
    *term = *t;
    return Error::kOk;
  }
  Error err = storage_->TermAt(i, term);
  if (err == Error::kOk || err == Error::kCompacted || err == Error::kUnavailable) return err;
  std::fprintf(stderr, "raft: unexpected storage error %d\n", static_cast<int>(err));
  std::abort();
}

Term RaftLog::ZeroTermOnErr(Index i) const {
  Term t = 0;
  if (TermAt(i, &t) != Error::kOk) return 0;
  return t;
}

bool RaftLog::MatchTerm(Index i, Term t) const {
  Term got = 0;
  if (TermAt(i, &got) != Error::kOk) return false;
  return got == t;
}

bool RaftLog::IsUpToDate(Index lasti, Term term) const {
  Term lt = last_term();
  return term > lt || (term == lt && lasti >= last_index());
}

bool RaftLog::MaybeAppend(Index index, Term log_term, Index committed, std::vector<Entry>* ents_ptr,
                          Index* last_new_index) {
  if (!MatchTerm(index, log_term)) return false;
  std::vector<Entry>& ents = *ents_ptr;
  Index lastnewi = index + ents.size();
  Index ci = FindConflict(ents);
  if (ci != 0) {
    // A conflict at or below `committed_` would mean a committed entry differs: fatal.
    assert(ci > committed_ && "entry conflicts with committed entry");
    Index offset = index + 1;
    assert(ci - offset <= ents.size());
    ents.erase(ents.begin(), ents.begin() + (ci - offset));
    Append(std::move(ents));
  }
  CommitTo(std::min(committed, lastnewi));
  *last_new_index = lastnewi;
  return true;
}

Index RaftLog::Append(const std::vector<Entry>& ents) {
  std::vector<Entry> copy(ents);
  return Append(std::move(copy));
}

Index RaftLog::Append(std::vector<Entry>&& ents) {
  if (ents.empty()) return last_index();
  assert(ents[0].index - 1 >= committed_ && "after is out of range [committed]");
  unstable_.TruncateAndAppend(std::move(ents));
  return last_index();
}

Index RaftLog::FindConflict(const std::vector<Entry>& ents) const {
  for (const Entry& e : ents) {
    if (!MatchTerm(e.index, e.term)) return e.index;
  }
  return 0;
}

void RaftLog::FindConflictByTerm(Index index, Term term, Index* out_index, Term* out_term) const {
  if (index > last_index()) index = last_index();
  for (;;) {
    Term t = 0;
    if (TermAt(index, &t) != Error::kOk) {
      // Compacted: the best we know is this index with an unknown (0) term.
      *out_index = index;
      *out_term = 0;
      return;
    }
    if (t <= term) {
      *out_index = index;
      *out_term = t;
      return;
    }
    if (index == 0) {
      *out_index = 0;
      *out_term = 0;
      return;
    }
    --index;
  }
}

bool RaftLog::HasNextCommittedEntries() const {
  Index off = std::max(applied_ + 1, first_index());
  return committed_ + 1 > off;
}

void RaftLog::NextCommittedEntries(std::vector<Entry>* out) const {
  out->clear();
  Index off = std::max(applied_ + 1, first_index());
  if (committed_ + 1 > off) {
    Error err = Slice(off, committed_ + 1, max_committed_bytes_per_ready_, out);
    assert(err == Error::kOk && "unexpected error when getting unapplied entries");
    (void)err;
  }
}

Error RaftLog::EntriesFrom(Index i, uint64_t max_bytes, std::vector<Entry>* out) const {
  out->clear();
  if (i > last_index()) return Error::kOk;
  return Slice(i, last_index() + 1, max_bytes, out);
}

Error RaftLog::GetSnapshot(Snapshot* out) const {
  const std::optional<Snapshot>& pending = unstable_.snapshot();
  if (pending.has_value()) {
    *out = *pending;
    return Error::kOk;
  }
  return storage_->GetSnapshot(out);
}

Error RaftLog::CheckOutOfBounds(Index lo, Index hi) const {
  assert(lo <= hi && "invalid slice");
  Index fi = first_index();
  if (lo < fi) return Error::kCompacted;
  Index length = last_index() + 1 - fi;
  if (hi > fi + length) {
    std::fprintf(stderr, "raft: slice[%lu,%lu) out of bound [%lu,%lu]\n", (unsigned long)lo,
                 (unsigned long)hi, (unsigned long)fi, (unsigned long)last_index());
    std::abort();
  }
  return Error::kOk;
}

Error RaftLog::Slice(Index lo, Index hi, uint64_t max_bytes, std::vector<Entry>* out) const {
  out->clear();
  Error err = CheckOutOfBounds(lo, hi);
  if (err != Error::kOk) return err;
  if (lo == hi) return Error::kOk;
  Index uoff = unstable_.offset();
  if (lo < uoff) {
    Error serr = storage_->Entries(lo, std::min(hi, uoff), max_bytes, out);
    if (serr == Error::kCompacted) return serr;
    if (serr == Error::kUnavailable) {
      std::fprintf(stderr, "raft: entries[%lu:%lu) is unavailable from storage\n", (unsigned long)lo,
                   (unsigned long)std::min(hi, uoff));
      std::abort();
    }
    assert(serr == Error::kOk);
    // Storage stopped early because of the size limit.
    if (out->size() < std::min(hi, uoff) - lo) return Error::kOk;
  }
  if (hi > uoff) {
    Index from = std::max(lo, uoff);
    uint64_t bytes = PayloadBytes(*out);
    const std::vector<Entry>& ue = unstable_.entries();
    for (Index i = from; i < hi; ++i) {
      const Entry& e = ue[i - uoff];
      bytes += PayloadBytes(e);
      if (!out->empty() && bytes > max_bytes) break;
      out->push_back(e);
    }
  }
  return Error::kOk;
}

bool RaftLog::MaybeCommit(Index max_index, Term term) {
  if (max_index > committed_ && ZeroTermOnErr(max_index) == term) {
    CommitTo(max_index);
    return true;
  }
  return false;
}

void RaftLog::CommitTo(Index commit) {
  // Never decrease commit.
  if (committed_ < commit) {
    if (last_index() < commit) {
      std::fprintf(stderr, "raft: tocommit(%lu) is out of range [lastIndex(%lu)]\n", (unsigned long)commit,
                   (unsigned long)last_index());
      std::abort();
    }
    committed_ = commit;
  }
}

void RaftLog::AppliedTo(Index applied) {
  if (applied == 0) return;
  assert(committed_ >= applied && applied >= applied_ && "applied out of range");
  applied_ = applied;
}

void RaftLog::Restore(const Snapshot& snap) {
  committed_ = snap.metadata.index;
  unstable_.Restore(snap);
}

std::string RaftLog::Describe() const {
  char buf[160];
  std::snprintf(buf, sizeof buf, "committed=%lu, applied=%lu, unstable.offset=%lu, len(unstable)=%zu",
                (unsigned long)committed_, (unsigned long)applied_, (unsigned long)unstable_.offset(),
                unstable_.entries().size());
  return buf;
}

}  // namespace cairn::raft

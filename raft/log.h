// RaftLog: the replicated log as the core sees it = stable entries (Storage,
// persisted) followed by unstable entries (accepted, not yet persisted).
//
// Invariants: applied <= committed <= last_index(); first_index() - 1 is the
// index of the latest snapshot (stable or pending).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "raft/errors.h"
#include "raft/log_unstable.h"
#include "raft/storage.h"
#include "raft/types.h"

namespace cairn::raft {

class RaftLog {
 public:
  // `storage` must outlive the log. Committed entries handed out in one Ready
  // are limited to max_committed_bytes_per_ready (at least one entry).
  RaftLog(const Storage* storage, uint64_t max_committed_bytes_per_ready);

  Index first_index() const;
  Index last_index() const;
  Term last_term() const;
  // Term of entry i; kCompacted below the first index - 1, kUnavailable above last.
  Error TermAt(Index i, Term* term) const;
  // Term at i, or 0 if unavailable/compacted.
  Term ZeroTermOnErr(Index i) const;
  bool MatchTerm(Index i, Term t) const;
  // Raft §5.4.1: is a candidate with (last_index, term) at least as up to date?
  bool IsUpToDate(Index last_index, Term term) const;

  // Follower append (§5.3): if the entry at `index` has `log_term`, append
  // `ents` (truncating conflicts), commit up to min(committed, last new
  // index), set *last_new_index and return true.
  // `ents` is consumed (moved from) on success.
  bool MaybeAppend(Index index, Term log_term, Index committed, std::vector<Entry>* ents,
                   Index* last_new_index);
  // Appends after truncating everything at or after ents[0].index. Returns last index.
  Index Append(const std::vector<Entry>& ents);
  Index Append(std::vector<Entry>&& ents);
  // Index of the first entry in `ents` whose term conflicts with the log, the
  // first new entry if there is no conflict but new entries, or 0.
  Index FindConflict(const std::vector<Entry>& ents) const;
  // Fast backtracking: the largest index <= `index` whose term is <= `term`,
  // and its term. Used on both sides of a rejected append so that a whole
  // term of divergent entries is skipped with one round trip.
  void FindConflictByTerm(Index index, Term term, Index* out_index, Term* out_term) const;

  const std::vector<Entry>& UnstableEntries() const { return unstable_.entries(); }
  const std::optional<Snapshot>& UnstableSnapshot() const { return unstable_.snapshot(); }
  bool HasNextCommittedEntries() const;
  // Committed, unapplied entries (bounded by max_committed_bytes_per_ready).
  void NextCommittedEntries(std::vector<Entry>* out) const;
  // Entries from i, at most max_bytes (at least one entry). Empty if i > last.
  Error EntriesFrom(Index i, uint64_t max_bytes, std::vector<Entry>* out) const;
  // Entries in [lo, hi) bounded by max_bytes.
  Error Slice(Index lo, Index hi, uint64_t max_bytes, std::vector<Entry>* out) const;
  Error GetSnapshot(Snapshot* out) const;

  // Leader commit rule (§5.4.2): commit max_index only if its entry has `term`.
  bool MaybeCommit(Index max_index, Term term);
  void CommitTo(Index commit);
  void AppliedTo(Index applied);
  void StableTo(Index i, Term t) { unstable_.StableTo(i, t); }
  void StableSnapTo(Index i) { unstable_.StableSnapTo(i); }
  // Replaces the log with a snapshot (follower receiving MsgSnap).
  void Restore(const Snapshot& snap);

  Index committed() const { return committed_; }
  Index applied() const { return applied_; }
  std::string Describe() const;

 private:
  Error CheckOutOfBounds(Index lo, Index hi) const;

  const Storage* storage_;
  Unstable unstable_;
  Index committed_ = 0;
  Index applied_ = 0;
  uint64_t max_committed_bytes_per_ready_;
};

}  // namespace cairn::raft

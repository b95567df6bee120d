// Storage: the core's read-only view of the persisted log.
//
// The application owns persistence. It writes what Ready hands it (hard state,
// entries, snapshot) into its durable store and makes the same data readable
// through this interface; the core only reads. MemoryStorage is the reference
// implementation used by tests, the simulator and (behind the WAL) the server.
//
// Thread-safety: the core calls Storage only from the thread that drives it.
// MemoryStorage has no internal lock; callers serialize access.
#pragma once

#include <cstdint>
#include <vector>

#include "raft/errors.h"
#include "raft/types.h"

namespace cairn::raft {

class Storage {
 public:
  virtual ~Storage() = default;
  // The persisted hard state and membership at start-up.
  virtual Error InitialState(HardState* hs, ConfState* cs) const = 0;
  // Entries in [lo, hi), at least one if any exist, stopping before the total
  // PayloadBytes would exceed max_bytes. REQUIRES: FirstIndex() <= lo <= hi <=
  // LastIndex()+1, else kCompacted (lo too small) or kUnavailable.
  virtual Error Entries(Index lo, Index hi, uint64_t max_bytes, std::vector<Entry>* out) const = 0;
  // Term of entry i, for FirstIndex()-1 <= i <= LastIndex() (the index before the
  // first entry is the snapshot's index and its term is kept).
  virtual Error TermAt(Index i, Term* term) const = 0;
  virtual Index LastIndex() const = 0;
  // Index of the first entry still available (snapshot index + 1).
  virtual Index FirstIndex() const = 0;
  // The most recent snapshot; may return kSnapshotTemporarilyUnavailable.
  virtual Error GetSnapshot(Snapshot* out) const = 0;
};

class MemoryStorage final : public Storage {
 public:
  MemoryStorage();

  Error InitialState(HardState* hs, ConfState* cs) const override;
  Error Entries(Index lo, Index hi, uint64_t max_bytes, std::vector<Entry>* out) const override;
  Error TermAt(Index i, Term* term) const override;
  Index LastIndex() const override;
  Index FirstIndex() const override;
  Error GetSnapshot(Snapshot* out) const override;

  void SetHardState(const HardState& hs) { hard_state_ = hs; }
  // Bootstrap of a brand-new cluster: the initial membership, reported by
  // InitialState() without any snapshot or entry.
  void SetInitialConfState(const ConfState& cs) { snapshot_.metadata.conf_state = cs; }
  const HardState& hard_state() const { return hard_state_; }
  // Replaces the contents with the snapshot. kSnapOutOfDate if older.
  Error ApplySnapshot(const Snapshot& snap);
  // Records a snapshot at index i (<= LastIndex) with the given membership and
  // data; does not drop entries (see Compact). kSnapOutOfDate if i is older.
  Error CreateSnapshot(Index i, const ConfState* cs, std::string data, Snapshot* out);
  // Discards entries up to and including compact_index. kCompacted if already
  // compacted; compact_index must be <= LastIndex().
  Error Compact(Index compact_index);
  // Appends entries, overwriting any existing suffix that starts at or after
  // entries[0].index. REQUIRES: entries are contiguous and entries[0].index <=
  // LastIndex()+1.
  Error Append(const std::vector<Entry>& entries);

 private:
  HardState hard_state_;
  Snapshot snapshot_;
  // ents_[0] is a dummy holding the snapshot's index and term.
  std::vector<Entry> ents_;
};

}  // namespace cairn::raft

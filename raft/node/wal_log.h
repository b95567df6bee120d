// WalLog: the node driver's durable log. It keeps a WAL on disk and a
// MemoryStorage (the core's read-only view, raft/storage.h) in step with it.
//
// Durability order of Persist (each numbered step completes before the next):
//   1. ONE Wal::Append of {snapshot marker, entries, hard state} — one write
//      and one fdatasync (DESIGN.md §4 group commit). A snapshot marker is
//      always written together with a hard state whose commit >= its index,
//      because on restart the persisted commit must cover the snapshot.
//   2. the same snapshot, entries and hard state into the MemoryStorage.
// So the core never reads from Storage anything that is not durable.
// Exception (etcd's MustSync rule, rd.must_sync == false): a Ready whose only
// durable change is the commit index is not written at all; the new commit
// rides on the next append. After a crash the persisted commit may therefore
// trail what the application applied; the core re-learns it from the leader,
// and the application skips re-delivered entries at or below its own applied
// (consistent) index (DESIGN.md §4).
//
// WAL entry data encoding: u8 raft EntryType | raft entry data (the WAL's own
// entry record has no type field).
//
// Restart: Open() replays the WAL from the application's snapshot (if any)
// and rebuilds the MemoryStorage: snapshot, entries, hard state.
//
// Thread-safety: none; owned by the node driver's raft thread.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "base/status.h"
#include "raft/rawnode.h"
#include "raft/storage.h"
#include "raft/types.h"
#include "storage/wal/wal.h"

namespace cairn::raft::node {

struct WalLogOptions {
  std::string dir;               // the WAL directory (created if missing)
  wal::Options wal_options;      // passed to Wal::Open
  ConfState initial_conf_state;  // membership of a brand-new cluster (no snapshot)
  // The application's newest persisted snapshot (empty() if none). Its data is
  // kept in the MemoryStorage so the leader can send it to lagging followers.
  Snapshot snapshot;
};

class WalLog {
 public:
  // Opens the WAL and rebuilds the storage. Corruption if the WAL's newest
  // snapshot marker is newer than options.snapshot (the application lost a
  // snapshot the WAL relies on).
  static Status Open(const WalLogOptions& options, std::unique_ptr<WalLog>* out);

  // Persists the durable parts of `rd` (steps 1-2 above). After an error the
  // on-disk state is unknown and the node must stop (fsyncgate).
  // *wrote (if not null) tells whether a WAL append (and fdatasync) happened.
  Status Persist(const Ready& rd, bool* wrote = nullptr);

  // Records an application snapshot at index i (<= the applied index) and
  // compacts the in-memory log up to it; writes the snapshot marker with the
  // current hard state, then releases WAL segments no longer needed.
  // *out (if not null) receives the snapshot's metadata (with the entry's term).
  Status Compact(Index i, const ConfState& cs, std::string data, SnapshotMetadata* out = nullptr);

  const MemoryStorage& storage() const { return storage_; }
  const HardState& hard_state() const { return storage_.hard_state(); }
  wal::Wal& wal() { return *wal_; }

 private:
  WalLog() = default;
  std::unique_ptr<wal::Wal> wal_;
  MemoryStorage storage_;
  // The in-memory hard state holds a commit index not yet in the WAL.
  bool hard_state_dirty_ = false;
};

// WAL entry <-> raft entry (the type byte, see the header comment).
wal::Entry ToWalEntry(const Entry& e);
Status FromWalEntry(wal::Entry&& w, Entry* out);

}  // namespace cairn::raft::node

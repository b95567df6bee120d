#include "raft/node/wal_log.h"

#include <algorithm>
#include <cassert>
#include <utility>

namespace cairn::raft::node {

wal::Entry ToWalEntry(const Entry& e) {
  wal::Entry w;
  w.index = e.index;
  w.term = e.term;
  w.data.reserve(e.data.size() + 1);
  w.data.push_back(static_cast<char>(e.type));
  w.data.append(e.data);
  return w;
}

Status FromWalEntry(wal::Entry&& w, Entry* out) {
  if (w.data.empty()) {
    return Status::Corruption("wal entry " + std::to_string(w.index) + " has no raft type byte");
  }
  const auto type = static_cast<uint8_t>(w.data[0]);
  if (type > static_cast<uint8_t>(EntryType::kConfChange)) {
    return Status::Corruption("wal entry " + std::to_string(w.index) + " has unknown raft type " +
                              std::to_string(type));
  }
  out->index = w.index;
  out->term = w.term;
  out->type = static_cast<EntryType>(type);
  w.data.erase(0, 1);
  out->data = std::move(w.data);
  return Status::Ok();
}

Status WalLog::Open(const WalLogOptions& options, std::unique_ptr<WalLog>* out) {
  std::unique_ptr<WalLog> log(new WalLog());
  CAIRN_RETURN_IF_ERROR(wal::Wal::Open(options.dir, options.wal_options, &log->wal_));
  const Index snap_index = options.snapshot.metadata.index;
  wal::ReplayResult replay;
  Status s = log->wal_->Replay(snap_index + 1, &replay);
  if (!s.ok()) {
    return s.IsNotFound() ? Status::Corruption("wal " + options.dir + ": entries after snapshot index " +
                                               std::to_string(snap_index) + " were released: " + s.message())
                          : s;
  }
  if (replay.snapshot && replay.snapshot->index > snap_index) {
    return Status::Corruption("wal " + options.dir + ": snapshot marker at index " +
                              std::to_string(replay.snapshot->index) +
                              " but the application's newest snapshot is at index " +
                              std::to_string(snap_index) + "; restore the snapshot file");
  }
  if (!options.snapshot.empty()) {
    if (log->storage_.ApplySnapshot(options.snapshot) != Error::kOk) {
      return Status::InvalidArgument("cannot install the application snapshot");
    }
  } else {
    log->storage_.SetInitialConfState(options.initial_conf_state);
  }
  std::vector<Entry> entries;
  entries.reserve(replay.entries.size());
  for (auto& w : replay.entries) {
    if (w.index <= snap_index) continue;
    Entry e;
    CAIRN_RETURN_IF_ERROR(FromWalEntry(std::move(w), &e));
    entries.push_back(std::move(e));
  }
  if (!entries.empty()) {
    if (entries.front().index != snap_index + 1) {
      return Status::Corruption("wal " + options.dir + ": first entry after snapshot " +
                                std::to_string(snap_index) + " is " + std::to_string(entries.front().index));
    }
    if (log->storage_.Append(entries) != Error::kOk) {
      return Status::Corruption("wal " + options.dir + ": replayed entries do not form a log");
    }
  }
  HardState hs;
  if (replay.hard_state) {
    hs = HardState{replay.hard_state->term, replay.hard_state->vote, replay.hard_state->commit};
    if (hs.commit > log->storage_.LastIndex()) {
      return Status::Corruption("wal " + options.dir + ": commit index " + std::to_string(hs.commit) +
                                " is beyond the last entry " + std::to_string(log->storage_.LastIndex()));
    }
  }
  // The application's snapshot may be newer than the WAL's hard state (its state is durable up
  // to its applied index, while commit-only changes are not synced, or the WAL is new under a
  // restored db): everything it covers is committed, at its term at least.
  if (!options.snapshot.empty()) {
    hs.commit = std::max(hs.commit, snap_index);
    hs.term = std::max(hs.term, options.snapshot.metadata.term);
  }
  if (!hs.empty()) log->storage_.SetHardState(hs);
  if (!options.snapshot.empty() && log->wal_->last_index() < snap_index) {
    // The WAL ends before the application's snapshot (a new WAL under a restored or bootstrapped
    // db): it continues after a marker at the snapshot, as after a received snapshot.
    wal::Batch marker;
    marker.snapshot = wal::SnapshotMarker{snap_index, options.snapshot.metadata.term};
    marker.hard_state = wal::HardState{hs.term, hs.vote, hs.commit};
    CAIRN_RETURN_IF_ERROR(log->wal_->Append(marker));
  }
  *out = std::move(log);
  return Status::Ok();
}

Status WalLog::Persist(const Ready& rd, bool* wrote) {
  if (wrote != nullptr) *wrote = false;
  const bool has_snap = !rd.snapshot.empty();
  if (!has_snap && rd.entries.empty() && rd.hard_state.empty()) return Status::Ok();
  HardState hs = rd.hard_state.empty() ? storage_.hard_state() : rd.hard_state;
  if (!has_snap && rd.entries.empty() && !rd.must_sync) {
    // Commit-only change: no fdatasync needed (see the header).
    storage_.SetHardState(hs);
    hard_state_dirty_ = true;
    return Status::Ok();
  }
  wal::Batch batch;
  if (has_snap) {
    batch.snapshot = wal::SnapshotMarker{rd.snapshot.metadata.index, rd.snapshot.metadata.term};
    // A snapshot only covers committed entries; the persisted commit must
    // cover it or a restart would refuse the log (see the header).
    if (hs.commit < rd.snapshot.metadata.index) hs.commit = rd.snapshot.metadata.index;
  }
  batch.entries.reserve(rd.entries.size());
  for (const Entry& e : rd.entries) batch.entries.push_back(ToWalEntry(e));
  if (has_snap || !rd.hard_state.empty() || hard_state_dirty_) {
    batch.hard_state = wal::HardState{hs.term, hs.vote, hs.commit};
  }
  // Step 1: durable.
  CAIRN_RETURN_IF_ERROR(wal_->Append(batch));
  hard_state_dirty_ = false;
  if (wrote != nullptr) *wrote = true;
  // Step 2: visible to the core.
  if (has_snap) {
    const Error err = storage_.ApplySnapshot(rd.snapshot);
    assert(err == Error::kOk);
    (void)err;
  }
  if (!rd.entries.empty()) {
    const Error err = storage_.Append(rd.entries);
    assert(err == Error::kOk);
    (void)err;
  }
  storage_.SetHardState(hs);
  return Status::Ok();
}

Status WalLog::Compact(Index i, const ConfState& cs, std::string data, SnapshotMetadata* out) {
  if (i <= storage_.FirstIndex() - 1) {
    return Status::InvalidArgument("snapshot index " + std::to_string(i) +
                                   " is not newer than the log start");
  }
  if (i > storage_.hard_state().commit) {
    return Status::InvalidArgument("snapshot index " + std::to_string(i) + " is beyond the commit index");
  }
  Snapshot snap;
  if (storage_.CreateSnapshot(i, &cs, std::move(data), &snap) != Error::kOk) {
    return Status::InvalidArgument("cannot create snapshot at index " + std::to_string(i));
  }
  const HardState& hs = storage_.hard_state();
  wal::Batch batch;
  batch.snapshot = wal::SnapshotMarker{snap.metadata.index, snap.metadata.term};
  batch.hard_state = wal::HardState{hs.term, hs.vote, hs.commit};
  CAIRN_RETURN_IF_ERROR(wal_->Append(batch));
  hard_state_dirty_ = false;
  if (out != nullptr) *out = snap.metadata;
  if (storage_.Compact(i) != Error::kOk) {
    return Status::InvalidArgument("cannot compact the log at index " + std::to_string(i));
  }
  return wal_->ReleaseBefore(i + 1);
}

}  // namespace cairn::raft::node

#include "raft/storage.h"

#include <cassert>

namespace cairn::raft {

MemoryStorage::MemoryStorage() { ents_.resize(1); }

Error MemoryStorage::InitialState(HardState* hs, ConfState* cs) const {
  *hs = hard_state_;
  *cs = snapshot_.metadata.conf_state;
  return Error::kOk;
}

Error MemoryStorage::Entries(Index lo, Index hi, uint64_t max_bytes, std::vector<Entry>* out) const {
  out->clear();
  Index offset = ents_[0].index;
  if (lo <= offset) return Error::kCompacted;
  if (hi > LastIndex() + 1) return Error::kUnavailable;
  if (ents_.size() == 1) return Error::kUnavailable;  // only the dummy entry
  uint64_t bytes = 0;
  for (Index i = lo; i < hi; ++i) {
    const Entry& e = ents_[i - offset];
    bytes += PayloadBytes(e);
    if (!out->empty() && bytes > max_bytes) break;
    out->push_back(e);
  }
  return Error::kOk;
}

Error MemoryStorage::TermAt(Index i, Term* term) const {
  Index offset = ents_[0].index;
  if (i < offset) return Error::kCompacted;
  if (i - offset >= ents_.size()) return Error::kUnavailable;
  *term = ents_[i - offset].term;
  return Error::kOk;
}

Index MemoryStorage::LastIndex() const { return ents_[0].index + ents_.size() - 1; }
Index MemoryStorage::FirstIndex() const { return ents_[0].index + 1; }

Error MemoryStorage::GetSnapshot(Snapshot* out) const {
  *out = snapshot_;
  return Error::kOk;
}

Error MemoryStorage::ApplySnapshot(const Snapshot& snap) {
  if (snapshot_.metadata.index >= snap.metadata.index) return Error::kSnapOutOfDate;
  snapshot_ = snap;
  ents_.assign(1, Entry{snap.metadata.term, snap.metadata.index, EntryType::kNormal, {}});
  return Error::kOk;
}

Error MemoryStorage::CreateSnapshot(Index i, const ConfState* cs, std::string data, Snapshot* out) {
  if (i <= snapshot_.metadata.index) return Error::kSnapOutOfDate;
  Index offset = ents_[0].index;
  assert(i <= LastIndex() && "snapshot index is out of bound");
  snapshot_.metadata.index = i;
  snapshot_.metadata.term = ents_[i - offset].term;
  if (cs != nullptr) snapshot_.metadata.conf_state = *cs;
  snapshot_.data = std::move(data);
  if (out != nullptr) *out = snapshot_;
  return Error::kOk;
}

Error MemoryStorage::Compact(Index compact_index) {
  Index offset = ents_[0].index;
  if (compact_index <= offset) return Error::kCompacted;
  assert(compact_index <= LastIndex() && "compact index out of bound");
  Index i = compact_index - offset;
  std::vector<Entry> ents;
  ents.reserve(ents_.size() - i);
  ents.push_back(Entry{ents_[i].term, ents_[i].index, EntryType::kNormal, {}});
  for (size_t k = i + 1; k < ents_.size(); ++k) ents.push_back(std::move(ents_[k]));
  ents_ = std::move(ents);
  return Error::kOk;
}

Error MemoryStorage::Append(const std::vector<Entry>& entries) {
  if (entries.empty()) return Error::kOk;
  Index first = FirstIndex();
  Index last = entries.back().index;
  if (last < first) return Error::kOk;  // entirely compacted away
  size_t skip = first > entries[0].index ? first - entries[0].index : 0;
  Index start = entries[skip].index;
  Index offset = start - ents_[0].index;
  assert(offset <= ents_.size() && "missing log entries");
  ents_.resize(offset);
  ents_.insert(ents_.end(), entries.begin() + skip, entries.end());
  return Error::kOk;
}

}  // namespace cairn::raft

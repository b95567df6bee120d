// KeyMap: the ordered key -> KeyIndex map under TreeIndex, as a list of sorted chunks (a two-level
// B+ tree).
//
// Memory: a std::map spends a 32-byte red-black node header and an allocation per key; here a key
// costs its slot (a std::string and a 32-byte KeyIndex, 64 bytes) in a chunk of kChunkSlots
// slots. Appending keys in order (the usual way a key space grows: sequential or time-ordered
// names) fills chunks completely; inserting in the middle of a full chunk splits it in halves.
// Scans walk contiguous slots.
//
// Complexity: lookup O(log chunks + log kChunkSlots); insert and erase move at most kChunkSlots
// slots (a split also inserts one chunk into the chunk list); EraseIf is one linear pass.
//
// Invariants: every chunk is non-empty and holds at most kChunkSlots slots in strictly increasing
// key order; the last key of a chunk is below the first key of the next one.
//
// Not thread-safe: TreeIndex serializes access. Pointers and references into the map are
// invalidated by any insertion or erasure.
#pragma once

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "storage/mvcc/key_index.h"

namespace cairn::mvcc {

class KeyMap {
 public:
  static constexpr size_t kChunkSlots = 64;

  struct Slot {
    std::string key;
    KeyIndex index;
  };

  // The index of `key`, or null.
  KeyIndex* Find(std::string_view key);
  const KeyIndex* Find(std::string_view key) const;
  // The index of `key`, inserted empty (KeyIndex()) if missing.
  KeyIndex& FindOrInsert(std::string_view key);

  // Calls f(key, index) for each key >= from in order until f returns false.
  template <typename F>
  void ForEachFrom(std::string_view from, F&& f) const;
  // Calls f(key, index) for every key in order.
  template <typename F>
  void ForEach(F&& f) const;
  // Calls f(index) for every key in order; erases the keys for which it returns true.
  template <typename F>
  void EraseIf(F&& f);

  size_t size() const { return size_; }
  // For tests: aborts (assert) if an invariant above is broken; returns the number of chunks.
  size_t CheckInvariants() const;

 private:
  using Chunk = std::vector<Slot>;

  // The chunk that holds or would hold `key`: the last one whose first key <= key (0 if none).
  // REQUIRES: !chunks_.empty().
  size_t ChunkFor(std::string_view key) const;
  static size_t LowerBound(const Chunk& chunk, std::string_view key);

  std::vector<Chunk> chunks_;
  size_t size_ = 0;
};

template <typename F>
void KeyMap::ForEachFrom(std::string_view from, F&& f) const {
  if (chunks_.empty()) return;
  size_t ci = ChunkFor(from);
  size_t si = LowerBound(chunks_[ci], from);
  for (; ci < chunks_.size(); ++ci, si = 0) {
    const Chunk& chunk = chunks_[ci];
    for (; si < chunk.size(); ++si) {
      if (!f(chunk[si].key, chunk[si].index)) return;
    }
  }
}

template <typename F>
void KeyMap::ForEach(F&& f) const {
  for (const Chunk& chunk : chunks_) {
    for (const Slot& slot : chunk) f(slot.key, slot.index);
  }
}

template <typename F>
void KeyMap::EraseIf(F&& f) {
  size_t kept_chunks = 0;
  for (size_t ci = 0; ci < chunks_.size(); ++ci) {
    Chunk& chunk = chunks_[ci];
    const auto end = std::remove_if(chunk.begin(), chunk.end(), [&](Slot& s) { return f(s.index); });
    size_ -= static_cast<size_t>(chunk.end() - end);
    chunk.erase(end, chunk.end());
    if (chunk.empty()) continue;
    // Merge into the previous kept chunk when both fit in one.
    if (kept_chunks > 0 && chunks_[kept_chunks - 1].size() + chunk.size() <= kChunkSlots) {
      Chunk& prev = chunks_[kept_chunks - 1];
      prev.reserve(prev.size() + chunk.size());
      std::move(chunk.begin(), chunk.end(), std::back_inserter(prev));
      chunk.clear();
      continue;
    }
    if (chunk.capacity() >= 4 * chunk.size()) chunk.shrink_to_fit();
    if (kept_chunks != ci) chunks_[kept_chunks] = std::move(chunk);
    ++kept_chunks;
  }
  chunks_.resize(kept_chunks);
}

}  // namespace cairn::mvcc

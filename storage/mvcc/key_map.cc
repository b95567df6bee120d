#include "storage/mvcc/key_map.h"

#include <cassert>

namespace cairn::mvcc {

size_t KeyMap::ChunkFor(std::string_view key) const {
  // First chunk whose first key > key, minus one.
  auto it = std::upper_bound(chunks_.begin(), chunks_.end(), key,
                             [](std::string_view k, const Chunk& c) { return k < std::string_view(c.front().key); });
  return it == chunks_.begin() ? 0 : static_cast<size_t>(it - chunks_.begin()) - 1;
}

size_t KeyMap::LowerBound(const Chunk& chunk, std::string_view key) {
  auto it = std::lower_bound(chunk.begin(), chunk.end(), key,
                             [](const Slot& s, std::string_view k) { return std::string_view(s.key) < k; });
  return static_cast<size_t>(it - chunk.begin());
}

KeyIndex* KeyMap::Find(std::string_view key) {
  return const_cast<KeyIndex*>(static_cast<const KeyMap*>(this)->Find(key));
}

const KeyIndex* KeyMap::Find(std::string_view key) const {
  if (chunks_.empty()) return nullptr;
  const Chunk& chunk = chunks_[ChunkFor(key)];
  const size_t si = LowerBound(chunk, key);
  if (si == chunk.size() || chunk[si].key != key) return nullptr;
  return &chunk[si].index;
}

KeyIndex& KeyMap::FindOrInsert(std::string_view key) {
  if (chunks_.empty()) {
    chunks_.emplace_back();
    chunks_[0].push_back(Slot{std::string(key), KeyIndex()});
    size_ = 1;
    return chunks_[0][0].index;
  }
  size_t ci = ChunkFor(key);
  size_t si = LowerBound(chunks_[ci], key);
  if (si < chunks_[ci].size() && chunks_[ci][si].key == key) return chunks_[ci][si].index;
  if (chunks_[ci].size() == kChunkSlots) {
    // Full: a new chunk goes right after it. A key after the last key of the map starts it empty
    // (in-order growth leaves every chunk full); otherwise the upper half moves there.
    Chunk fresh;
    size_t boundary = kChunkSlots;
    if (si < kChunkSlots || ci + 1 < chunks_.size()) {
      Chunk& full = chunks_[ci];
      boundary = kChunkSlots / 2;
      fresh.reserve(kChunkSlots - boundary);
      std::move(full.begin() + static_cast<ptrdiff_t>(boundary), full.end(), std::back_inserter(fresh));
      full.erase(full.begin() + static_cast<ptrdiff_t>(boundary), full.end());
    }
    chunks_.insert(chunks_.begin() + static_cast<ptrdiff_t>(ci + 1), std::move(fresh));
    if (si >= boundary) {
      ci += 1;
      si -= boundary;
    }
  }
  Chunk& chunk = chunks_[ci];
  chunk.insert(chunk.begin() + static_cast<ptrdiff_t>(si), Slot{std::string(key), KeyIndex()});
  ++size_;
  return chunk[si].index;
}

size_t KeyMap::CheckInvariants() const {
  size_t n = 0;
  const std::string* prev = nullptr;
  for (const Chunk& chunk : chunks_) {
    assert(!chunk.empty() && chunk.size() <= kChunkSlots);
    for (const Slot& s : chunk) {
      assert(prev == nullptr || *prev < s.key);
      prev = &s.key;
      ++n;
    }
  }
  assert(n == size_);
  (void)n;
  return chunks_.size();
}

}  // namespace cairn::mvcc

// Inflights: the append messages sent to one follower and not yet
// acknowledged, bounded by count and by payload bytes (flow control).
// A ring buffer sized once at construction: no allocation per message.
#pragma once

#include <cstdint>
#include <vector>

#include "raft/types.h"

namespace cairn::raft {

class Inflights {
 public:
  // max_bytes == 0 means no byte limit.
  Inflights(size_t max_count, uint64_t max_bytes);

  // Records a message whose last entry is `last_index`, carrying `bytes`.
  // REQUIRES: !Full(); indexes are added in increasing order.
  void Add(Index last_index, uint64_t bytes);
  // Frees every message whose last index is <= to (it was acknowledged).
  void FreeLE(Index to);
  // Frees the oldest message. Used when a heartbeat response shows the
  // follower alive while the window is full: the lost appends are then
  // detected by the follower's rejection of the next one.
  void FreeFirstOne();
  void Reset();
  bool Full() const;
  size_t Count() const { return count_; }
  uint64_t Bytes() const { return bytes_; }

 private:
  struct Slot {
    Index index;
    uint64_t bytes;
  };
  size_t max_count_;
  uint64_t max_bytes_;
  std::vector<Slot> buffer_;
  size_t start_ = 0;
  size_t count_ = 0;
  uint64_t bytes_ = 0;
};

}  // namespace cairn::raft

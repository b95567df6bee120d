#include "raft/inflights.h"

#include <cassert>

namespace cairn::raft {

Inflights::Inflights(size_t max_count, uint64_t max_bytes)
    : max_count_(max_count), max_bytes_(max_bytes), buffer_(max_count) {
  assert(max_count > 0);
}

void Inflights::Add(Index last_index, uint64_t bytes) {
  assert(!Full() && "cannot add into a full inflights");
  size_t next = (start_ + count_) % max_count_;
  buffer_[next] = Slot{last_index, bytes};
  ++count_;
  bytes_ += bytes;
}

void Inflights::FreeLE(Index to) {
  while (count_ > 0 && buffer_[start_].index <= to) {
    bytes_ -= buffer_[start_].bytes;
    start_ = (start_ + 1) % max_count_;
    --count_;
  }
  if (count_ == 0) start_ = 0;
}

void Inflights::FreeFirstOne() {
  if (count_ > 0) FreeLE(buffer_[start_].index);
}

void Inflights::Reset() {
  start_ = 0;
  count_ = 0;
  bytes_ = 0;
}

bool Inflights::Full() const { return count_ == max_count_ || (max_bytes_ != 0 && bytes_ >= max_bytes_); }

}  // namespace cairn::raft

// Mmap: one read-only shared mapping of the DB file. Transactions hold a
// shared_ptr to the mapping that was current when they began, so growing the
// file maps a new, larger region while old readers keep theirs: a value view
// never dangles before its transaction ends. The mapping may extend past the
// end of the file; only pages below a snapshot's high-water mark are touched.
#pragma once

#include <cstdint>
#include <memory>

#include "base/status.h"

namespace cairn::bolt {

class Mmap {
 public:
  static Status Map(int fd, uint64_t length_bytes, std::shared_ptr<const Mmap>* out);
  ~Mmap();
  const char* data() const { return data_; }
  uint64_t size() const { return size_; }

  // bbolt's growth rule: powers of two from 32 KiB to 1 GiB, then 1 GiB steps.
  static uint64_t SizeFor(uint64_t needed_bytes);

 private:
  Mmap(const char* data, uint64_t size) : data_(data), size_(size) {}
  const char* data_;
  uint64_t size_;
};

}  // namespace cairn::bolt

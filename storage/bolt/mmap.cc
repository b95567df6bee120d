#include "storage/bolt/mmap.h"

#include <sys/mman.h>

#include <cerrno>

namespace cairn::bolt {

Status Mmap::Map(int fd, uint64_t length_bytes, std::shared_ptr<const Mmap>* out) {
  if (fd < 0) return Status::InvalidArgument("bolt: file has no descriptor to mmap");
  void* p = ::mmap(nullptr, length_bytes, PROT_READ, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) return Status::FromErrno("bolt: mmap", errno);
  out->reset(new Mmap(static_cast<const char*>(p), length_bytes));
  return Status::Ok();
}

Mmap::~Mmap() { ::munmap(const_cast<char*>(data_), size_); }

uint64_t Mmap::SizeFor(uint64_t needed_bytes) {
  constexpr uint64_t kGiB = uint64_t{1} << 30;
  for (uint64_t size = uint64_t{1} << 15; size <= kGiB; size <<= 1) {
    if (needed_bytes <= size) return size;
  }
  return (needed_bytes + kGiB - 1) / kGiB * kGiB;
}

}  // namespace cairn::bolt

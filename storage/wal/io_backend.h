// IoBackend: how the WAL gets one group of records onto stable storage.
//
// Contract of WriteAndSync, in order:
//   1. write all of `data` at `offset` of `file`;
//   2. fdatasync `file`;
//   3. return ok only after both completed. On error nothing is known about
//      what reached the disk; the WAL then refuses further appends.
// The io_uring backend submits 1 and 2 as two SQEs linked with IOSQE_IO_LINK
// (one io_uring_enter); the fallback backend calls File::WriteAt and
// File::Sync, so it goes through any Env, including storage/io's FaultEnv.
//
// A backend is used by one thread at a time (the WAL's current group leader).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "base/status.h"
#include "storage/io/file.h"

namespace cairn::wal {

enum class IoPath {
  kIoUring,      // liburing: linked write + fdatasync SQEs
  kPwriteFsync,  // File::WriteAt (pwrite) + File::Sync (fdatasync)
};

std::string_view IoPathName(IoPath path);

class IoBackend {
 public:
  virtual ~IoBackend() = default;
  virtual IoPath path() const = 0;
  virtual Status WriteAndSync(io::File& file, uint64_t offset, std::span<const std::byte> data) = 0;
};

// Always available.
std::unique_ptr<IoBackend> NewPwriteBackend();

// Unavailable (with the errno text) when io_uring_queue_init fails: old
// kernel, seccomp filter, ENOSYS, EPERM, or io_uring disabled by sysctl.
// Files without an OS descriptor (File::fd() < 0) are written with the
// fallback path even by this backend.
Status NewIoUringBackend(std::unique_ptr<IoBackend>* out);

}  // namespace cairn::wal

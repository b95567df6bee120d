// IoBackend: how the WAL gets one group of records onto stable storage.
//
// Contract of WriteAndSync, in order:
//   1. write all of `data` at `offset` of `file`;
//   2. fdatasync `file`;
//   3. return ok only after both completed. On error nothing is known about
//      what reached the disk; the WAL then refuses further appends.
// The io_uring backend submits 1 and 2 as two SQEs linked with IOSQE_IO_LINK
// (one io_uring_enter that also waits for both completions); the fallback
// backend calls File::WriteAt and File::Sync, so it goes through any Env,
// including storage/io's FaultEnv.
//
// Adaptive choice (issue 6): the io_uring backend writes groups smaller than
// its `pwrite_below_bytes` with the fallback path instead. Both paths write
// the same bytes at the same offset and fdatasync before returning, and any
// error is an IOError naming the file and errno text, so the choice changes
// only latency. Why: the kernel never runs IORING_OP_FSYNC inline; it always
// hands it to an io-wq worker thread, one extra thread hand-off (and wake-up
// back) per append that a plain fdatasync(2) does not pay. For one small
// append that hand-off is pure cost (measured with //storage/wal:io_path_bench
// and wal_bench; numbers at kDefaultIoUringMinGroupBytes in wal.h).
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
  // How many WriteAndSync calls went through io_uring (the rest: pwrite+fdatasync).
  virtual uint64_t io_uring_writes() const { return 0; }
};

// Always available.
std::unique_ptr<IoBackend> NewPwriteBackend();

// Unavailable (with the errno text) when io_uring_queue_init fails: old
// kernel, seccomp filter, ENOSYS, EPERM, or io_uring disabled by sysctl.
// Files without an OS descriptor (File::fd() < 0) are written with the
// fallback path even by this backend, and so are writes of fewer than
// `pwrite_below_bytes` bytes (0: every write with an fd goes through io_uring).
Status NewIoUringBackend(std::unique_ptr<IoBackend>* out, uint64_t pwrite_below_bytes = 0);

}  // namespace cairn::wal

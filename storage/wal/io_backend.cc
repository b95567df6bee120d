#include "storage/wal/io_backend.h"

#include <liburing.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace cairn::wal {
namespace {

Status PwriteAndSync(io::File& file, uint64_t offset, std::span<const std::byte> data) {
  CAIRN_RETURN_IF_ERROR(file.WriteAt(offset, data));
  return file.Sync();
}

class PwriteBackend final : public IoBackend {
 public:
  IoPath path() const override { return IoPath::kPwriteFsync; }
  Status WriteAndSync(io::File& file, uint64_t offset, std::span<const std::byte> data) override {
    return PwriteAndSync(file, offset, data);
  }
};

class IoUringBackend final : public IoBackend {
 public:
  explicit IoUringBackend(uint64_t pwrite_below_bytes) : pwrite_below_bytes_(pwrite_below_bytes) {}
  ~IoUringBackend() override {
    if (initialized_) io_uring_queue_exit(&ring_);
  }
  // Returns the negative errno of io_uring_queue_init, or 0.
  int Init() {
    int rc = io_uring_queue_init(8, &ring_, 0);
    initialized_ = rc == 0;
    return rc;
  }

  IoPath path() const override { return IoPath::kIoUring; }
  uint64_t io_uring_writes() const override { return io_uring_writes_; }

  Status WriteAndSync(io::File& file, uint64_t offset, std::span<const std::byte> data) override {
    if (file.fd() < 0 || data.size() < pwrite_below_bytes_ || data.size() > kSingleWriteBytesMax) {
      return PwriteAndSync(file, offset, data);
    }
    ++io_uring_writes_;
    // Steps 1 and 2 as one linked chain: the fdatasync runs only after the
    // write completed in full (a short write cancels it with -ECANCELED).
    io_uring_sqe* write_sqe = io_uring_get_sqe(&ring_);
    io_uring_sqe* sync_sqe = io_uring_get_sqe(&ring_);
    if (write_sqe == nullptr || sync_sqe == nullptr) return Status::IOError("io_uring: no free SQE");
    io_uring_prep_write(write_sqe, file.fd(), data.data(), static_cast<unsigned>(data.size()), offset);
    write_sqe->flags |= IOSQE_IO_LINK;
    write_sqe->user_data = kWriteTag;
    io_uring_prep_fsync(sync_sqe, file.fd(), IORING_FSYNC_DATASYNC);
    sync_sqe->user_data = kSyncTag;

    // One io_uring_enter submits both and sleeps until both completed
    // (instead of a submit followed by a second enter to wait).
    for (int submitted = 0; submitted < 2;) {
      int rc = io_uring_submit_and_wait(&ring_, 2);
      if (rc == -EINTR || rc == -EAGAIN || rc == -EBUSY) {
        // Interrupted: whatever was submitted is in flight; the loop below waits for it.
        if (io_uring_sq_ready(&ring_) == 0) break;
        continue;
      }
      if (rc < 0) return Status::FromErrno("io_uring_submit_and_wait " + file.path(), -rc);
      submitted += rc;
    }
    int write_res = 0;
    int sync_res = 0;
    for (int seen = 0; seen < 2; ++seen) {
      io_uring_cqe* cqe = nullptr;
      int rc = io_uring_wait_cqe(&ring_, &cqe);
      if (rc == -EINTR) {
        --seen;
        continue;
      }
      if (rc < 0) return Status::FromErrno("io_uring_wait_cqe " + file.path(), -rc);
      (cqe->user_data == kWriteTag ? write_res : sync_res) = cqe->res;
      io_uring_cqe_seen(&ring_, cqe);
    }
    if (write_res < 0) return Status::FromErrno("io_uring write " + file.path(), -write_res);
    const auto written = static_cast<size_t>(write_res);
    if (written < data.size()) {
      // Short write (rare: signals, quota): finish with the portable path,
      // which also syncs.
      return PwriteAndSync(file, offset + written, data.subspan(written));
    }
    if (sync_res < 0) return Status::FromErrno("io_uring fdatasync " + file.path(), -sync_res);
    return Status::Ok();
  }

 private:
  static constexpr uint64_t kWriteTag = 1;
  static constexpr uint64_t kSyncTag = 2;
  static constexpr size_t kSingleWriteBytesMax = size_t{1} << 30;
  const uint64_t pwrite_below_bytes_;
  uint64_t io_uring_writes_ = 0;
  io_uring ring_{};
  bool initialized_ = false;
};

}  // namespace

std::string_view IoPathName(IoPath path) {
  switch (path) {
    case IoPath::kIoUring: return "io_uring";
    case IoPath::kPwriteFsync: return "pwrite+fdatasync";
  }
  return "unknown";
}

std::unique_ptr<IoBackend> NewPwriteBackend() { return std::make_unique<PwriteBackend>(); }

Status NewIoUringBackend(std::unique_ptr<IoBackend>* out, uint64_t pwrite_below_bytes) {
  auto backend = std::make_unique<IoUringBackend>(pwrite_below_bytes);
  int rc = backend->Init();
  if (rc < 0) return Status::Unavailable(std::string("io_uring_queue_init: ") + std::strerror(-rc));
  *out = std::move(backend);
  return Status::Ok();
}

}  // namespace cairn::wal

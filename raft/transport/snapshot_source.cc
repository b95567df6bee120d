#include "raft/transport/snapshot_source.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

namespace cairn::raft::transport {
namespace {

class StringReader final : public SnapshotReader {
 public:
  explicit StringReader(std::string data) : data_(std::move(data)) {}
  Status Read(size_t max_bytes, std::string* out) override {
    const size_t n = std::min(max_bytes, data_.size() - pos_);
    out->append(data_, pos_, n);
    pos_ += n;
    return Status::Ok();
  }

 private:
  std::string data_;
  size_t pos_ = 0;
};

class FileReader final : public SnapshotReader {
 public:
  FileReader(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~FileReader() override { ::close(fd_); }
  Status Read(size_t max_bytes, std::string* out) override {
    const size_t old = out->size();
    out->resize(old + max_bytes);
    ssize_t n;
    do {
      n = ::read(fd_, out->data() + old, max_bytes);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
      out->resize(old);
      return Status::FromErrno("read " + path_, errno);
    }
    out->resize(old + static_cast<size_t>(n));
    return Status::Ok();
  }

 private:
  const std::string path_;
  const int fd_;
};

}  // namespace

std::unique_ptr<SnapshotReader> NewStringSnapshotReader(std::string data) {
  return std::make_unique<StringReader>(std::move(data));
}

Status NewFileSnapshotReader(const std::string& path, std::unique_ptr<SnapshotReader>* out) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno("open " + path, errno);
  *out = std::make_unique<FileReader>(path, fd);
  return Status::Ok();
}

}  // namespace cairn::raft::transport

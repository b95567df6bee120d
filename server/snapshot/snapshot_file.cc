#include "server/snapshot/snapshot_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

namespace cairn::snapshot {
namespace {

std::string_view View(const Sha256Digest& d) { return DigestView(d); }

// Go's *PathError text: "<op> <path>: <lower-case strerror>".
Status PathError(const char* op, const std::string& path, int err) {
  std::string text = std::strerror(err);
  if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z') text[0] = static_cast<char>(text[0] - 'A' + 'a');
  if (err == ENOENT) return Status::NotFound(std::string(op) + " " + path + ": " + text);
  return Status::IOError(std::string(op) + " " + path + ": " + text);
}

Status MissingHash() { return Status::InvalidArgument("snapshot missing hash but --skip-hash-check=false"); }

Status CompareDigest(std::string_view stored, const Sha256Digest& computed) {
  if (stored == View(computed)) return Status::Ok();
  return Status::Corruption("expected sha256 " + GoByteList(stored) + ", got " + GoByteList(View(computed)));
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

Status ReadFull(int fd, const std::string& path, uint64_t offset, char* buf, size_t n) {
  while (n > 0) {
    const ssize_t got = ::pread(fd, buf, n, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return PathError("read", path, errno);
    if (got == 0) return Status::IOError("read " + path + ": unexpected EOF");
    buf += got, n -= static_cast<size_t>(got), offset += static_cast<uint64_t>(got);
  }
  return Status::Ok();
}

Status WriteFull(int fd, const std::string& path, const char* buf, size_t n) {
  while (n > 0) {
    const ssize_t put = ::write(fd, buf, n);
    if (put < 0 && errno == EINTR) continue;
    if (put < 0) return PathError("write", path, errno);
    buf += put, n -= static_cast<size_t>(put);
  }
  return Status::Ok();
}

}  // namespace

std::string GoByteList(std::string_view bytes) {
  std::string out = "[";
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i > 0) out += ' ';
    out += std::to_string(static_cast<unsigned char>(bytes[i]));
  }
  return out + "]";
}

Status VerifySnapshotBytes(std::string_view file, bool skip_hash_check, uint64_t* db_bytes) {
  const bool has_hash = HasSha256Trailer(file.size());
  const uint64_t n = has_hash ? file.size() - kSha256Bytes : file.size();
  if (db_bytes != nullptr) *db_bytes = n;
  if (skip_hash_check) return Status::Ok();
  if (!has_hash) return MissingHash();
  Sha256 sha;
  sha.Update(file.data(), n);
  return CompareDigest(file.substr(n), sha.Finish());
}

Status CopySnapshotDb(const std::string& snapshot_path, const std::string& db_path, bool skip_hash_check) {
  Fd in(::open(snapshot_path.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) return PathError("open", snapshot_path, errno);
  struct stat st;
  if (::fstat(in.get(), &st) != 0) return PathError("stat", snapshot_path, errno);
  if (!S_ISREG(st.st_mode)) return Status::InvalidArgument("read " + snapshot_path + ": is a directory");
  const uint64_t file_bytes = static_cast<uint64_t>(st.st_size);
  // etcd seeks 32 bytes back from the end to read the trailer before anything else.
  if (file_bytes < kSha256Bytes)
    return Status::InvalidArgument("seek " + snapshot_path + ": invalid argument");
  const bool has_hash = HasSha256Trailer(file_bytes);
  if (!has_hash && !skip_hash_check) return MissingHash();
  const uint64_t db_bytes = has_hash ? file_bytes - kSha256Bytes : file_bytes;

  Fd out(::open(db_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (out.get() < 0) return PathError("open", db_path, errno);
  Sha256 sha;
  std::vector<char> buf(1 << 20);
  for (uint64_t off = 0; off < db_bytes;) {
    const size_t len = static_cast<size_t>(std::min<uint64_t>(buf.size(), db_bytes - off));
    CAIRN_RETURN_IF_ERROR(ReadFull(in.get(), snapshot_path, off, buf.data(), len));
    if (has_hash && !skip_hash_check) sha.Update(buf.data(), len);
    CAIRN_RETURN_IF_ERROR(WriteFull(out.get(), db_path, buf.data(), len));
    off += len;
  }
  if (has_hash && !skip_hash_check) {
    char stored[kSha256Bytes];
    CAIRN_RETURN_IF_ERROR(ReadFull(in.get(), snapshot_path, db_bytes, stored, sizeof stored));
    CAIRN_RETURN_IF_ERROR(CompareDigest(std::string_view(stored, sizeof stored), sha.Finish()));
  }
  if (::fdatasync(out.get()) != 0) return PathError("sync", db_path, errno);
  return Status::Ok();
}

}  // namespace cairn::snapshot

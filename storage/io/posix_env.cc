// PosixEnv: File and Env over open(2)/pread(2)/pwrite(2)/fdatasync(2).
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "storage/io/file.h"

namespace cairn::io {
namespace {

Status ErrnoStatus(const std::string& what, const std::string& path) {
  return Status::FromErrno(what + " " + path, errno);
}

class PosixFile final : public File {
 public:
  PosixFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixFile() override { ::close(fd_); }

  Status ReadAt(uint64_t offset, std::span<std::byte> out) override {
    size_t done = 0;
    while (done < out.size()) {
      ssize_t n = ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return ErrnoStatus("pread", path_);
      if (n == 0) {
        return Status::IOError("short read of " + path_ + " at offset " + std::to_string(offset + done));
      }
      done += static_cast<size_t>(n);
    }
    return Status::Ok();
  }

  Status WriteAt(uint64_t offset, std::span<const std::byte> data) override {
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::pwrite(fd_, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return ErrnoStatus("pwrite", path_);
      done += static_cast<size_t>(n);
    }
    return Status::Ok();
  }

  Status Sync() override {
    if (::fdatasync(fd_) != 0) return ErrnoStatus("fdatasync", path_);
    return Status::Ok();
  }

  Status Truncate(uint64_t size_bytes) override {
    if (::ftruncate(fd_, static_cast<off_t>(size_bytes)) != 0) return ErrnoStatus("ftruncate", path_);
    return Status::Ok();
  }

  Status Allocate(uint64_t size_bytes, bool keep_size) override {
    int rc = ::fallocate(fd_, keep_size ? FALLOC_FL_KEEP_SIZE : 0, 0, static_cast<off_t>(size_bytes));
    if (rc == 0) return Status::Ok();
    if (errno != EOPNOTSUPP && errno != ENOSYS) return ErrnoStatus("fallocate", path_);
    // Filesystems without fallocate (tmpfs on old kernels): extend by truncate.
    if (keep_size) return Status::Ok();
    uint64_t size = 0;
    CAIRN_RETURN_IF_ERROR(Size(&size));
    return size >= size_bytes ? Status::Ok() : Truncate(size_bytes);
  }

  Status Size(uint64_t* size_bytes) override {
    struct stat st;
    if (::fstat(fd_, &st) != 0) return ErrnoStatus("fstat", path_);
    *size_bytes = static_cast<uint64_t>(st.st_size);
    return Status::Ok();
  }

  int fd() const override { return fd_; }
  const std::string& path() const override { return path_; }

 private:
  int fd_;
  std::string path_;
};

class PosixEnv final : public Env {
 public:
  Status Open(const std::string& path, OpenMode mode, std::unique_ptr<File>* out) override {
    int flags = O_CLOEXEC;
    switch (mode) {
      case OpenMode::kReadOnly: flags |= O_RDONLY; break;
      case OpenMode::kReadWrite: flags |= O_RDWR; break;
      case OpenMode::kCreateReadWrite: flags |= O_RDWR | O_CREAT; break;
    }
    int fd = ::open(path.c_str(), flags, 0600);
    if (fd < 0) {
      if (errno == ENOENT) return Status::NotFound(path);
      return ErrnoStatus("open", path);
    }
    *out = std::make_unique<PosixFile>(fd, path);
    return Status::Ok();
  }

  Status Exists(const std::string& path, bool* exists) override {
    struct stat st;
    if (::stat(path.c_str(), &st) == 0) {
      *exists = true;
      return Status::Ok();
    }
    if (errno == ENOENT) {
      *exists = false;
      return Status::Ok();
    }
    return ErrnoStatus("stat", path);
  }

  Status Remove(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return ErrnoStatus("unlink", path);
    return Status::Ok();
  }

  Status Rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) return ErrnoStatus("rename " + from + " to", to);
    return Status::Ok();
  }

  Status CreateDir(const std::string& path) override {
    for (size_t pos = 1; pos <= path.size(); ++pos) {
      if (pos != path.size() && path[pos] != '/') continue;
      std::string prefix = path.substr(0, pos);
      if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) return ErrnoStatus("mkdir", prefix);
    }
    return Status::Ok();
  }

  Status ListDir(const std::string& path, std::vector<std::string>* names) override {
    names->clear();
    DIR* dir = ::opendir(path.c_str());
    if (dir == nullptr) {
      if (errno == ENOENT) return Status::NotFound(path);
      return ErrnoStatus("opendir", path);
    }
    while (struct dirent* entry = ::readdir(dir)) {
      std::string name = entry->d_name;
      if (name != "." && name != "..") names->push_back(std::move(name));
    }
    ::closedir(dir);
    return Status::Ok();
  }

  Status SyncDir(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus("open dir", path);
    int rc = ::fsync(fd);
    int saved = errno;
    ::close(fd);
    if (rc != 0) return Status::FromErrno("fsync dir " + path, saved);
    return Status::Ok();
  }
};

}  // namespace

Env* DefaultEnv() {
  static Env* env = new PosixEnv();
  return env;
}

}  // namespace cairn::io

#include "certs/x509/pem_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace cairn::certs {
namespace {

std::string DirOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

Status MakeDirs(const std::string& dir) {
  if (dir.empty() || dir == "." || dir == "/") return Status::Ok();
  struct stat st;
  if (stat(dir.c_str(), &st) == 0) {
    return S_ISDIR(st.st_mode) ? Status::Ok() : Status::IOError(dir + ": not a directory");
  }
  CAIRN_RETURN_IF_ERROR(MakeDirs(DirOf(dir)));
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return Status::FromErrno("mkdir " + dir, errno);
  return Status::Ok();
}

Status WriteFileAtomically(const std::string& path, std::string_view bytes, mode_t mode) {
  const std::string dir = DirOf(path);
  CAIRN_RETURN_IF_ERROR(MakeDirs(dir));
  std::string tmp = path + ".tmp.XXXXXX";
  const int fd = mkstemp(tmp.data());
  if (fd < 0) return Status::FromErrno("create " + tmp, errno);
  auto fail = [&](const std::string& what) {
    const int err = errno;
    close(fd);
    unlink(tmp.c_str());
    return Status::FromErrno(what, err);
  };
  if (fchmod(fd, mode) != 0) return fail("chmod " + tmp);
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("write " + tmp);
    done += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0) return fail("fsync " + tmp);
  if (close(fd) != 0) {
    const int err = errno;
    unlink(tmp.c_str());
    return Status::FromErrno("close " + tmp, err);
  }
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    unlink(tmp.c_str());
    return Status::FromErrno("rename " + tmp + " to " + path, err);
  }
  const int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dfd < 0) return Status::FromErrno("open " + dir, errno);
  const int rc = fsync(dfd);
  const int err = errno;
  close(dfd);
  return rc == 0 ? Status::Ok() : Status::FromErrno("fsync " + dir, err);
}

Status ReadWholeFile(const std::string& path, std::string* out) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    if (errno == ENOENT) return Status::NotFound("open " + path + ": no such file or directory");
    return Status::FromErrno("open " + path, errno);
  }
  out->clear();
  char buf[8192];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) out->append(buf, n);
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return Status::IOError("read " + path);
  return Status::Ok();
}

bool FileExists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

}  // namespace cairn::certs

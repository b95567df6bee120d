#include "server/api/data_dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>

namespace cairn::api {

Status DataDirLock::Acquire(const std::string& member_dir, DataDirLock* out) {
  int fd = ::open(member_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno("open " + member_dir, errno);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int saved = errno;
    ::close(fd);
    if (saved == EWOULDBLOCK) {
      return Status::Unavailable(member_dir +
                                 " is locked by another process: stop the other server using this "
                                 "--data-dir, or give this one its own");
    }
    return Status::FromErrno("flock " + member_dir, saved);
  }
  out->fd_ = fd;
  return Status::Ok();
}

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace cairn::api

#include "utl/defrag.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "storage/backend/bolt_store.h"
#include "storage/io/file.h"

namespace cairn::utl {
namespace {

// Holds a non-blocking exclusive flock on `path` for its lifetime.
class Flock {
 public:
  Status Take(const std::string& path, int flags) {
    fd_ = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd_ < 0) return Status::FromErrno("open " + path, errno);
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      const int e = errno;
      if (e == EWOULDBLOCK) {
        std::fprintf(
            stderr,
            "waiting for etcd to close and release its lock on \"%s\". To defrag a running etcd instance, "
            "omit --data-dir.\n",
            path.c_str());
        return Status::Unavailable(path + " is locked by a running server");
      }
      return Status::FromErrno("flock " + path, e);
    }
    return Status::Ok();
  }
  ~Flock() {
    if (fd_ >= 0) ::close(fd_);
  }

 private:
  int fd_ = -1;
};

}  // namespace

Status DefragDataDir(const std::string& data_dir) {
  const std::string member = data_dir + "/member";
  const std::string db = member + "/snap/db";
  struct stat st;
  if (::stat(db.c_str(), &st) != 0) return Status::FromErrno("stat " + db, errno);
  Flock dir_lock, db_lock;
  CAIRN_RETURN_IF_ERROR(dir_lock.Take(member, O_RDONLY | O_DIRECTORY));
  CAIRN_RETURN_IF_ERROR(db_lock.Take(db, O_RDWR));
  std::unique_ptr<backend::BoltStore> store;
  CAIRN_RETURN_IF_ERROR(backend::BoltStore::Open(io::DefaultEnv(), db, backend::BoltStoreOptions(), &store));
  backend::DefragResult result;
  return store->Defragment(&result);
}

}  // namespace cairn::utl

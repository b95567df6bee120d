// BoltStore::Defragment: etcd's defrag (mvcc/backend/backend.go defrag) — see bolt_store.h.
#include <cstdio>
#include <cstdlib>

#include "storage/backend/bolt_store.h"
#include "storage/bolt/compact.h"

namespace cairn::backend {
namespace {

std::string DirOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

Status BoltStore::Defragment(DefragResult* result) {
  std::lock_guard<std::mutex> w(writer_mu_);  // no commit while the file is copied and swapped
  std::shared_ptr<bolt::DB> old_db = db();
  DefragResult r;
  r.size_before_bytes = size_bytes();
  r.size_in_use_before_bytes = size_in_use_bytes();

  // 1. Copy into a fresh, fsynced temp file.
  const std::string tmp = temp_path();
  bool exists = false;
  CAIRN_RETURN_IF_ERROR(env_->Exists(tmp, &exists));
  if (exists) CAIRN_RETURN_IF_ERROR(env_->Remove(tmp));
  bolt::CompactOptions copy;
  copy.fill_percent = kSeqPutFillPercent;  // etcd defragdb: tmpb.FillPercent = 0.9
  copy.sync = !options_.bolt.no_sync;
  // etcd commits the copy every defragLimit (10000) keys. Smaller copy transactions also keep
  // bolt's node split (which copies the tail of an oversized node per split) cheap.
  copy.tx_bytes_max = kDefragTxBytesMax;
  Status s = bolt::CompactInto(old_db.get(), env_, tmp, copy);
  if (!s.ok()) {
    (void)env_->Remove(tmp);
    return s;
  }

  // 2. Atomically replace the file. Readers of old_db keep the unlinked inode mapped.
  s = env_->Rename(tmp, path_);
  if (!s.ok()) {
    (void)env_->Remove(tmp);
    return s;
  }
  // From here on `path_` holds the new file: failing to use it would leave the store writing to
  // an unlinked inode, so errors are fatal (etcd: lg.Fatal after the rename).
  s = env_->SyncDir(DirOf(path_));
  std::unique_ptr<bolt::DB> fresh;
  if (s.ok()) s = bolt::DB::Open(env_, path_, options_.bolt, &fresh);
  if (!s.ok()) {
    std::fprintf(stderr, "backend: fatal: defrag could not reopen %s: %s\n", path_.c_str(),
                 s.ToString().c_str());
    std::abort();
  }

  // 3. New views read the new file.
  std::shared_ptr<bolt::DB> next(std::move(fresh));
  {
    std::lock_guard<std::mutex> g(db_mu_);
    db_ = next;
  }
  RefreshSizes(next.get());
  r.size_after_bytes = size_bytes();
  r.size_in_use_after_bytes = size_in_use_bytes();
  if (result != nullptr) *result = r;
  return Status::Ok();
}

}  // namespace cairn::backend

#include "utl/bump_revision.h"

#include "storage/backend/backend.h"
#include "storage/backend/bolt_store.h"
#include "storage/io/file.h"
#include "storage/mvcc/kv_store.h"
#include "storage/mvcc/revision.h"

namespace cairn::utl {

Status BumpRevision(const std::string& db_path, uint64_t amount, int64_t* new_revision) {
  std::unique_ptr<backend::BoltStore> store;
  CAIRN_RETURN_IF_ERROR(
      backend::BoltStore::Open(io::DefaultEnv(), db_path, backend::BoltStoreOptions(), &store));
  mvcc::RevisionPair latest{0, 0};
  {
    auto view = store->Snapshot();
    view->UnsafeForEach(backend::kKeyBucket, [&](std::string_view key, std::string_view) {
      if (key.size() >= mvcc::kRevBytesLen) {
        const mvcc::RevisionPair r = mvcc::BytesToRevision(key);
        if (r.main > latest.main || (r.main == latest.main && r.sub > latest.sub)) latest = r;
      }
      return true;
    });
  }
  const mvcc::RevisionPair bumped{latest.main + static_cast<int64_t>(amount), 0};
  backend::WriteBatch batch;
  batch.ops[std::string(backend::kKeyBucket)][mvcc::RevisionToBytes(bumped)] = std::string();
  batch.ops[std::string(backend::kMetaBucket)][std::string(mvcc::kScheduledCompactKey)] =
      mvcc::RevisionToBytes({bumped.main, 0});
  CAIRN_RETURN_IF_ERROR(store->Apply(batch));
  *new_revision = bumped.main;
  return Status::Ok();
}

}  // namespace cairn::utl

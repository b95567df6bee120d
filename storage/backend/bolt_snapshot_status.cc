#include "storage/backend/bolt_snapshot_status.h"

#include "base/crc32c.h"
#include "storage/backend/backend.h"

namespace cairn::backend {

Status SnapshotStatusOf(bolt::DB* db, SnapshotStatus* out) {
  CAIRN_RETURN_IF_ERROR(db->Check());
  std::unique_ptr<bolt::Tx> tx;
  CAIRN_RETURN_IF_ERROR(db->Begin(false, &tx));
  SnapshotStatus st;
  st.total_bytes = static_cast<int64_t>(tx->size_bytes());
  Crc32c crc;
  bolt::Cursor roots = tx->Root()->NewCursor();
  for (bool ok = roots.First(); ok; ok = roots.Next()) {
    const std::string_view name = roots.key();
    bolt::Bucket* b = tx->Bucket(name);
    if (b == nullptr)
      return Status::Corruption("snapshot status: cannot get hash of bucket " + std::string(name));
    crc.Update(name);
    const bool is_key_bucket = name == kKeyBucket;
    bolt::Cursor c = b->NewCursor();
    for (bool more = c.First(); more; more = c.Next()) {
      crc.Update(c.key());
      crc.Update(c.value());
      if (is_key_bucket) {
        if (c.key().size() < 8)
          return Status::Corruption("snapshot status: short revision key in bucket key");
        uint64_t main = 0;
        for (int i = 0; i < 8; ++i) main = (main << 8) | static_cast<unsigned char>(c.key()[i]);
        st.revision = static_cast<int64_t>(main);
      }
      ++st.total_keys;
    }
  }
  st.hash = crc.value();
  *out = st;
  return Status::Ok();
}

Status SnapshotStatusOfFile(io::Env* env, const std::string& path, SnapshotStatus* out) {
  bolt::Options options;
  options.read_only = true;
  std::unique_ptr<bolt::DB> db;
  CAIRN_RETURN_IF_ERROR(bolt::DB::Open(env, path, options, &db));
  return SnapshotStatusOf(db.get(), out);
}

}  // namespace cairn::backend

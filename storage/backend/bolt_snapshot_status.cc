#include "storage/backend/bolt_snapshot_status.h"

#include <array>

#include "storage/backend/backend.h"

namespace cairn::backend {
namespace {

// CRC-32C (Castagnoli, reflected polynomial 0x82f63b78), as Go's crc32.MakeTable(crc32.Castagnoli).
class Crc32c {
 public:
  void Update(std::string_view bytes) {
    static const std::array<uint32_t, 256> table = [] {
      std::array<uint32_t, 256> t{};
      for (uint32_t i = 0; i < 256; ++i) {
        uint32_t c = i;
        for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82f63b78u : c >> 1;
        t[i] = c;
      }
      return t;
    }();
    uint32_t c = ~crc_;
    for (unsigned char b : bytes) c = table[(c ^ b) & 0xff] ^ (c >> 8);
    crc_ = ~c;
  }
  uint32_t value() const { return crc_; }

 private:
  uint32_t crc_ = 0;
};

}  // namespace

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

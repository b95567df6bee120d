#include "storage/backend/bolt_snapshot.h"

#include <memory>
#include <vector>

namespace cairn::backend {
namespace {

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::string_view AsView(const Sha256Digest& d) { return DigestView(d); }

Status MissingHash(uint64_t size) {
  return Status::Corruption("snapshot missing hash but --skip-hash-check=false (" + std::to_string(size) +
                            " bytes: size % 512 != 32)");
}

Status CompareDigest(const Sha256Digest& computed, std::string_view stored) {
  if (AsView(computed) == stored) return Status::Ok();
  return Status::Corruption("expected sha256 " + Hex(stored) + ", got " + Hex(AsView(computed)));
}

}  // namespace

Status StreamSnapshot(const BoltReadView& view, const SnapshotChunkSink& sink, SnapshotStreamInfo* info) {
  const uint64_t total = view.size_bytes();
  SnapshotStreamInfo out;
  Sha256 sha;
  std::string buf;
  buf.reserve(kSnapshotChunkBytes);
  auto flush = [&]() -> Status {
    out.db_bytes += buf.size();
    ++out.chunks;
    sha.Update(buf);
    CAIRN_RETURN_IF_ERROR(sink(buf, total - out.db_bytes));
    buf.clear();
    return Status::Ok();
  };
  CAIRN_RETURN_IF_ERROR(view.tx()->WriteTo([&](std::string_view chunk) -> Status {
    while (!chunk.empty()) {
      const size_t n = std::min(chunk.size(), kSnapshotChunkBytes - buf.size());
      buf.append(chunk.substr(0, n));
      chunk.remove_prefix(n);
      if (buf.size() == kSnapshotChunkBytes) CAIRN_RETURN_IF_ERROR(flush());
    }
    return Status::Ok();
  }));
  if (!buf.empty()) CAIRN_RETURN_IF_ERROR(flush());
  if (out.db_bytes != total) {
    return Status::Corruption("snapshot: wrote " + std::to_string(out.db_bytes) + " bytes, expected " +
                              std::to_string(total));
  }
  out.digest = sha.Finish();
  CAIRN_RETURN_IF_ERROR(sink(AsView(out.digest), 0));
  if (info != nullptr) *info = out;
  return Status::Ok();
}

Status StreamSnapshot(BoltStore* store, const SnapshotChunkSink& sink, SnapshotStreamInfo* info) {
  std::unique_ptr<BoltReadView> view;
  CAIRN_RETURN_IF_ERROR(store->BeginRead(&view));
  return StreamSnapshot(*view, sink, info);
}

Status VerifySnapshot(std::string_view file, bool skip_hash_check, uint64_t* db_bytes) {
  if (!SnapshotHasChecksum(file.size())) {
    if (db_bytes != nullptr) *db_bytes = file.size();
    return skip_hash_check ? Status::Ok() : MissingHash(file.size());
  }
  const size_t n = file.size() - kSnapshotDigestBytes;
  if (db_bytes != nullptr) *db_bytes = n;
  if (skip_hash_check) return Status::Ok();
  Sha256 sha;
  sha.Update(file.substr(0, n));
  return CompareDigest(sha.Finish(), file.substr(n));
}

Status VerifySnapshotFile(io::Env* env, const std::string& path, bool skip_hash_check, uint64_t* db_bytes) {
  std::unique_ptr<io::File> f;
  CAIRN_RETURN_IF_ERROR(env->Open(path, io::OpenMode::kReadOnly, &f));
  uint64_t size = 0;
  CAIRN_RETURN_IF_ERROR(f->Size(&size));
  if (!SnapshotHasChecksum(size)) {
    if (db_bytes != nullptr) *db_bytes = size;
    return skip_hash_check ? Status::Ok() : MissingHash(size);
  }
  const uint64_t n = size - kSnapshotDigestBytes;
  if (db_bytes != nullptr) *db_bytes = n;
  if (skip_hash_check) return Status::Ok();
  Sha256 sha;
  std::vector<std::byte> buf(1 << 20);
  for (uint64_t off = 0; off < n;) {
    const size_t len = static_cast<size_t>(std::min<uint64_t>(buf.size(), n - off));
    CAIRN_RETURN_IF_ERROR(f->ReadAt(off, std::span<std::byte>(buf.data(), len)));
    sha.Update(std::string_view(reinterpret_cast<const char*>(buf.data()), len));
    off += len;
  }
  std::array<std::byte, kSnapshotDigestBytes> stored;
  CAIRN_RETURN_IF_ERROR(f->ReadAt(n, stored));
  return CompareDigest(sha.Finish(),
                       std::string_view(reinterpret_cast<const char*>(stored.data()), stored.size()));
}

Status ExtractSnapshotDb(io::Env* env, const std::string& snapshot_path, const std::string& db_path,
                         bool skip_hash_check) {
  uint64_t db_bytes = 0;
  CAIRN_RETURN_IF_ERROR(VerifySnapshotFile(env, snapshot_path, skip_hash_check, &db_bytes));
  bool exists = false;
  CAIRN_RETURN_IF_ERROR(env->Exists(db_path, &exists));
  if (exists) return Status::Exists("snapshot restore: " + db_path + " already exists");
  std::unique_ptr<io::File> in, out;
  CAIRN_RETURN_IF_ERROR(env->Open(snapshot_path, io::OpenMode::kReadOnly, &in));
  CAIRN_RETURN_IF_ERROR(env->Open(db_path, io::OpenMode::kCreateReadWrite, &out));
  std::vector<std::byte> buf(1 << 20);
  for (uint64_t off = 0; off < db_bytes;) {
    const size_t len = static_cast<size_t>(std::min<uint64_t>(buf.size(), db_bytes - off));
    CAIRN_RETURN_IF_ERROR(in->ReadAt(off, std::span<std::byte>(buf.data(), len)));
    CAIRN_RETURN_IF_ERROR(out->WriteAt(off, std::span<const std::byte>(buf.data(), len)));
    off += len;
  }
  CAIRN_RETURN_IF_ERROR(out->Sync());
  const size_t slash = db_path.rfind('/');
  return env->SyncDir(slash == std::string::npos ? "." : (slash == 0 ? "/" : db_path.substr(0, slash)));
}

}  // namespace cairn::backend

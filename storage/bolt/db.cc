#include "storage/bolt/db.h"

#include <algorithm>
#include <cassert>
#include <span>
#include <vector>

namespace cairn::bolt {
namespace {

Status ValidateMeta(const Meta& m) {
  if (m.magic != kMagic) return Status::Corruption("invalid magic");
  if (m.version != kVersion) return Status::Corruption("version mismatch");
  if (m.checksum != 0 && m.checksum != MetaChecksum(m)) return Status::Corruption("checksum mismatch");
  return Status::Ok();
}

}  // namespace

Status DB::Open(io::Env* env, const std::string& path, const Options& options, std::unique_ptr<DB>* out) {
  std::unique_ptr<DB> db(new DB(env, path, options));
  CAIRN_RETURN_IF_ERROR(env->Open(
      path, options.read_only ? io::OpenMode::kReadOnly : io::OpenMode::kCreateReadWrite, &db->file_));
  uint64_t size = 0;
  CAIRN_RETURN_IF_ERROR(db->file_->Size(&size));
  if (size == 0 && !options.read_only) CAIRN_RETURN_IF_ERROR(db->Init());
  CAIRN_RETURN_IF_ERROR(db->LoadMeta());
  *out = std::move(db);
  return Status::Ok();
}

DB::~DB() {
  std::lock_guard lock(mu_);
  assert(open_txs_ == 0 && "bolt: DB destroyed with open transactions");
}

Status DB::Init() {
  const uint32_t ps = options_.page_size;
  if (ps < 1024 || (ps & (ps - 1)) != 0)
    return Status::InvalidArgument("bolt: page size must be a power of two");
  std::vector<char> buf(4 * size_t{ps}, 0);
  for (PageId i = 0; i < 2; ++i) {
    char* p = buf.data() + i * ps;
    Store<PageId>(p, i);
    Store<uint16_t>(p + 8, kMetaPage);
    Meta m{};
    m.magic = kMagic;
    m.version = kVersion;
    m.page_size = ps;
    m.freelist = 2;
    m.root = BucketHeader{3, 0};
    m.pgid = 4;
    m.txid = i;
    m.checksum = MetaChecksum(m);
    Store(p + kMetaOffsetInPage, m);
  }
  char* freelist = buf.data() + 2 * size_t{ps};
  Store<PageId>(freelist, 2);
  Store<uint16_t>(freelist + 8, kFreelistPage);
  char* leaf = buf.data() + 3 * size_t{ps};
  Store<PageId>(leaf, 3);
  Store<uint16_t>(leaf + 8, kLeafPage);
  CAIRN_RETURN_IF_ERROR(file_->WriteAt(0, std::as_bytes(std::span<const char>(buf))));
  return file_->Sync();
}

Status DB::LoadMeta() {
  uint64_t file_bytes = 0;
  CAIRN_RETURN_IF_ERROR(file_->Size(&file_bytes));
  // The page size comes from meta 0 when it is valid, else the default.
  page_size_ = kDefaultPageSize;
  if (file_bytes >= kPageHeaderBytes + sizeof(Meta)) {
    std::vector<std::byte> head(kPageHeaderBytes + sizeof(Meta));
    CAIRN_RETURN_IF_ERROR(file_->ReadAt(0, head));
    auto m0 = Load<Meta>(reinterpret_cast<const char*>(head.data()) + kMetaOffsetInPage);
    if (ValidateMeta(m0).ok()) page_size_ = m0.page_size;
  }
  if (page_size_ < 512 || (page_size_ & (page_size_ - 1)) != 0) {
    return Status::Corruption(path_ + ": invalid page size " + std::to_string(page_size_));
  }
  if (file_bytes < 2 * uint64_t{page_size_}) {
    return Status::Corruption(path_ + ": file size " + std::to_string(file_bytes) +
                              " is smaller than two pages; not a bolt file");
  }
  uint64_t map_bytes = Mmap::SizeFor(std::max(file_bytes, options_.initial_mmap_bytes));
  std::shared_ptr<const Mmap> map;
  CAIRN_RETURN_IF_ERROR(Mmap::Map(file_->fd(), map_bytes, &map));

  Meta metas[2];
  Status valid[2];
  for (int i = 0; i < 2; ++i) {
    metas[i] = Load<Meta>(map->data() + i * uint64_t{page_size_} + kMetaOffsetInPage);
    valid[i] = ValidateMeta(metas[i]);
    if (valid[i].ok() && metas[i].page_size != page_size_)
      valid[i] = Status::Corruption("page size mismatch");
  }
  int pick = metas[1].txid > metas[0].txid ? 1 : 0;
  if (!valid[pick].ok()) pick = 1 - pick;
  if (!valid[pick].ok()) {
    return Status::Corruption(path_ + ": both meta pages invalid (meta 0: " + valid[0].message() +
                              ", meta 1: " + valid[1].message() + "); restore from a snapshot");
  }
  const Meta& meta = metas[pick];
  file_bytes_ = file_bytes;
  if (meta.pgid < 4 || meta.pgid * page_size_ > file_bytes) {
    return Status::Corruption(path_ + ": meta " + std::to_string(pick) + " high-water mark " +
                              std::to_string(meta.pgid) + " pages exceeds file size " +
                              std::to_string(file_bytes) + " bytes (truncated file?)");
  }
  if (meta.root.root < 2 || meta.root.root >= meta.pgid ||
      (meta.freelist != kNoFreelist && (meta.freelist < 2 || meta.freelist >= meta.pgid))) {
    return Status::Corruption(path_ + ": meta " + std::to_string(pick) +
                              " points beyond its high-water mark");
  }
  {
    std::lock_guard lock(mu_);
    meta_ = meta;
    map_ = std::move(map);
  }
  return LoadFreelist();
}

Status DB::LoadFreelist() {
  Meta meta;
  std::shared_ptr<const Mmap> map;
  {
    std::lock_guard lock(mu_);
    meta = meta_;
    map = map_;
  }
  const uint64_t ps = page_size_;
  if (meta.freelist != kNoFreelist) {
    const char* page = map->data() + meta.freelist * ps;
    PageView view(page);
    if ((view.flags() & kFreelistPage) == 0) {
      return Status::Corruption(path_ + ": page " + std::to_string(meta.freelist) +
                                " is not a freelist page");
    }
    uint64_t pages = uint64_t{view.overflow()} + 1;
    if (meta.freelist + pages > meta.pgid) {
      return Status::Corruption(path_ + ": freelist page overflows the high-water mark");
    }
    Status s = freelist_.Read(page, pages * ps);
    if (!s.ok()) return Status::Corruption(path_ + ": " + s.message());
  } else {
    // No persisted freelist (bbolt NoFreelistSync): every unreachable page is free.
    std::vector<bool> used(meta.pgid, false);
    used[0] = used[1] = true;
    Tx tx(this, false, meta, map);
    {
      std::lock_guard lock(mu_);
      ++open_txs_;
      readers_.insert(meta.txid);
    }
    // Walk every bucket's pages, descending into nested non-inline buckets.
    std::vector<PageId> bucket_roots = {meta.root.root};
    while (!bucket_roots.empty()) {
      PageId root = bucket_roots.back();
      bucket_roots.pop_back();
      std::vector<PageId> pages = {root};
      while (!pages.empty()) {
        PageId id = pages.back();
        pages.pop_back();
        if (id < 2 || id >= meta.pgid || used[id]) {
          tx.Rollback();
          return Status::Corruption(path_ + ": page " + std::to_string(id) +
                                    " out of bounds or referenced twice; run a check");
        }
        PageView p = tx.Page(id);
        if (id + p.overflow() >= meta.pgid || (!p.is_branch() && !p.is_leaf())) {
          tx.Rollback();
          return Status::Corruption(path_ + ": page " + std::to_string(id) + " is not a valid tree page");
        }
        for (uint64_t k = 0; k <= p.overflow(); ++k) used[id + k] = true;
        if (p.is_branch()) {
          for (size_t i = 0; i < p.count(); ++i) pages.push_back(p.branch_pgid(i));
        } else if (p.is_leaf()) {
          for (size_t i = 0; i < p.count(); ++i) {
            if ((p.leaf_flags(i) & kBucketLeafFlag) == 0) continue;
            std::string_view v = p.leaf_value(i);
            if (v.size() < kBucketHeaderBytes) {
              tx.Rollback();
              return Status::Corruption(path_ + ": short bucket value");
            }
            auto h = Load<BucketHeader>(v.data());
            if (h.root != 0) bucket_roots.push_back(h.root);
          }
        }
      }
    }
    tx.Rollback();
    std::vector<PageId> free_ids;
    for (PageId id = 2; id < meta.pgid; ++id) {
      if (!used[id]) free_ids.push_back(id);
    }
    freelist_.Reset(std::move(free_ids));
  }
  std::lock_guard lock(mu_);
  free_pages_ = freelist_.free_count();
  pending_pages_ = 0;
  return Status::Ok();
}

Status DB::Begin(bool writable, std::unique_ptr<Tx>* out) {
  if (!writable) {
    std::lock_guard lock(mu_);
    CAIRN_RETURN_IF_ERROR(EnsureMappedLocked());
    readers_.insert(meta_.txid);
    ++open_txs_;
    out->reset(new Tx(this, false, meta_, map_));
    return Status::Ok();
  }
  if (options_.read_only) return Status::InvalidArgument("bolt: " + path_ + " is open read-only");
  {
    std::unique_lock lock(writer_mu_);
    writer_cv_.wait(lock, [this] { return !writer_active_; });
    writer_active_ = true;
  }
  std::lock_guard lock(mu_);
  Status mapped = EnsureMappedLocked();
  if (!mapped.ok()) {
    {
      std::lock_guard wlock(writer_mu_);
      writer_active_ = false;
    }
    writer_cv_.notify_one();
    return mapped;
  }
  TxId oldest_reader = readers_.empty() ? ~TxId{0} : *readers_.begin();
  freelist_.Release(oldest_reader);
  // Pages whose whole visibility window falls between two readers (or after
  // the newest) can be reused too.
  for (auto it = readers_.begin(); it != readers_.end(); it = readers_.upper_bound(*it)) {
    auto next = readers_.upper_bound(*it);
    freelist_.ReleaseRange(*it + 1, next == readers_.end() ? ~TxId{0} : *next - 1);
  }
  free_pages_ = freelist_.free_count();
  pending_pages_ = freelist_.pending_count();
  Meta meta = meta_;
  meta.txid += 1;
  ++open_txs_;
  out->reset(new Tx(this, true, meta, map_));
  return Status::Ok();
}

Status DB::GrowFile(uint64_t needed_bytes) {
  if (needed_bytes <= file_bytes_) return Status::Ok();
  constexpr uint64_t kAllocBytes = 16 << 20;
  uint64_t target = Mmap::SizeFor(needed_bytes);
  if (target >= kAllocBytes) target = needed_bytes + kAllocBytes;
  CAIRN_RETURN_IF_ERROR(file_->Truncate(target));
  file_bytes_ = target;
  return Status::Ok();
}

Status DB::EnsureMappedLocked() {
  uint64_t needed = meta_.pgid * uint64_t{page_size_};
  if (needed <= map_->size()) return Status::Ok();
  std::shared_ptr<const Mmap> bigger;
  CAIRN_RETURN_IF_ERROR(
      Mmap::Map(file_->fd(), Mmap::SizeFor(std::max(needed, options_.initial_mmap_bytes)), &bigger));
  map_ = std::move(bigger);  // transactions still on the old mapping keep it alive
  return Status::Ok();
}

void DB::EndRead(TxId txid) {
  std::lock_guard lock(mu_);
  auto it = readers_.find(txid);
  assert(it != readers_.end());
  readers_.erase(it);
  --open_txs_;
}

void DB::EndWrite(bool committed, const Meta& meta) {
  {
    std::lock_guard lock(mu_);
    if (committed) {
      freelist_.Committed(meta.txid);
      meta_ = meta;
      (void)EnsureMappedLocked();  // on failure the next Begin retries and reports it
    } else {
      freelist_.Rollback(meta.txid);
    }
    free_pages_ = freelist_.free_count();
    pending_pages_ = freelist_.pending_count();
    --open_txs_;
  }
  {
    std::lock_guard lock(writer_mu_);
    writer_active_ = false;
  }
  writer_cv_.notify_one();
}

}  // namespace cairn::bolt

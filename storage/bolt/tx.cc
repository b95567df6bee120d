#include "storage/bolt/tx.h"

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "storage/bolt/db.h"

namespace cairn::bolt {

Tx::Tx(DB* db, bool writable, const Meta& meta, std::shared_ptr<const Mmap> map)
    : db_(db), writable_(writable), meta_(meta), map_(std::move(map)) {
  root_ = std::make_unique<bolt::Bucket>(this, meta_.root, PageView());
}

Tx::~Tx() {
  if (!closed_) Close(false);
}

PageView Tx::Page(PageId id) const {
  if (!dirty_.empty()) {
    auto it = dirty_.find(id);
    if (it != dirty_.end()) return PageView(it->second.get());
  }
  uint64_t end = (id + 1) * uint64_t{meta_.page_size};
  if (id >= meta_.pgid || end > map_->size()) {
    std::fprintf(stderr, "bolt: page %llu beyond high-water mark %llu (corrupt file %s)\n",
                 static_cast<unsigned long long>(id), static_cast<unsigned long long>(meta_.pgid),
                 db_->path().c_str());
    std::abort();
  }
  return PageView(map_->data() + id * meta_.page_size);
}

Status Tx::Allocate(size_t count, char** page) {
  assert(writable_ && count > 0);
  size_t bytes = count * meta_.page_size;
  auto buf = std::make_unique<char[]>(bytes);  // zeroed
  PageId id = db_->freelist_.Allocate(meta_.txid, count);
  if (id == 0) {
    id = meta_.pgid;
    meta_.pgid += count;
  }
  db_->freelist_.NoteAllocated(meta_.txid, id, count);
  Store<PageId>(buf.get(), id);
  Store<uint32_t>(buf.get() + 12, static_cast<uint32_t>(count - 1));
  *page = buf.get();
  dirty_[id] = std::move(buf);
  return Status::Ok();
}

void Tx::FreePage(PageId id) {
  PageView p = Page(id);
  db_->freelist_.Free(meta_.txid, id, p.overflow());
}

Status Tx::Commit() {
  if (closed_) return Status::InvalidArgument("bolt: tx closed");
  if (!writable_) return Status::InvalidArgument("bolt: tx not writable");

  root_->Rebalance();
  Status s = root_->Spill();
  if (s.ok()) {
    meta_.root = root_->header_;
    // A fresh freelist every commit; the old freelist page becomes pending.
    if (meta_.freelist != kNoFreelist) FreePage(meta_.freelist);
    char* page = nullptr;
    s = Allocate(db_->freelist_.SerializedBytes() / meta_.page_size + 1, &page);
    if (s.ok()) {
      db_->freelist_.Write(page);
      meta_.freelist = Load<PageId>(page);
    }
  }
  // Step 0: grow the file ahead of need (as bbolt does), so most commits'
  // fdatasync need not record a new file size.
  if (s.ok()) s = db_->GrowFile(meta_.pgid * uint64_t{meta_.page_size});
  // Steps 1 and 2: dirty pages, fdatasync.
  if (s.ok()) s = WriteDirtyPages();
  if (s.ok() && !db_->options_.no_sync) s = db_->file_->Sync();
  // Steps 3 and 4: meta, fdatasync.
  if (s.ok()) s = WriteMeta();
  if (s.ok() && !db_->options_.no_sync) s = db_->file_->Sync();
  if (!s.ok()) {
    Close(false);
    return s;
  }
  Close(true);
  return Status::Ok();
}

Status Tx::Rollback() {
  if (closed_) return Status::InvalidArgument("bolt: tx closed");
  Close(false);
  return Status::Ok();
}

Status Tx::WriteTo(const std::function<Status(std::string_view chunk)>& sink) const {
  if (writable_) return Status::InvalidArgument("bolt: WriteTo needs a read transaction");
  const uint64_t ps = meta_.page_size;
  std::string metas(2 * ps, '\0');
  for (PageId id = 0; id < 2; ++id) {
    char* page = metas.data() + id * ps;
    Store<PageId>(page, id);
    Store<uint16_t>(page + 8, kMetaPage);
    Meta m = meta_;
    if (id == 1) m.txid -= 1;  // meta 0 wins on open
    m.checksum = MetaChecksum(m);
    Store(page + kMetaOffsetInPage, m);
  }
  CAIRN_RETURN_IF_ERROR(sink(metas));
  constexpr uint64_t kChunkBytes = 1 << 20;
  const uint64_t end = meta_.pgid * ps;
  for (uint64_t off = 2 * ps; off < end; off += kChunkBytes) {
    CAIRN_RETURN_IF_ERROR(sink(std::string_view(map_->data() + off, std::min(kChunkBytes, end - off))));
  }
  return Status::Ok();
}

Status Tx::WriteDirtyPages() {
  std::vector<PageId> ids;
  ids.reserve(dirty_.size());
  for (const auto& [id, buf] : dirty_) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  // Coalesce runs of adjacent pages into one pwrite each.
  std::vector<char> run;
  const uint64_t ps = meta_.page_size;
  size_t i = 0;
  while (i < ids.size()) {
    PageId first = ids[i];
    PageId next = first;
    run.clear();
    while (i < ids.size() && ids[i] == next) {
      const char* buf = dirty_[ids[i]].get();
      uint64_t pages = uint64_t{Load<uint32_t>(buf + 12)} + 1;
      run.insert(run.end(), buf, buf + pages * ps);
      next = ids[i] + pages;
      ++i;
    }
    CAIRN_RETURN_IF_ERROR(db_->file_->WriteAt(first * ps, std::as_bytes(std::span<const char>(run))));
  }
  return Status::Ok();
}

Status Tx::WriteMeta() {
  std::vector<char> page(meta_.page_size, 0);
  PageId id = meta_.txid % 2;
  Store<PageId>(page.data(), id);
  Store<uint16_t>(page.data() + 8, kMetaPage);
  Meta m = meta_;
  m.checksum = MetaChecksum(m);
  Store(page.data() + kMetaOffsetInPage, m);
  return db_->file_->WriteAt(id * meta_.page_size, std::as_bytes(std::span<const char>(page)));
}

void Tx::Close(bool committed) {
  assert(!closed_);
  closed_ = true;
  if (writable_) {
    db_->EndWrite(committed, meta_);
  } else {
    db_->EndRead(meta_.txid);
  }
  dirty_.clear();  // the mapping stays: views stay valid until the Tx is destroyed
}

}  // namespace cairn::bolt

#include "storage/bolt/freelist.h"

#include <algorithm>
#include <cassert>

namespace cairn::bolt {

Status Freelist::Read(const char* page, size_t page_bytes_available) {
  PageView p(page);
  size_t count = p.count();
  size_t first = 0;
  if (count == kFreelistCountOverflow) {
    if (page_bytes_available < kPageHeaderBytes + 8) return Status::Corruption("freelist page truncated");
    count = Load<uint64_t>(page + kPageHeaderBytes);
    first = 1;
  }
  if (count > (page_bytes_available - kPageHeaderBytes) / 8 ||
      kPageHeaderBytes + 8 * (first + count) > page_bytes_available) {
    return Status::Corruption("freelist page: count " + std::to_string(count) + " exceeds its pages");
  }
  std::vector<PageId> ids(count);
  if (count > 0) std::memcpy(ids.data(), page + kPageHeaderBytes + 8 * first, 8 * count);
  Reset(std::move(ids));
  return Status::Ok();
}

void Freelist::Reset(std::vector<PageId> free_ids) {
  std::sort(free_ids.begin(), free_ids.end());
  free_ = std::move(free_ids);
  pending_.clear();
  from_free_.clear();
  alloc_log_.clear();
  allocated_by_.clear();
}

void Freelist::AddFree(std::vector<PageId> ids) {
  if (ids.empty()) return;
  std::sort(ids.begin(), ids.end());
  std::vector<PageId> merged;
  merged.reserve(free_.size() + ids.size());
  std::merge(free_.begin(), free_.end(), ids.begin(), ids.end(), std::back_inserter(merged));
  free_ = std::move(merged);
}

void Freelist::NoteAllocated(TxId txid, PageId first, size_t count) {
  auto& log = alloc_log_[txid];
  for (size_t k = 0; k < count; ++k) {
    allocated_by_[first + k] = txid;
    log.push_back(first + k);
  }
}

PageId Freelist::Allocate(TxId txid, size_t count) {
  if (count == 0 || free_.empty()) return 0;
  size_t run_start = 0;
  for (size_t i = 0; i < free_.size(); ++i) {
    if (i > 0 && free_[i] != free_[i - 1] + 1) run_start = i;
    if (i - run_start + 1 == count) {
      PageId first = free_[run_start];
      assert(first > 1);
      auto& log = from_free_[txid];
      for (size_t k = 0; k < count; ++k) log.push_back(first + k);
      free_.erase(free_.begin() + run_start, free_.begin() + i + 1);
      return first;
    }
  }
  return 0;
}

void Freelist::Free(TxId txid, PageId first, uint32_t overflow) {
  assert(first > 1 && "meta pages are never freed");
  auto& pages = pending_[txid];
  for (uint64_t k = 0; k <= overflow; ++k) {
    PageId id = first + k;
    TxId allocated_by = 0;
    auto it = allocated_by_.find(id);
    if (it != allocated_by_.end()) allocated_by = it->second;
    pages.push_back({id, allocated_by});
  }
}

void Freelist::Release(TxId oldest_reader_txid) {
  std::vector<PageId> released;
  for (auto it = pending_.begin(); it != pending_.end() && it->first < oldest_reader_txid;) {
    for (const PendingPage& p : it->second) {
      released.push_back(p.id);
      allocated_by_.erase(p.id);
    }
    it = pending_.erase(it);
  }
  AddFree(std::move(released));
}

void Freelist::ReleaseRange(TxId begin, TxId end) {
  if (begin > end) return;
  std::vector<PageId> released;
  for (auto it = pending_.lower_bound(begin); it != pending_.end() && it->first <= end;) {
    auto& pages = it->second;
    auto keep = std::remove_if(pages.begin(), pages.end(), [&](const PendingPage& p) {
      if (p.allocated_by < begin || p.allocated_by > end) return false;
      released.push_back(p.id);
      allocated_by_.erase(p.id);
      return true;
    });
    pages.erase(keep, pages.end());
    it = pages.empty() ? pending_.erase(it) : std::next(it);
  }
  AddFree(std::move(released));
}

void Freelist::Rollback(TxId txid) {
  // Pages freed by txid are simply no longer pending: they were never freed.
  // Their allocating txids are unchanged, so put them back in allocated_by_.
  auto pit = pending_.find(txid);
  if (pit != pending_.end()) {
    for (const PendingPage& p : pit->second) {
      if (p.allocated_by != 0) allocated_by_[p.id] = p.allocated_by;
    }
    pending_.erase(pit);
  }
  auto lit = alloc_log_.find(txid);
  if (lit != alloc_log_.end()) {
    for (PageId id : lit->second) allocated_by_.erase(id);
    alloc_log_.erase(lit);
  }
  auto it = from_free_.find(txid);
  if (it == from_free_.end()) return;
  AddFree(std::move(it->second));
  from_free_.erase(it);
}

void Freelist::Committed(TxId txid) {
  from_free_.erase(txid);
  alloc_log_.erase(txid);
}

size_t Freelist::pending_count() const {
  size_t n = 0;
  for (const auto& [txid, pages] : pending_) n += pages.size();
  return n;
}

size_t Freelist::SerializedBytes() const {
  size_t n = count();
  if (n >= kFreelistCountOverflow) ++n;
  return kPageHeaderBytes + 8 * n;
}

std::vector<PageId> Freelist::AllIds() const {
  std::vector<PageId> all = free_;
  for (const auto& [txid, pages] : pending_) {
    for (const PendingPage& p : pages) all.push_back(p.id);
  }
  std::sort(all.begin(), all.end());
  return all;
}

void Freelist::Write(char* page) const {
  std::vector<PageId> all = AllIds();
  Store<uint16_t>(page + 8, kFreelistPage);
  char* ids = page + kPageHeaderBytes;
  if (all.size() < kFreelistCountOverflow) {
    Store<uint16_t>(page + 10, static_cast<uint16_t>(all.size()));
  } else {
    Store<uint16_t>(page + 10, kFreelistCountOverflow);
    Store<uint64_t>(ids, all.size());
    ids += 8;
  }
  if (!all.empty()) std::memcpy(ids, all.data(), 8 * all.size());
}

}  // namespace cairn::bolt

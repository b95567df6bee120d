// Freelist: the set of reusable pages plus pages freed by recent write
// transactions that open readers may still see ("pending").
//
// Contract: owned by the DB, touched only by the single writer (under the
// writer slot) and by DB::Open. A page allocated by write transaction A and
// freed by W is visible to snapshots A .. W-1; it waits in pending[W] until no
// open reader's txid lies in that window: Release(oldest_reader_txid) frees
// every W < oldest reader, ReleaseRange(b, e) frees pages whose whole window
// lies in a gap [b, e] between readers (both bbolt 1.3 rules; the second keeps
// a long-lived reader, e.g. a snapshot being sent, from pinning every page
// freed after it). Pages whose allocating txid is unknown (on disk at open)
// count as allocated at txid 0. On disk the list holds free and pending pages
// alike (after a restart no reader exists).
#pragma once

#include <cstdint>
#include <map>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "storage/bolt/format.h"

namespace cairn::bolt {

class Freelist {
 public:
  // Replaces the contents with the ids of a freelist page image (no pending).
  // Returns Corruption if the page does not fit in page_bytes_available.
  Status Read(const char* page, size_t page_bytes_available);
  void Reset(std::vector<PageId> free_ids);  // ids need not be sorted

  // Returns the first id of `count` contiguous free pages, or 0 if there is no
  // such run. Records the allocation for Rollback(txid).
  PageId Allocate(TxId txid, size_t count);
  // Records that txid allocated [first, first + count) (from the free list or
  // past the high-water mark), for ReleaseRange.
  void NoteAllocated(TxId txid, PageId first, size_t count);
  // Adds pages [first, first + 1 + overflow] to pending[txid]. REQUIRES first > 1.
  void Free(TxId txid, PageId first, uint32_t overflow);
  // Moves pending[t] with t < oldest_reader_txid to free (all pending when no reader).
  void Release(TxId oldest_reader_txid);
  // Frees pending pages freed by a txid in [begin, end] and allocated by a
  // txid in [begin, end]. REQUIRES: no open reader has a txid in [begin, end].
  void ReleaseRange(TxId begin, TxId end);
  // Undoes every Allocate/Free made by txid (a rolled back or failed commit).
  void Rollback(TxId txid);
  // Forgets the allocation log of a committed txid.
  void Committed(TxId txid);

  size_t free_count() const { return free_.size(); }
  size_t pending_count() const;
  size_t count() const { return free_count() + pending_count(); }
  // Bytes of the page image Write() produces.
  size_t SerializedBytes() const;
  // Writes the page image (header flags/count and the sorted ids of free and
  // pending pages) into page, which holds at least SerializedBytes(). Leaves
  // id and overflow to the caller.
  void Write(char* page) const;
  std::vector<PageId> AllIds() const;  // free and pending, sorted

 private:
  struct PendingPage {
    PageId id;
    TxId allocated_by;
  };
  void AddFree(std::vector<PageId> ids);

  std::vector<PageId> free_;  // sorted ascending
  std::map<TxId, std::vector<PendingPage>> pending_;
  std::map<TxId, std::vector<PageId>> from_free_;  // by txid, until commit/rollback
  std::map<TxId, std::vector<PageId>> alloc_log_;  // all pages allocated by txid, until commit/rollback
  std::unordered_map<PageId, TxId> allocated_by_;  // live pages allocated in this process
};

}  // namespace cairn::bolt

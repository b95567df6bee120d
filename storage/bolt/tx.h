// Tx: a read-only snapshot or the single read-write transaction of a DB.
//
// A read transaction sees the DB as of the last commit before it began, for
// its whole life, and is never blocked by the writer. One write transaction
// exists at a time (DB::Begin(true) waits). All views returned by a
// transaction's buckets and cursors are valid until Commit/Rollback/destruction.
// A Tx and its buckets are used by one thread at a time.
//
// Commit (docs/bolt_format.md "Commit order"), after rebalancing, splitting
// and writing nodes and the new freelist to fresh pages in memory:
//   0. extend the file if the high-water mark outgrew it (truncate, sparse)
//   1. write every dirty page (pwrite via io::File::WriteAt)
//   2. fdatasync
//   3. write the new meta (txid + 1) to meta page txid % 2
//   4. fdatasync
// Any failure rolls the transaction back and leaves no trace in memory; on
// disk only pages free in the previous meta's view may have been written.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "storage/bolt/arena.h"
#include "storage/bolt/bucket.h"
#include "storage/bolt/format.h"
#include "storage/bolt/mmap.h"
#include "storage/bolt/node.h"

namespace cairn::bolt {

class DB;

class Tx {
 public:
  ~Tx();  // rolls back if still open
  Tx(const Tx&) = delete;
  Tx& operator=(const Tx&) = delete;

  bool writable() const { return writable_; }
  // Snapshot txid for readers; the txid being written for the writer.
  TxId id() const { return meta_.txid; }
  // Bytes of the file this snapshot uses (high-water mark * page size).
  uint64_t size_bytes() const { return meta_.pgid * meta_.page_size; }
  DB* db() const { return db_; }

  // The root bucket; it holds only buckets.
  bolt::Bucket* Root() { return root_.get(); }
  bolt::Bucket* Bucket(std::string_view name) { return root_->Nested(name); }
  Status CreateBucket(std::string_view name, bolt::Bucket** out = nullptr) {
    return root_->CreateBucket(name, out);
  }
  Status CreateBucketIfNotExists(std::string_view name, bolt::Bucket** out = nullptr) {
    return root_->CreateBucketIfNotExists(name, out);
  }
  Status DeleteBucket(std::string_view name) { return root_->DeleteBucket(name); }

  Status Commit();
  Status Rollback();

  // Streams a complete, consistent bolt file of this snapshot to sink, as
  // bbolt's Tx.WriteTo does (etcd's snapshot): two meta pages describing this
  // transaction (meta 1 with txid - 1), then pages 2 .. high-water mark from
  // the mmap. sink receives chunks in order; its first error stops the copy.
  // REQUIRES: a read transaction (a writer's uncommitted pages are not in the
  // file). Writers may commit meanwhile: the snapshot's pages stay untouched.
  Status WriteTo(const std::function<Status(std::string_view chunk)>& sink) const;

  // Internal (bucket, node, cursor, check).
  Tx(DB* db, bool writable, const Meta& meta, std::shared_ptr<const Mmap> map);
  const Meta& meta() const { return meta_; }
  uint32_t page_size() const { return meta_.page_size; }
  PageView Page(PageId id) const;
  // A zeroed dirty buffer of `count` pages with id and overflow set.
  Status Allocate(size_t count, char** page);
  void FreePage(PageId id);  // the page and its overflow become pending
  Node* NewNode() { return &node_pool_.emplace_back(); }
  std::string_view Copy(std::string_view bytes) { return arena_.Copy(bytes); }
  char* AllocBytes(size_t n) { return arena_.AllocZeroed(n); }
  void Bury(std::unique_ptr<bolt::Bucket> bucket) { dead_buckets_.push_back(std::move(bucket)); }
  bool closed() const { return closed_; }
  const Mmap& mapping() const { return *map_; }

 private:
  Status WriteDirtyPages();
  Status WriteMeta();
  void Close(bool committed);

  DB* db_;
  bool writable_;
  bool closed_ = false;
  Meta meta_;
  std::shared_ptr<const Mmap> map_;
  std::unique_ptr<bolt::Bucket> root_;
  std::unordered_map<PageId, std::unique_ptr<char[]>> dirty_;
  std::deque<Node> node_pool_;
  Arena arena_;
  std::vector<std::unique_ptr<bolt::Bucket>> dead_buckets_;
};

}  // namespace cairn::bolt

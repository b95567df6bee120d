// DB: an mmap'd copy-on-write B+tree file in bbolt 1.3's format
// (docs/bolt_format.md). The public API of storage/bolt.
//
// Thread-safety: DB methods are thread-safe. Any number of read transactions
// run concurrently, each a consistent snapshot, never blocked by the single
// write transaction (Begin(true) waits while another writer is open).
// REQUIRES: every Tx is closed or destroyed before the DB is destroyed.
//
// Reads go through a shared read-only mmap of the file; writes go through
// io::File::WriteAt/Sync (pwrite + fdatasync). Pages freed by a commit are
// reused only once no open reader can still see them. The mapping grows by
// mapping a new, larger region; readers keep the mapping they began with
// until they close (see mmap.h), so no view they hold is invalidated.
//
// Bad bytes found while opening are a Status (Corruption); a page that is
// corrupt in a way only visible while walking the tree stops the process
// (like bbolt's panics). Check() reports such damage as a Status instead.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "base/status.h"
#include "storage/bolt/bucket.h"
#include "storage/bolt/cursor.h"
#include "storage/bolt/format.h"
#include "storage/bolt/freelist.h"
#include "storage/bolt/mmap.h"
#include "storage/bolt/tx.h"
#include "storage/io/file.h"

namespace cairn::bolt {

struct Options {
  // Minimum length of the first mapping (bbolt InitialMmapSize); 0: by file size.
  uint64_t initial_mmap_bytes = 0;
  // Skip fdatasync on commit. For tests and benchmarks only: not crash safe.
  bool no_sync = false;
  // Default per-bucket split threshold (bbolt DefaultFillPercent).
  double fill_percent = 0.5;
  // Page size for a new file; an existing file's own page size is used.
  uint32_t page_size = kDefaultPageSize;
  // Open an existing file read-only (tools, snapshot inspection): the file
  // must exist and Begin(true) fails with InvalidArgument.
  bool read_only = false;
};

struct DbStats {
  uint64_t file_bytes = 0;        // size of the file on disk
  uint64_t high_water_bytes = 0;  // high-water mark * page size (bbolt tx.Size())
  uint64_t in_use_bytes = 0;      // high_water_bytes - free_pages * page size (etcd's "size in use")
  uint32_t page_bytes = 0;
  TxId txid = 0;
  uint64_t free_pages = 0;      // allocatable now
  uint64_t pending_pages = 0;   // freed, waiting for older readers to close
  uint64_t freelist_pages = 0;  // the freelist page and its overflow
  uint64_t branch_pages = 0;
  uint64_t leaf_pages = 0;
  uint64_t overflow_pages = 0;  // extra pages of multi-page branch/leaf nodes
  uint64_t buckets = 0;         // all buckets, nested included
  uint64_t inline_buckets = 0;
  uint64_t keys = 0;
  // The page walk (branch/leaf/overflow/freelist pages, buckets, keys) ran.
  bool walked = false;
};

class DB {
 public:
  // Opens (creating when missing or empty) the file at path through env.
  static Status Open(io::Env* env, const std::string& path, const Options& options, std::unique_ptr<DB>* out);
  ~DB();
  DB(const DB&) = delete;
  DB& operator=(const DB&) = delete;

  // A read transaction begins at once. A write transaction waits for the
  // current writer to end: a thread that holds the writer must not ask again.
  Status Begin(bool writable, std::unique_ptr<Tx>* out);
  // Consistency check of the current snapshot: every page below the
  // high-water mark reachable exactly once or free, page types and element
  // bounds valid, keys strictly ascending in every bucket. Corruption on failure.
  Status Check();
  // Sizes, txid and freelist counts are O(1); walk_pages adds the per-page
  // counts, which read every page of the snapshot (O(file)).
  Status Stats(DbStats* out, bool walk_pages = true);

  const std::string& path() const { return path_; }
  uint32_t page_size() const { return page_size_; }
  const Options& options() const { return options_; }
  io::Env* env() const { return env_; }

 private:
  friend class Tx;
  DB(io::Env* env, std::string path, const Options& options)
      : env_(env), path_(std::move(path)), options_(options) {}
  Status Init();
  Status LoadMeta();
  Status LoadFreelist();
  // Maps a larger region when the committed high-water mark outgrew the
  // current mapping. REQUIRES mu_ held.
  Status EnsureMappedLocked();
  // Called by Tx when it ends. For the writer after a successful commit, `meta`
  // is the new committed meta.
  void EndRead(TxId txid);
  // Extends the file (sparse, by truncate) to hold needed_bytes plus room:
  // up to the mmap growth size below 16 MiB, else needed + 16 MiB (bbolt's
  // rule). Writer only. Durable with the commit's first fdatasync.
  Status GrowFile(uint64_t needed_bytes);
  void EndWrite(bool committed, const Meta& meta);

  io::Env* env_;
  std::string path_;
  Options options_;
  std::unique_ptr<io::File> file_;
  uint32_t page_size_ = kDefaultPageSize;

  std::mutex mu_;  // guards the fields below
  Meta meta_{};    // the last committed meta
  std::shared_ptr<const Mmap> map_;
  std::multiset<TxId> readers_;
  uint64_t free_pages_ = 0;
  uint64_t pending_pages_ = 0;
  int open_txs_ = 0;

  std::mutex writer_mu_;
  std::condition_variable writer_cv_;
  bool writer_active_ = false;  // guarded by writer_mu_
  Freelist freelist_;           // touched only by the active writer and Open
  uint64_t file_bytes_ = 0;     // file size as last set by Open/GrowFile; writer only
};

}  // namespace cairn::bolt

// Wal: Cairn's write-ahead log (format: docs/wal_format.md).
//
// The Raft loop calls Append once per Ready with that Ready's entries and
// hard state; Append returns once they are durable. Concurrent Append calls
// are group-committed: the first waiting caller becomes the leader, takes
// every queued batch (up to Options::group_bytes_max), writes them with ONE
// write and ONE fdatasync (pwrite+fdatasync, or io_uring linked SQEs for
// groups of Options::io_uring_min_group_bytes and more), and then tells each
// caller its status.
//
// Durability order of one group (each numbered step completes before the next):
//   1. if the group does not fit in the current segment: cut to the
//      preallocated next segment (header + state, fdatasync, rename, fsync dir);
//   2. write the group's records at the end of the log;
//   3. fdatasync;
//   4. return ok to the group's callers.
// After an I/O error the on-disk state is unknown (fsyncgate): that Append and
// every later one fail with the same error; reopen to recover.
//
// Use from the Raft loop (etcd-raft's Ready contract: persist before send):
//   Batch batch{.snapshot = ..., .entries = ready.entries, .hard_state = ready.hard_state};
//   CAIRN_RETURN_IF_ERROR(wal->Append(batch));  // durable now
//   ... then send messages, apply committed entries, Advance().
// On restart: Open, then Replay(snapshot_index + 1) yields the hard state and
// the entries to hand back to Raft; ReleaseBefore(snapshot_index + 1) after a
// snapshot is saved frees old segments.
//
// Thread-safety: Append, AppendAsync, last_index, stats and io_path may be
// called from any thread concurrently. Replay may run concurrently with
// appends (it reads only records already durable when it starts). ReleaseBefore must not run
// concurrently with Replay. Destroy only when no call is in flight.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/status.h"
#include "storage/io/file.h"
#include "storage/wal/format.h"
#include "storage/wal/io_backend.h"
#include "storage/wal/log_state.h"
#include "storage/wal/record.h"

namespace cairn::wal {

// Default Options::io_uring_min_group_bytes. //storage/wal:wal_bench
// BM_AppendPaired (kernel 6.18, ext4 on virtio) found pwrite+fdatasync faster
// at p50 than io_uring's linked write+fsync for every group size measured,
// 0.35 KB to 1.3 MB (by 12-19 us at 0.35-80 KB, i.e. ~10% of a ~120 us
// append), so every group a Raft Ready produces in practice takes that path;
// io_uring is kept only for groups of 1 MiB and more, where the two were
// within noise. Re-measure before lowering it.
inline constexpr uint64_t kDefaultIoUringMinGroupBytes = uint64_t{1} << 20;

struct Options {
  io::Env* env = io::DefaultEnv();
  // Size each segment is preallocated to; a segment is cut when the next
  // group would not fit. Tests use 64 KiB.
  uint64_t segment_bytes = kDefaultSegmentBytes;
  // false forces the pwrite+fdatasync path (e.g. to crash-test through FaultEnv).
  bool use_io_uring = true;
  // With io_uring available, groups (and segment heads) of fewer bytes than
  // this are still written with pwrite+fdatasync, which is faster at one
  // appender (io_uring runs every fdatasync on an io-wq worker thread: one
  // more hand-off; see io_backend.h). Same bytes, same durability order
  // (write, then fdatasync, both done before Append returns), same errors
  // (sticky IOError) either way. 0: every group through io_uring.
  uint64_t io_uring_min_group_bytes = kDefaultIoUringMinGroupBytes;
  // Preallocate the next segment on a background thread right after a cut;
  // false does it lazily on the cutting thread (deterministic crash steps).
  bool preallocate_in_background = true;
  // Bound on the bytes of one group commit (a single larger batch still goes alone).
  uint64_t group_bytes_max = uint64_t{16} << 20;
  // Receives one line per notable event (active I/O path, torn tail repaired).
  // nullptr: stderr. (A slow fdatasync is on_sync's to report.)
  std::function<void(std::string_view line)> log;
  // Observes the duration of every write+fdatasync (for
  // etcd_disk_wal_fsync_duration_seconds). Called on the leader's thread.
  std::function<void(std::chrono::nanoseconds)> on_sync;
};

// What Open cut off the end of the last segment.
struct TornTail {
  std::string path;
  uint64_t offset = 0;  // where the first invalid byte was
  uint64_t bytes = 0;   // from offset to the last non-zero byte
};

struct ReplayResult {
  std::optional<SnapshotMarker> snapshot;  // the newest marker
  std::optional<HardState> hard_state;     // the newest hard state
  std::vector<Entry> entries;              // the final log's entries with index >= from, ascending
  uint64_t last_index = 0;                 // the final log's last index
};

class Wal {
 public:
  // Opens (creating when missing) the WAL in `dir`, recovering as described
  // in docs/wal_format.md: a torn tail of the last segment is zeroed and
  // reported via torn_tail() and Options::log; mid-log corruption and
  // missing segments are Corruption naming the file and offset.
  static Status Open(const std::string& dir, Options options, std::unique_ptr<Wal>* out);
  ~Wal();
  Wal(const Wal&) = delete;
  Wal& operator=(const Wal&) = delete;

  // Returns after the batch is durable (see the durability order above).
  // InvalidArgument, writing nothing, when an entry would leave a gap in
  // the log or exceeds kPayloadBytesMax; an entry with index <= last_index() overwrites the log from
  // that index on (Raft conflict resolution).
  Status Append(const Batch& batch);

  // Like Append, but returns at once; `on_durable` is called with the
  // batch's status once it is durable (or failed), on the WAL's committer
  // thread or on another appender's thread, in the order of the Append and
  // AppendAsync calls. Batches queued by both are group-committed together.
  // REQUIRES: on_durable is quick and does not call Append (it may call
  // AppendAsync). Destroying the Wal waits for queued async batches.
  void AppendAsync(Batch batch, std::function<void(Status)> on_durable);

  // The log as of the last durable append, with entries >= from_index.
  // NotFound when entries at from_index were released.
  Status Replay(uint64_t from_index, ReplayResult* out) const;

  // Deletes whole segments none of whose records replay from `index` needs
  // (call with the snapshot index + 1 or lower). The newest segment is kept.
  Status ReleaseBefore(uint64_t index);

  IoPath io_path() const { return backend_->path(); }
  uint64_t last_index() const;

  // Totals since Open, for metrics (etcd_disk_wal_write_bytes_total).
  struct Stats {
    uint64_t batches = 0;  // Append calls made durable
    uint64_t groups = 0;   // write+fdatasync pairs that carried them
    uint64_t bytes = 0;    // record bytes written by those groups
    // write+fdatasync pairs (groups and segment heads) that went through
    // io_uring; the others used pwrite+fdatasync.
    uint64_t io_uring_writes = 0;
  };
  Stats stats() const;
  const std::optional<TornTail>& torn_tail() const { return torn_tail_; }
  // Segment file names in log order (for tests and tools).
  std::vector<std::string> segment_files() const;

 private:
  struct Segment {
    uint64_t seq;
    uint64_t first_index;
    std::string path;
    uint64_t end_offset;  // just past the last durable record
  };
  struct Writer;
  struct Prepared {
    Status status;
    std::unique_ptr<io::File> file;
  };

  Wal(std::string dir, Options options);
  Status Recover();
  Status RecoverSegment(size_t i, LogState* state);
  void Log(const std::string& line) const;
  void StartPreparingNext();
  // Creates segment (seq, first_index) from the prepared tmp file, starting
  // with `state`'s hard state and snapshot marker; makes it current.
  Status CreateSegment(uint64_t seq, uint64_t first_index, const LogState& state);
  // Steps 1-3 of the durability order for the valid batches of `group`.
  // Takes the queued writers from the front (REQUIRES: lock held, no other
  // leader), makes their batches durable and tells them; returns with the
  // lock held.
  void LeadGroup(std::unique_lock<std::mutex>& lock);
  void CommitterLoop();
  Status WriteGroup(const LogState& before, const std::vector<Writer*>& group, uint64_t group_bytes);

  const std::string dir_;
  const Options options_;
  std::unique_ptr<IoBackend> backend_;
  std::optional<TornTail> torn_tail_;

  mutable std::mutex mu_;
  std::deque<Writer*> writers_;  // queued Append/AppendAsync calls, oldest first
  bool leader_active_ = false;   // a thread is committing a group taken from writers_
  bool stopping_ = false;
  std::condition_variable committer_cv_;
  std::thread committer_;  // started by the first AppendAsync
  std::vector<Segment> segments_;
  LogState state_{0, LogState::kCollectNone};  // as of the last durable group
  Status failed_;                              // sticky I/O error
  Stats stats_;
  uint64_t io_uring_writes_ = 0;  // backend_->io_uring_writes() after the last group

  // Owned by the current group leader (or Open).
  std::unique_ptr<io::File> current_;  // segments_.back()
  uint64_t tail_offset_ = 0;           // where the next group goes in current_
  uint16_t next_group_ = 0;            // number of the next group commit (mod 2^16)
  std::future<Prepared> next_;         // segment.tmp being preallocated
  std::vector<std::byte> buffer_;
};

}  // namespace cairn::wal

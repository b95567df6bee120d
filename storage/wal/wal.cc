#include "storage/wal/wal.h"

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <map>

#include "storage/wal/segment.h"

namespace cairn::wal {
namespace {

// A segment holding no more than its header and the copied state records is
// "fresh": a group that does not fit goes into it anyway (and extends it)
// instead of cutting again.
constexpr uint64_t kFreshSegmentBytesMax = sizeof(SegmentHeader) + RecordBytes(sizeof(HardStatePayload)) +
                                           RecordBytes(sizeof(SnapshotMarkerPayload));

Status ReadWhole(io::Env* env, const std::string& path, uint64_t limit_bytes, std::vector<std::byte>* out) {
  std::unique_ptr<io::File> file;
  CAIRN_RETURN_IF_ERROR(env->Open(path, io::OpenMode::kReadOnly, &file));
  uint64_t size = 0;
  CAIRN_RETURN_IF_ERROR(file->Size(&size));
  out->resize(std::min(size, limit_bytes));
  return file->ReadAt(0, *out);
}

}  // namespace

struct Wal::Writer {
  const Batch* batch = nullptr;
  Status status;
  // Synchronous writers wait on cv until done.
  bool done = false;
  std::condition_variable cv;
  // Asynchronous writers own their batch and are told through on_durable.
  std::unique_ptr<Batch> owned;
  std::function<void(Status)> on_durable;
};

Wal::Wal(std::string dir, Options options) : dir_(std::move(dir)), options_(std::move(options)) {}

Wal::~Wal() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  committer_cv_.notify_one();
  if (committer_.joinable()) committer_.join();  // after the queued async batches are done
  // Let a background preallocation finish (it uses this Env); a deferred one never ran.
  if (next_.valid() && next_.wait_for(std::chrono::seconds(0)) != std::future_status::deferred) next_.wait();
}

void Wal::Log(const std::string& line) const {
  if (options_.log) {
    options_.log(line);
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
}

Status Wal::Open(const std::string& dir, Options options, std::unique_ptr<Wal>* out) {
  if (options.env == nullptr) return Status::InvalidArgument("wal::Options::env is null");
  if (options.segment_bytes < 4096) return Status::InvalidArgument("wal::Options::segment_bytes below 4096");
  std::unique_ptr<Wal> wal(new Wal(dir, std::move(options)));
  CAIRN_RETURN_IF_ERROR(wal->Recover());
  *out = std::move(wal);
  return Status::Ok();
}

Status Wal::Recover() {
  io::Env* env = options_.env;
  CAIRN_RETURN_IF_ERROR(env->CreateDir(dir_));

  if (options_.use_io_uring) {
    Status s = NewIoUringBackend(&backend_, options_.io_uring_min_group_bytes);
    if (!s.ok()) Log("WAL " + dir_ + ": io_uring unavailable (" + s.message() + "), falling back");
  }
  if (backend_ == nullptr) backend_ = NewPwriteBackend();
  if (backend_->path() == IoPath::kIoUring && options_.io_uring_min_group_bytes > 0) {
    Log("WAL " + dir_ + ": using io_uring for groups of " +
        std::to_string(options_.io_uring_min_group_bytes) +
        " bytes or more, pwrite+fdatasync for smaller ones");
  } else {
    Log("WAL " + dir_ + ": using " + std::string(IoPathName(backend_->path())) + " for write+fdatasync");
  }

  std::vector<std::string> names;
  CAIRN_RETURN_IF_ERROR(env->ListDir(dir_, &names));
  std::map<uint64_t, Segment> by_seq;
  for (const std::string& name : names) {
    if (name == kTmpSegmentName) {
      CAIRN_RETURN_IF_ERROR(env->Remove(dir_ + "/" + name));  // an unfinished cut; not part of the log
      continue;
    }
    uint64_t seq = 0;
    uint64_t first_index = 0;
    if (!ParseSegmentFileName(name, &seq, &first_index)) continue;
    by_seq[seq] = Segment{seq, first_index, dir_ + "/" + name, 0};
  }

  if (by_seq.empty()) {
    StartPreparingNext();
    CAIRN_RETURN_IF_ERROR(CreateSegment(0, 1, LogState(0, LogState::kCollectNone)));
    // A new WAL directory itself must survive a crash too.
    const size_t slash = dir_.find_last_of('/');
    return env->SyncDir(slash == std::string::npos ? "." : slash == 0 ? "/" : dir_.substr(0, slash));
  }

  for (auto& [seq, segment] : by_seq) {
    if (!segments_.empty() && seq != segments_.back().seq + 1) {
      return SegmentCorruption(segment.path, 0,
                               "missing WAL segment(s) with sequence numbers " +
                                   std::to_string(segments_.back().seq + 1) + " to " +
                                   std::to_string(seq - 1) + " before this one");
    }
    segments_.push_back(segment);
  }
  LogState state(segments_.front().first_index - 1, LogState::kCollectNone);
  for (size_t i = 0; i < segments_.size(); ++i) CAIRN_RETURN_IF_ERROR(RecoverSegment(i, &state));
  state_ = state;

  CAIRN_RETURN_IF_ERROR(env->Open(segments_.back().path, io::OpenMode::kReadWrite, &current_));
  tail_offset_ = segments_.back().end_offset;
  if (torn_tail_) {
    // Zero the torn bytes so the next append starts on a clean end of log.
    std::vector<std::byte> zeros(torn_tail_->bytes);
    CAIRN_RETURN_IF_ERROR(current_->WriteAt(torn_tail_->offset, zeros));
    CAIRN_RETURN_IF_ERROR(current_->Sync());
  }
  StartPreparingNext();
  return Status::Ok();
}

Status Wal::RecoverSegment(size_t i, LogState* state) {
  Segment& segment = segments_[i];
  const bool last = i + 1 == segments_.size();
  if (segment.first_index != state->last_index() + 1) {
    return SegmentCorruption(segment.path, 0,
                             "first index " + std::to_string(segment.first_index) +
                                 " does not follow the previous segment's last index " +
                                 std::to_string(state->last_index()) + " (missing segment?)");
  }
  std::vector<std::byte> bytes;
  CAIRN_RETURN_IF_ERROR(ReadWhole(options_.env, segment.path, UINT64_MAX, &bytes));
  uint16_t first_group = 0;
  CAIRN_RETURN_IF_ERROR(
      CheckSegmentHeader(bytes, segment.path, segment.seq, segment.first_index, &first_group));
  SegmentScan scan;
  CAIRN_RETURN_IF_ERROR(ScanSegment(
      bytes, segment.path, first_group, /*allow_torn_tail=*/last,
      [&](DecodedRecord& record, uint64_t offset) {
        Status s = state->Apply(record);
        return s.ok() ? s : SegmentCorruption(segment.path, offset, s.message());
      },
      &scan));
  segment.end_offset = scan.end_offset;
  next_group_ = scan.next_group;
  if (scan.torn_bytes > 0) {
    torn_tail_ = TornTail{segment.path, scan.end_offset, scan.torn_bytes};
    Log("WAL " + segment.path + ": discarding torn tail of " + std::to_string(scan.torn_bytes) +
        " bytes at offset " + std::to_string(scan.end_offset) + " (an append interrupted by a crash)");
  }
  return Status::Ok();
}

void Wal::StartPreparingNext() {
  io::Env* env = options_.env;
  const std::string path = dir_ + "/" + kTmpSegmentName;
  const uint64_t segment_bytes = options_.segment_bytes;
  auto prepare = [env, path, segment_bytes]() {
    Prepared prepared;
    prepared.status = env->Open(path, io::OpenMode::kCreateReadWrite, &prepared.file);
    if (prepared.status.ok()) prepared.status = prepared.file->Truncate(0);
    if (prepared.status.ok()) prepared.status = prepared.file->Allocate(segment_bytes, /*keep_size=*/false);
    return prepared;
  };
  next_ =
      std::async(options_.preallocate_in_background ? std::launch::async : std::launch::deferred, prepare);
}

Status Wal::CreateSegment(uint64_t seq, uint64_t first_index, const LogState& state) {
  // Steps: 1. header + state into the preallocated tmp file, fdatasync;
  // 2. rename to the final name; 3. fsync the directory; 4. switch to it.
  // A crash before 2 leaves only segment.tmp, which Open deletes.
  Prepared prepared = next_.get();
  if (!prepared.status.ok()) {
    // The background preallocation failed (e.g. ENOSPC then): try once more now.
    Log("WAL " + dir_ + ": preallocating the next segment failed (" + prepared.status.ToString() +
        "), retrying");
    prepared.file.reset();
    StartPreparingNext();
    if (next_.valid()) prepared = next_.get();
    CAIRN_RETURN_IF_ERROR(prepared.status);
  }
  std::vector<std::byte> head;
  EncodeSegmentHeader(seq, first_index, next_group_, &head);
  if (state.hard_state() || state.snapshot()) {
    // The copied state is a group of its own.
    GroupEncoder encoder(next_group_++, &head);
    if (state.hard_state()) encoder.AddHardState(*state.hard_state());
    if (state.snapshot()) encoder.AddSnapshotMarker(*state.snapshot());
    encoder.Finish();
  }
  assert(head.size() <= kFreshSegmentBytesMax);
  CAIRN_RETURN_IF_ERROR(backend_->WriteAndSync(*prepared.file, 0, head));
  const std::string path = dir_ + "/" + SegmentFileName(seq, first_index);
  CAIRN_RETURN_IF_ERROR(options_.env->Rename(dir_ + "/" + kTmpSegmentName, path));
  CAIRN_RETURN_IF_ERROR(options_.env->SyncDir(dir_));
  // Reopen by the final name so errors (and FaultEnv's crash bookkeeping)
  // name the segment, not segment.tmp.
  prepared.file.reset();
  CAIRN_RETURN_IF_ERROR(options_.env->Open(path, io::OpenMode::kReadWrite, &current_));
  tail_offset_ = head.size();
  {
    std::lock_guard lock(mu_);
    segments_.push_back(Segment{seq, first_index, path, tail_offset_});
  }
  StartPreparingNext();
  return Status::Ok();
}

Status Wal::WriteGroup(const LogState& before, const std::vector<Writer*>& group, uint64_t group_bytes) {
  if (tail_offset_ + group_bytes > options_.segment_bytes && tail_offset_ > kFreshSegmentBytesMax) {
    uint64_t seq;
    {
      std::lock_guard lock(mu_);
      seq = segments_.back().seq + 1;
    }
    CAIRN_RETURN_IF_ERROR(CreateSegment(seq, before.last_index() + 1, before));
  }
  // Encoded after a cut, which numbers its own group.
  buffer_.clear();
  buffer_.reserve(group_bytes);
  GroupEncoder encoder(next_group_++, &buffer_);
  for (Writer* writer : group) {
    if (writer->status.ok()) encoder.AddBatch(*writer->batch);
  }
  encoder.Finish();
  assert(buffer_.size() == group_bytes);
  const auto start = std::chrono::steady_clock::now();
  Status written = backend_->WriteAndSync(*current_, tail_offset_, buffer_);
  const auto took =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start);
  {
    std::lock_guard lock(mu_);
    io_uring_writes_ = backend_->io_uring_writes();
  }
  CAIRN_RETURN_IF_ERROR(written);
  if (options_.on_sync) options_.on_sync(took);
  tail_offset_ += buffer_.size();
  if (buffer_.capacity() > 2 * options_.group_bytes_max)
    std::vector<std::byte>().swap(buffer_);  // one huge batch
  return Status::Ok();
}

Status Wal::Append(const Batch& batch) {
  Writer self;
  self.batch = &batch;
  std::unique_lock lock(mu_);
  writers_.push_back(&self);
  self.cv.wait(lock, [&] { return self.done || (writers_.front() == &self && !leader_active_); });
  if (!self.done) LeadGroup(lock);
  assert(self.done);
  return self.status;
}

void Wal::AppendAsync(Batch batch, std::function<void(Status)> on_durable) {
  auto* writer = new Writer;
  writer->owned = std::make_unique<Batch>(std::move(batch));
  writer->batch = writer->owned.get();
  writer->on_durable = std::move(on_durable);
  std::lock_guard lock(mu_);
  if (!committer_.joinable()) committer_ = std::thread([this] { CommitterLoop(); });
  writers_.push_back(writer);
  if (writers_.front() == writer && !leader_active_) committer_cv_.notify_one();
}

void Wal::CommitterLoop() {
  std::unique_lock lock(mu_);
  for (;;) {
    committer_cv_.wait(lock, [&] {
      return stopping_ || (!writers_.empty() && !leader_active_ && writers_.front()->on_durable);
    });
    if (!writers_.empty() && !leader_active_ && writers_.front()->on_durable) {
      LeadGroup(lock);
    } else if (stopping_) {
      return;
    }
  }
}

void Wal::LeadGroup(std::unique_lock<std::mutex>& lock) {
  assert(lock.owns_lock() && !leader_active_ && !writers_.empty());
  leader_active_ = true;
  // Validate every queued batch in order against the log as it will be
  // after the batches before it.
  std::vector<Writer*> group;
  LogState before = state_;
  LogState after = state_;
  uint64_t group_bytes = 0;
  for (Writer* writer : writers_) {
    const uint64_t bytes = EncodedBytes(*writer->batch);
    if (!group.empty() && group_bytes + bytes > options_.group_bytes_max) break;
    group.push_back(writer);
    writer->status = failed_.ok() ? after.ApplyBatch(*writer->batch) : failed_;
    if (writer->status.ok()) group_bytes += bytes;
  }
  const Status failed = failed_;
  lock.unlock();

  Status io = failed;
  if (failed.ok() && group_bytes > 0) io = WriteGroup(before, group, group_bytes);

  lock.lock();
  if (io.ok()) {
    state_ = after;
    segments_.back().end_offset = tail_offset_;
    if (group_bytes > 0) {
      stats_.groups += 1;
      stats_.bytes += group_bytes;
    }
    for (Writer* writer : group) stats_.batches += writer->status.ok() ? 1 : 0;
  } else if (failed_.ok()) {
    failed_ = io;
    Log("WAL " + dir_ + ": append failed, refusing further appends: " + io.ToString());
  }
  std::vector<Writer*> async_done;
  for (Writer* writer : group) {
    assert(writers_.front() == writer);
    writers_.pop_front();
    if (writer->status.ok()) writer->status = io;
    if (writer->on_durable) {
      async_done.push_back(writer);
    } else {
      writer->done = true;
      writer->cv.notify_one();
    }
  }
  if (!async_done.empty()) {
    // Still the leader: callbacks of one group run before the next group
    // starts, so they are called in Append order.
    lock.unlock();
    for (Writer* writer : async_done) {
      writer->on_durable(writer->status);
      delete writer;
    }
    lock.lock();
  }
  leader_active_ = false;
  if (writers_.empty()) return;
  if (writers_.front()->on_durable) {
    committer_cv_.notify_one();
  } else {
    writers_.front()->cv.notify_one();
  }
}

Status Wal::Replay(uint64_t from_index, ReplayResult* out) const {
  std::vector<Segment> segments;
  {
    std::lock_guard lock(mu_);
    segments = segments_;
  }
  assert(!segments.empty());
  if (from_index < segments.front().first_index && segments.front().seq != 0) {
    return Status::NotFound("WAL entries before index " + std::to_string(segments.front().first_index) +
                            " were released; cannot replay from " + std::to_string(from_index));
  }
  size_t start = 0;
  while (start + 1 < segments.size() && segments[start + 1].first_index <= from_index) ++start;

  LogState state(segments[start].first_index - 1, from_index);
  std::vector<std::byte> bytes;
  for (size_t i = start; i < segments.size(); ++i) {
    const Segment& segment = segments[i];
    CAIRN_RETURN_IF_ERROR(ReadWhole(options_.env, segment.path, segment.end_offset, &bytes));
    uint16_t first_group = 0;
    CAIRN_RETURN_IF_ERROR(
        CheckSegmentHeader(bytes, segment.path, segment.seq, segment.first_index, &first_group));
    SegmentScan scan;
    CAIRN_RETURN_IF_ERROR(ScanSegment(
        bytes, segment.path, first_group, /*allow_torn_tail=*/false,
        [&](DecodedRecord& record, uint64_t offset) {
          Status s = state.Apply(record);
          return s.ok() ? s : SegmentCorruption(segment.path, offset, s.message());
        },
        &scan));
    if (scan.end_offset != segment.end_offset) {
      return SegmentCorruption(segment.path, scan.end_offset, "records changed since the WAL was opened");
    }
  }
  out->snapshot = state.snapshot();
  out->hard_state = state.hard_state();
  out->entries = std::move(state.entries());
  out->last_index = state.last_index();
  return Status::Ok();
}

Status Wal::ReleaseBefore(uint64_t index) {
  std::vector<std::string> doomed;
  {
    std::lock_guard lock(mu_);
    size_t keep_from = 0;
    while (keep_from + 1 < segments_.size() && segments_[keep_from + 1].first_index <= index) ++keep_from;
    for (size_t i = 0; i < keep_from; ++i) doomed.push_back(segments_[i].path);
    segments_.erase(segments_.begin(), segments_.begin() + static_cast<std::ptrdiff_t>(keep_from));
  }
  if (doomed.empty()) return Status::Ok();
  // Oldest first: a crash midway leaves a contiguous suffix of segments.
  for (const std::string& path : doomed) CAIRN_RETURN_IF_ERROR(options_.env->Remove(path));
  return options_.env->SyncDir(dir_);
}

Wal::Stats Wal::stats() const {
  std::lock_guard lock(mu_);
  Stats stats = stats_;
  stats.io_uring_writes = io_uring_writes_;
  return stats;
}

uint64_t Wal::last_index() const {
  std::lock_guard lock(mu_);
  return state_.last_index();
}

std::vector<std::string> Wal::segment_files() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> names;
  for (const Segment& segment : segments_) names.push_back(segment.path.substr(dir_.size() + 1));
  return names;
}

}  // namespace cairn::wal

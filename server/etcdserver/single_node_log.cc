#include "server/etcdserver/single_node_log.h"

#include <cstdio>
#include <cstdlib>

namespace cairn::etcdserver {

SingleNodeLog::SingleNodeLog(wal::Wal* wal, Options options) : wal_(wal), options_(std::move(options)) {}

SingleNodeLog::~SingleNodeLog() { Stop(); }

Status SingleNodeLog::Start(Applier* applier, uint64_t applied_index) {
  applier_ = applier;
  wal::ReplayResult replay;
  CAIRN_RETURN_IF_ERROR(wal_->Replay(applied_index + 1, &replay));
  const bool wal_empty = replay.last_index == 0 && !replay.hard_state && !replay.snapshot;
  if (replay.last_index < applied_index && wal_empty) {
    // A backend restored from a snapshot (or a db kept while the WAL was removed): the log starts
    // right after what the backend holds, as Raft's log starts after a snapshot.
    wal::Batch marker;
    marker.snapshot = wal::SnapshotMarker{applied_index, 1};
    marker.hard_state = wal::HardState{1, options_.member_id, applied_index};
    CAIRN_RETURN_IF_ERROR(wal_->Append(marker));
    replay.last_index = applied_index;
    replay.hard_state = marker.hard_state;
  }
  if (replay.last_index < applied_index) {
    return Status::Corruption("the backend has applied index " + std::to_string(applied_index) +
                              " but the WAL ends at index " + std::to_string(replay.last_index) +
                              "; the WAL directory does not belong to this data directory");
  }
  uint64_t term = replay.hard_state ? replay.hard_state->term : 0;
  for (const wal::Entry& e : replay.entries) term = std::max(term, e.term);
  // Re-apply committed entries above the backend's consistent index (contract step 2).
  for (const wal::Entry& e : replay.entries) {
    applier_->Apply(LogEntry{e.index, e.term, e.data});
  }
  // A fresh member becomes leader at term 2 as etcd's does (term 1 is its first election's
  // candidate term); a restarted one at the next term.
  term_ = std::max<uint64_t>(term + 1, 2);
  {
    std::lock_guard<std::mutex> lock(mu_);
    last_index_ = replay.last_index;
    applied_index_ = replay.last_index;
    started_ = true;
  }
  // Record the new term durably before accepting proposals.
  wal::Batch batch;
  batch.hard_state = wal::HardState{term_, options_.member_id, replay.last_index};
  CAIRN_RETURN_IF_ERROR(wal_->Append(batch));
  log_thread_ = std::thread([this] { LogLoop(); });
  apply_thread_ = std::thread([this] { ApplyLoop(); });
  return Status::Ok();
}

void SingleNodeLog::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  propose_cv_.notify_all();
  apply_cv_.notify_all();
  applied_cv_.notify_all();
  if (log_thread_.joinable()) log_thread_.join();
  if (apply_thread_.joinable()) apply_thread_.join();
}

Status SingleNodeLog::Propose(std::string data) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!started_ || stopping_) return Status::Unavailable("etcdserver: server stopped");
  proposals_.push_back(std::move(data));
  propose_cv_.notify_one();
  return Status::Ok();
}

void SingleNodeLog::LogLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    propose_cv_.wait(lock, [this] { return stopping_ || !proposals_.empty(); });
    if (proposals_.empty()) break;  // stopping with nothing queued
    // Step 1: take the queued proposals, assign indexes.
    wal::Batch batch;
    uint64_t index = last_index_;
    while (!proposals_.empty() && batch.entries.size() < options_.batch_entries_max) {
      ++index;
      batch.entries.push_back(wal::Entry{index, term_, std::move(proposals_.front())});
      proposals_.pop_front();
    }
    batch.hard_state = wal::HardState{term_, options_.member_id, index};
    lock.unlock();
    // Step 2: one write + one fdatasync.
    auto t0 = std::chrono::steady_clock::now();
    Status st = wal_->Append(batch);
    if (!st.ok()) {
      if (options_.fatal) {
        options_.fatal(st);
      } else {
        std::fprintf(stderr, "cairn: WAL append failed: %s\n", st.ToString().c_str());
      }
      std::abort();
    }
    if (options_.on_batch) options_.on_batch(std::chrono::steady_clock::now() - t0, batch.entries.size());
    // The WAL is done with the batch: its bytes move on to the apply thread (no copy per entry).
    std::vector<LogEntry> entries;
    entries.reserve(batch.entries.size());
    for (wal::Entry& e : batch.entries) entries.push_back(LogEntry{e.index, e.term, std::move(e.data)});
    lock.lock();
    // Step 3: hand over to the apply thread.
    last_index_ = index;
    ++batches_;
    committed_.push_back(std::move(entries));
    apply_cv_.notify_one();
  }
  log_done_ = true;
  apply_cv_.notify_all();
}

void SingleNodeLog::ApplyLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    apply_cv_.wait(lock, [this] { return log_done_ || !committed_.empty(); });
    if (committed_.empty()) break;  // the log thread is done and everything is applied
    std::vector<LogEntry> entries = std::move(committed_.front());
    committed_.pop_front();
    lock.unlock();
    for (const LogEntry& e : entries) applier_->Apply(e);
    // applied_index advances once per batch: one lock and one wake-up of the readers waiting in
    // WaitApplied per batch instead of per entry.
    lock.lock();
    applied_index_ = entries.back().index;
    applied_cv_.notify_all();
  }
}

uint64_t SingleNodeLog::committed_index() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_index_;
}

uint64_t SingleNodeLog::applied_index() const {
  std::lock_guard<std::mutex> lock(mu_);
  return applied_index_;
}

bool SingleNodeLog::WaitApplied(uint64_t index, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return applied_cv_.wait_for(lock, timeout, [&] { return applied_index_ >= index || log_done_; }) &&
         applied_index_ >= index;
}

LeaderInfo SingleNodeLog::leader() const {
  std::lock_guard<std::mutex> lock(mu_);
  return LeaderInfo{started_ && !stopping_ ? options_.member_id : 0, term_};
}

uint64_t SingleNodeLog::batches_appended() const {
  std::lock_guard<std::mutex> lock(mu_);
  return batches_;
}

}  // namespace cairn::etcdserver

#include "server/etcdserver/auto_compaction.h"

#include "server/etcdserver/errors.h"

namespace cairn::etcdserver {

AutoCompaction::AutoCompaction(EtcdServer* server, std::unique_ptr<mvcc::AutoCompactor> policy,
                               std::function<void(const std::string&, int64_t, const Status&)> log_line)
    : server_(server), policy_(std::move(policy)), log_line_(std::move(log_line)) {}

AutoCompaction::~AutoCompaction() { Stop(); }

void AutoCompaction::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void AutoCompaction::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void AutoCompaction::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, policy_->interval());
    if (stopping_) break;
    lock.unlock();
    auto now = std::chrono::steady_clock::now();
    std::optional<mvcc::Revision> rev = policy_->OnTimer(now, server_->kv()->current_revision());
    if (rev) {
      if (log_line_) log_line_("starting", *rev, Status::Ok());
      etcdserverpb::CompactionRequest req;
      req.set_revision(*rev);
      etcdserverpb::CompactionResponse resp;
      Status st = server_->Compact(req, &resp);
      bool ok = st.ok() || st.message() == kErrCompacted;
      policy_->OnCompacted(std::chrono::steady_clock::now(), *rev, ok);
      if (log_line_) log_line_(ok ? "completed" : "failed", *rev, st);
    }
    lock.lock();
  }
}

}  // namespace cairn::etcdserver

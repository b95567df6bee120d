// AutoCompaction: runs an mvcc::AutoCompactor policy (--auto-compaction-mode periodic|revision,
// --auto-compaction-retention) against the server: a timer thread asks the policy every
// interval() and proposes Compact(rev) through the log like a client's compaction (etcd
// v3compactor). "required revision has been compacted" counts as success, as in etcd.
//
// Thread-safety: Start/Stop from one thread; the policy is used only by the timer thread.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "server/etcdserver/server.h"
#include "storage/mvcc/compactor.h"

namespace cairn::etcdserver {

class AutoCompaction {
 public:
  // `log_line(phase, rev, status)` reports each attempt; phase is "starting", "completed" or
  // "failed" (the caller words etcd's "starting auto periodic compaction" etc.).
  AutoCompaction(EtcdServer* server, std::unique_ptr<mvcc::AutoCompactor> policy,
                 std::function<void(const std::string& msg, int64_t rev, const Status& st)> log_line);
  ~AutoCompaction();
  void Start();
  void Stop();

 private:
  void Loop();
  EtcdServer* const server_;
  std::unique_ptr<mvcc::AutoCompactor> policy_;
  std::function<void(const std::string&, int64_t, const Status&)> log_line_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace cairn::etcdserver

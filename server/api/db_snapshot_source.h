// DbSnapshotSource: what the leader streams to a member that needs a snapshot: a consistent copy
// of the bolt db (EtcdServer::SnapshotToFile, every applied entry included), written to a
// temporary file in the snap dir and unlinked as soon as it is open, so an aborted transfer leaves
// nothing behind. The copy covers at least the Raft snapshot's index; the receiver skips the
// entries up to the copy's consistent index (bootstrap.h).
// Thread-safety: Open may run on several sender threads at once.
#pragma once

#include <unistd.h>

#include <atomic>
#include <string>

#include "raft/transport/snapshot_source.h"
#include "server/etcdserver/server.h"

namespace cairn::api {

class DbSnapshotSource final : public raft::transport::SnapshotSource {
 public:
  DbSnapshotSource(const std::atomic<etcdserver::EtcdServer*>* server, std::string dir)
      : server_(server), dir_(std::move(dir)) {}

  Status Open(const raft::Message& msg, std::unique_ptr<raft::transport::SnapshotReader>* out) override {
    etcdserver::EtcdServer* s = server_->load();
    if (s == nullptr) return Status::Unavailable("server not started");
    const std::string path = dir_ + "/.send-" + std::to_string(msg.to) + "-" +
                             std::to_string(next_.fetch_add(1)) + ".db.tmp";
    Status st = s->SnapshotToFile(path);
    if (st.ok()) st = raft::transport::NewFileSnapshotReader(path, out);
    ::unlink(path.c_str());
    return st;
  }

 private:
  const std::atomic<etcdserver::EtcdServer*>* server_;
  const std::string dir_;
  std::atomic<uint64_t> next_{0};
};

}  // namespace cairn::api

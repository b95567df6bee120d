// NodeHandler: connects a GrpcTransport's receiving side and reports to a
// node driver. A received snapshot file is either read back into the kSnap
// message (kReadFile: the in-memory application of tests keeps its state in
// snapshot data) or passed on by name (kPassPath: the message's snapshot data
// is the file's path; the server installs the bolt db from there).
//
// Thread-safety: all methods thread-safe; the node may be attached (and
// detached with nullptr) at any time — messages arriving meanwhile are dropped.
#pragma once

#include <mutex>
#include <string>

#include "raft/node/node.h"
#include "raft/transport/handler.h"

namespace cairn::raft::transport {

class NodeHandler final : public PeerHandler {
 public:
  enum class SnapshotData { kReadFile, kPassPath };
  explicit NodeHandler(SnapshotData mode = SnapshotData::kReadFile) : mode_(mode) {}
  void Attach(node::Node* node);

  Status Receive(Message m) override;
  Status ReceiveSnapshot(Message m, const std::string& path) override;
  void ReportUnreachable(NodeId peer) override;
  void ReportSnapshot(NodeId peer, bool failed) override;

 private:
  const SnapshotData mode_;
  std::mutex mu_;  // held while calling the node, so Attach(nullptr) waits for calls in progress
  node::Node* node_ = nullptr;
};

}  // namespace cairn::raft::transport

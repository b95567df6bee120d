// PeerHandler: what the transport calls into (the node driver, through
// node_handler.h, or a test). All methods may be called from any transport
// thread, concurrently; they must not block for long.
#pragma once

#include <string>

#include "base/status.h"
#include "raft/types.h"

namespace cairn::raft::transport {

class PeerHandler {
 public:
  virtual ~PeerHandler() = default;
  // A message decoded from a peer stream (never kSnap).
  virtual Status Receive(Message m) = 0;
  // A kSnap message whose snapshot data (m.snapshot.data is empty) was
  // received into the file at `path`, already fsynced and renamed into place.
  virtual Status ReceiveSnapshot(Message m, const std::string& path) = 0;
  // Sender side: a message to `peer` was dropped (queue full, stream broken).
  virtual void ReportUnreachable(NodeId peer) = 0;
  // Sender side: the outcome of a snapshot transfer to `peer`.
  virtual void ReportSnapshot(NodeId peer, bool failed) = 0;
};

}  // namespace cairn::raft::transport

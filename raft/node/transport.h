// Transport: how the node driver hands outgoing messages to the network.
//
// Contract: Send never blocks on the network (it queues, drops on overflow and
// then reports the peer unreachable through Node::ReportUnreachable). Messages
// may be lost, duplicated or reordered; the core copes. Incoming messages are
// delivered with Node::Step from any thread. A kSnap message's outcome is
// reported with Node::ReportSnapshot.
//
// Thread-safety: Send is called only from the node's raft thread; an
// implementation shared by several nodes must be thread-safe.
#pragma once

#include <vector>

#include "raft/types.h"

namespace cairn::raft::node {

class Transport {
 public:
  virtual ~Transport() = default;
  virtual void Send(std::vector<Message> msgs) = 0;
};

}  // namespace cairn::raft::node

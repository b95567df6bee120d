// LocalNetwork: an in-process Transport for tests. Messages are delivered at
// once with Node::Step; a node can be cut off (its messages in both
// directions are dropped) to simulate a crash or a partition.
//
// Thread-safety: all methods are thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "raft/node/node.h"
#include "raft/node/transport.h"

namespace cairn::raft::node {

class LocalNetwork {
 public:
  LocalNetwork();
  ~LocalNetwork();
  // The Transport node `id` sends through. Valid as long as the network.
  Transport* TransportFor(NodeId id);
  // Messages to `id` go to `node` (nullptr: dropped, as for a stopped node).
  void Attach(NodeId id, Node* node);
  // Drops every message from or to `id` while isolated.
  void Isolate(NodeId id, bool isolated);
  uint64_t dropped() const;

 private:
  class Port;
  void Deliver(std::vector<Message> msgs);

  mutable std::mutex mu_;
  std::map<NodeId, Node*> nodes_;
  std::set<NodeId> isolated_;
  std::map<NodeId, std::unique_ptr<Port>> ports_;
  uint64_t dropped_ = 0;
};

}  // namespace cairn::raft::node

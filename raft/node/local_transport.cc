#include "raft/node/local_transport.h"

namespace cairn::raft::node {

class LocalNetwork::Port final : public Transport {
 public:
  explicit Port(LocalNetwork* net) : net_(net) {}
  void Send(std::vector<Message> msgs) override { net_->Deliver(std::move(msgs)); }

 private:
  LocalNetwork* const net_;
};

LocalNetwork::LocalNetwork() = default;
LocalNetwork::~LocalNetwork() = default;

Transport* LocalNetwork::TransportFor(NodeId id) {
  std::lock_guard<std::mutex> lk(mu_);
  auto& port = ports_[id];
  if (!port) port = std::make_unique<Port>(this);
  return port.get();
}

void LocalNetwork::Attach(NodeId id, Node* node) {
  std::lock_guard<std::mutex> lk(mu_);
  nodes_[id] = node;
}

void LocalNetwork::Isolate(NodeId id, bool isolated) {
  std::lock_guard<std::mutex> lk(mu_);
  if (isolated) {
    isolated_.insert(id);
  } else {
    isolated_.erase(id);
  }
}

uint64_t LocalNetwork::dropped() const {
  std::lock_guard<std::mutex> lk(mu_);
  return dropped_;
}

void LocalNetwork::Deliver(std::vector<Message> msgs) {
  // Step only enqueues on the target, so holding mu_ here cannot deadlock and
  // keeps Attach(id, nullptr) from racing with a delivery to a stopping node.
  std::lock_guard<std::mutex> lk(mu_);
  for (Message& m : msgs) {
    auto it = nodes_.find(m.to);
    if (it == nodes_.end() || it->second == nullptr || isolated_.count(m.to) || isolated_.count(m.from)) {
      ++dropped_;
      continue;
    }
    if (!it->second->Step(std::move(m)).ok()) ++dropped_;
  }
}

}  // namespace cairn::raft::node

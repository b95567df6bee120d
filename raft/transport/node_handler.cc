#include "raft/transport/node_handler.h"

#include <fstream>
#include <sstream>

namespace cairn::raft::transport {

void NodeHandler::Attach(node::Node* node) {
  std::lock_guard<std::mutex> lk(mu_);
  node_ = node;
}

Status NodeHandler::Receive(Message m) {
  std::lock_guard<std::mutex> lk(mu_);
  if (node_ == nullptr) return Status::Unavailable("no node attached");
  return node_->Step(std::move(m));
}

Status NodeHandler::ReceiveSnapshot(Message m, const std::string& path) {
  if (mode_ == SnapshotData::kPassPath) {
    m.snapshot.data = path;
    std::lock_guard<std::mutex> lk(mu_);
    if (node_ == nullptr) return Status::Unavailable("no node attached");
    return node_->Step(std::move(m));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot open received snapshot " + path);
  std::ostringstream data;
  data << in.rdbuf();
  if (!in && !in.eof()) return Status::IOError("cannot read received snapshot " + path);
  m.snapshot.data = std::move(data).str();
  std::lock_guard<std::mutex> lk(mu_);
  if (node_ == nullptr) return Status::Unavailable("no node attached");
  return node_->Step(std::move(m));
}

void NodeHandler::ReportUnreachable(NodeId peer) {
  std::lock_guard<std::mutex> lk(mu_);
  if (node_ != nullptr) node_->ReportUnreachable(peer);
}

void NodeHandler::ReportSnapshot(NodeId peer, bool failed) {
  std::lock_guard<std::mutex> lk(mu_);
  if (node_ != nullptr) node_->ReportSnapshot(peer, failed);
}

}  // namespace cairn::raft::transport

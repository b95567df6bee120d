#include "raft/read_only.h"

#include <cassert>

namespace cairn::raft {

void ReadOnly::AddRequest(Index index, const Message& m) {
  assert(!m.entries.empty());
  const std::string& ctx = m.entries[0].data;
  if (pending_.count(ctx)) return;
  pending_.emplace(ctx, ReadIndexStatus{m, index, {}});
  queue_.push_back(ctx);
}

size_t ReadOnly::RecvAck(NodeId id, const std::string& context) {
  auto it = pending_.find(context);
  if (it == pending_.end()) return 0;
  it->second.acks.insert(id);
  return it->second.acks.size();
}

const std::set<NodeId>* ReadOnly::Acks(const std::string& context) const {
  auto it = pending_.find(context);
  return it == pending_.end() ? nullptr : &it->second.acks;
}

std::vector<ReadIndexStatus> ReadOnly::Advance(const std::string& context) {
  std::vector<ReadIndexStatus> out;
  size_t n = 0;
  bool found = false;
  for (const std::string& ctx : queue_) {
    ++n;
    if (ctx == context) {
      found = true;
      break;
    }
  }
  if (!found) return out;
  for (size_t i = 0; i < n; ++i) {
    auto it = pending_.find(queue_.front());
    assert(it != pending_.end() && "cannot find corresponding read state from pending map");
    out.push_back(std::move(it->second));
    pending_.erase(it);
    queue_.pop_front();
  }
  return out;
}

std::string ReadOnly::LastPendingRequestCtx() const { return queue_.empty() ? std::string() : queue_.back(); }

}  // namespace cairn::raft

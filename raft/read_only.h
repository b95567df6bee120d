// ReadOnly: pending linearizable read requests on the leader (Raft thesis
// §6.4). A read gets the commit index at the time of the request; it is
// confirmed once a quorum acknowledges a heartbeat carrying the request's
// context, proving the leader was still the leader at that moment.
#pragma once

#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "raft/types.h"

namespace cairn::raft {

enum class ReadOnlyOption : uint8_t {
  // Confirm leadership with a heartbeat round per batch of reads (default).
  kSafe = 0,
  // Rely on the leader lease (check-quorum + election timeout). Only honoured
  // when check-quorum is enabled; otherwise reads fall back to kSafe.
  kLeaseBased = 1,
};

struct ReadIndexStatus {
  Message req;  // the original kReadIndex message
  Index index = 0;
  std::set<NodeId> acks;
};

class ReadOnly {
 public:
  // Queues a request. Duplicate contexts are ignored.
  void AddRequest(Index index, const Message& m);
  // Records a heartbeat ack for `context`; returns the number of acks so far
  // (0 if the context is unknown).
  size_t RecvAck(NodeId id, const std::string& context);
  const std::set<NodeId>* Acks(const std::string& context) const;
  // Dequeues every request up to and including `context` (requests are
  // confirmed in order: a later confirmation confirms all earlier ones).
  std::vector<ReadIndexStatus> Advance(const std::string& context);
  // Context of the newest pending request, or empty.
  std::string LastPendingRequestCtx() const;
  size_t PendingCount() const { return queue_.size(); }
  void Clear() {
    pending_.clear();
    queue_.clear();
  }

 private:
  std::map<std::string, ReadIndexStatus> pending_;
  std::deque<std::string> queue_;
};

}  // namespace cairn::raft

#include "raft/config.h"

namespace cairn::raft {

Status Config::Validate() const {
  if (id == kNoNode) return Status::InvalidArgument("raft: cannot use none as id");
  if (heartbeat_ticks <= 0) return Status::InvalidArgument("raft: heartbeat tick must be greater than 0");
  if (election_ticks <= heartbeat_ticks) {
    return Status::InvalidArgument("raft: election tick must be greater than heartbeat tick");
  }
  if (storage == nullptr) return Status::InvalidArgument("raft: storage cannot be nil");
  if (max_inflight_msgs == 0)
    return Status::InvalidArgument("raft: max inflight messages must be greater than 0");
  if (max_msg_bytes == 0) return Status::InvalidArgument("raft: max message bytes must be greater than 0");
  return Status::Ok();
}

}  // namespace cairn::raft

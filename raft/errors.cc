#include "raft/errors.h"

#include <string>

namespace cairn::raft {

std::string_view ErrorName(Error e) {
  switch (e) {
    case Error::kOk: return "ok";
    case Error::kCompacted: return "requested index is unavailable due to compaction";
    case Error::kUnavailable: return "requested entry at index is unavailable";
    case Error::kSnapOutOfDate: return "requested index is older than the existing snapshot";
    case Error::kSnapshotTemporarilyUnavailable: return "snapshot is temporarily unavailable";
    case Error::kProposalDropped: return "raft proposal dropped";
    case Error::kStepLocalMsg: return "raft: cannot step raft local message";
    case Error::kStepPeerNotFound: return "raft: cannot step as peer not found";
    case Error::kConfChangeRejected: return "raft: configuration change rejected";
  }
  return "unknown raft error";
}

Status ToStatus(Error e) {
  std::string msg(ErrorName(e));
  switch (e) {
    case Error::kOk: return Status::Ok();
    case Error::kProposalDropped:
    case Error::kSnapshotTemporarilyUnavailable: return Status::Unavailable(std::move(msg));
    case Error::kCompacted:
    case Error::kUnavailable: return Status::NotFound(std::move(msg));
    default: return Status::InvalidArgument(std::move(msg));
  }
}

bool IsProposalDropped(const Status& s) {
  return s.code() == Status::Code::kUnavailable && s.message() == ErrorName(Error::kProposalDropped);
}

}  // namespace cairn::raft

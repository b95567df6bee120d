// Every error the Raft core and its Storage can return, in one place
// (CRAFT.md §5). Internal code passes `Error`; the RawNode API converts to
// cairn::Status at its boundary (ToStatus), keeping the message text stable.
#pragma once

#include <string_view>

#include "base/status.h"

namespace cairn::raft {

enum class Error {
  kOk = 0,
  // Storage: the requested index is below the first available index (compacted).
  kCompacted,
  // Storage: the requested index is above the last available index.
  kUnavailable,
  // Storage: the snapshot being applied is older than the existing one.
  kSnapOutOfDate,
  // Storage: a snapshot is being generated; retry later.
  kSnapshotTemporarilyUnavailable,
  // Proposal dropped: no leader known, leader transfer in progress, the
  // uncommitted-size limit was hit, or this node is not a voter... Retry later.
  kProposalDropped,
  // A local-only message (Hup, Beat, ...) arrived through Step from the network.
  kStepLocalMsg,
  // A response message came from a node that is not in the configuration.
  kStepPeerNotFound,
  // A membership change was rejected (another change pending, or invalid).
  kConfChangeRejected,
};

std::string_view ErrorName(Error e);
// kOk maps to Status::Ok(); kProposalDropped/kSnapshotTemporarilyUnavailable to
// Unavailable; kCompacted/kUnavailable to NotFound; the rest to InvalidArgument.
// The message is ErrorName(e), e.g. "raft proposal dropped".
Status ToStatus(Error e);
// True if `s` was produced by ToStatus(Error::kProposalDropped).
bool IsProposalDropped(const Status& s);

}  // namespace cairn::raft

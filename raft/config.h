// Config: everything the core needs at construction. All limits are explicit
// (CRAFT.md §10): message size, inflight messages/bytes, uncommitted bytes.
#pragma once

#include <cstdint>

#include "base/status.h"
#include "raft/read_only.h"
#include "raft/storage.h"
#include "raft/types.h"

namespace cairn::raft {

struct Config {
  NodeId id = kNoNode;  // this node; must not be 0
  // A follower that hears nothing from a leader for a randomized timeout in
  // [election_ticks, 2*election_ticks) campaigns. Must be > heartbeat_ticks.
  int election_ticks = 10;
  // A leader sends heartbeats every heartbeat_ticks.
  int heartbeat_ticks = 1;
  // The persisted log; must outlive the node. Read only by the core.
  const Storage* storage = nullptr;
  // Last applied index, when restarting with an application that already
  // applied entries (its consistent index). Committed entries at or below it
  // are not handed out again.
  Index applied = 0;
  // Upper bound of entry payload bytes in one MsgApp (at least one entry is
  // always sent). Also bounds a single proposal batch.
  uint64_t max_msg_bytes = 1 << 20;
  // Upper bound of committed entry payload bytes handed out in one Ready.
  uint64_t max_committed_bytes_per_ready = 64 << 20;
  // Leader: proposals are dropped while the payload of appended but
  // uncommitted entries exceeds this. 0 means no limit.
  uint64_t max_uncommitted_entries_bytes = 0;
  // Per follower: at most this many MsgApp in flight (kReplicate state).
  size_t max_inflight_msgs = 256;
  // Per follower: at most this many payload bytes in flight. 0 means no limit.
  uint64_t max_inflight_bytes = 0;
  // Leader steps down if it has not heard from a quorum within an election
  // timeout; followers then ignore votes while they have a live leader (lease).
  bool check_quorum = false;
  // Raft thesis §9.6: a pre-election round that does not bump terms, so a
  // partitioned node rejoining does not disrupt the cluster.
  bool pre_vote = false;
  // kLeaseBased is used only when check_quorum is true.
  ReadOnlyOption read_only_option = ReadOnlyOption::kSafe;
  // Leader: ReadIndex requests waiting for a heartbeat round (or for the
  // first commit of the term) beyond this are dropped (kProposalDropped).
  size_t max_pending_reads = 4096;
  // Followers drop proposals instead of forwarding them to the leader.
  bool disable_proposal_forwarding = false;
  // Seed of the PRNG that randomizes election timeouts (mixed with id).
  uint64_t random_seed = 0;

  Status Validate() const;
};

}  // namespace cairn::raft

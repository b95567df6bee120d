// RawNode: the thread-unsafe application interface to the Raft core.
//
// THE READY CONTRACT. The application loops:
//
//   while (true) {
//     (feed input: Tick() every heartbeat interval, Step() every received
//      message, Propose()/ReadIndex()/... as clients ask)
//     if (!node.HasReady()) continue;
//     Ready rd = node.GetReady();
//     1. PERSIST, in this order and atomically with respect to crashes
//        (one WAL write + fdatasync is enough):
//          a. rd.snapshot if non-empty (replaces the log up to its index),
//          b. rd.entries (an entry at index i replaces any persisted entry at
//             index >= i: truncate the suffix, then append),
//          c. rd.hard_state if non-empty.
//        rd.messages may be sent before or during this step.
//     2. SEND rd.messages (if not yet sent), then rd.messages_after_persist.
//        The latter promise durable state (acked entries, granted votes, a
//        new term) and must never leave the node before step 1 completes.
//        Messages may be lost, duplicated or reordered by the network; report
//        an unreachable peer with ReportUnreachable and the outcome of a
//        MsgSnap with ReportSnapshot.
//     3. APPLY rd.snapshot (if non-empty), then rd.committed_entries in order.
//        For an entry of type kConfChange, decode it and call
//        ApplyConfChange(); the returned ConfState belongs in the next
//        snapshot. rd.read_states become servable once applied >= index.
//     4. ADVANCE: call Advance(). Only then may GetReady() be called again.
//   }
//
// Proposals and reads are fire-and-forget: a proposal may be dropped (the
// returned Status says so immediately only when the drop is local) or lost in
// a leader change; the application matches committed entries to its waiters.
//
// Thread-safety: none. One thread owns a RawNode; node.h-style wrappers add
// channels/locks around it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "raft/config.h"
#include "raft/raft.h"
#include "raft/types.h"

namespace cairn::raft {

struct Ready {
  // Set only when leader or role changed since the last Ready.
  std::optional<SoftState> soft_state;
  // Empty (all zero) when unchanged since the last Ready.
  HardState hard_state;
  std::vector<ReadState> read_states;
  // To persist (step 1b).
  std::vector<Entry> entries;
  // To persist (step 1a) and apply (step 3); empty() if none.
  Snapshot snapshot;
  // To apply (step 3). May include entries from `entries` of this same Ready.
  std::vector<Entry> committed_entries;
  // May be sent at once (step 2).
  std::vector<Message> messages;
  // Must be sent only after step 1 is durable.
  std::vector<Message> messages_after_persist;
  // True if step 1 must fdatasync (new entries, a vote or term change).
  // A pure commit-index change need not be synced (etcd's MustSync rule).
  bool must_sync = false;
};

struct NodeStatus {
  NodeId id = kNoNode;
  HardState hard_state;
  SoftState soft_state;
  Index applied = 0;
  NodeId lead_transferee = kNoNode;
  // Leader only: each member's progress.
  std::map<NodeId, Progress> progress;
  ConfState conf_state;
  uint64_t uncommitted_bytes = 0;
};

class RawNode {
 public:
  // Validates cfg; on success *out holds a node restored from cfg.storage.
  // A new cluster's storage must hold the initial membership (see
  // MemoryStorage::SetInitialConfState).
  static Status Create(const Config& cfg, std::unique_ptr<RawNode>* out);

  void Tick() { raft_.Tick(); }
  // Starts an election now (pre-vote first if enabled).
  Status Campaign();
  // Proposes data to be appended to the log. Fails with Unavailable("raft
  // proposal dropped") when there is no leader, a leader transfer is in
  // progress, or the uncommitted-bytes limit is hit.
  Status Propose(std::string data);
  // Proposes several entries in one message: they are appended together and
  // replicated in the same append messages (the driver's proposal batching).
  // All or none are dropped.
  Status ProposeBatch(std::vector<std::string> datas);
  // Proposes one membership change; InvalidArgument if another is pending.
  Status ProposeConfChange(const ConfChange& cc);
  // Feeds a message received from the network.
  Status Step(Message m);
  // Requests a read index; the result arrives as a ReadState carrying `context`
  // (which must be unique among outstanding requests).
  Status ReadIndex(std::string context);
  // Asks the leader to transfer leadership to `transferee`.
  void TransferLeader(NodeId transferee);
  void ReportUnreachable(NodeId id);
  void ReportSnapshot(NodeId id, bool failed);
  // Applies a committed membership change (step 3). Returns the new membership.
  ConfState ApplyConfChange(const ConfChange& cc) { return raft_.ApplyConfChange(cc); }

  bool HasReady() const;
  // REQUIRES: the previous Ready was followed by Advance().
  Ready GetReady();
  void Advance();

  NodeStatus GetStatus() const;
  // Direct access for tests and the simulator's invariant checks.
  const Raft& raft() const { return raft_; }
  Raft& mutable_raft() { return raft_; }

 private:
  explicit RawNode(const Config& cfg);

  Raft raft_;
  SoftState prev_soft_;
  HardState prev_hard_;
  // What the outstanding Ready handed out, for Advance().
  bool ready_outstanding_ = false;
  Index rd_last_entry_index_ = 0;
  Term rd_last_entry_term_ = 0;
  Index rd_snapshot_index_ = 0;
  Index rd_last_committed_index_ = 0;
  uint64_t rd_committed_bytes_ = 0;
};

}  // namespace cairn::raft

// Raft: the consensus state machine (Raft paper and thesis, etcd-raft's
// design). No I/O, no clock, no threads: time advances by Tick(), input
// arrives by Step(), and everything the node wants done (persist, send,
// apply) accumulates in fields that RawNode packages as a Ready.
//
// Persistence rule (thesis §10.2.1): a leader may send appends before its own
// copy of the entries is durable, but it counts itself toward a commit quorum
// only for entries the application has reported persisted (OnPersisted).
// Responses that promise durability (MsgAppResp, MsgVoteResp) and every
// message sent after a term/vote change wait until the Ready that carries the
// matching state is persisted (see rawnode.h).
//
// Thread-safety: none; one thread drives a Raft (via RawNode).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "raft/config.h"
#include "raft/errors.h"
#include "raft/log.h"
#include "raft/read_only.h"
#include "raft/tracker.h"
#include "raft/types.h"

namespace cairn::raft {

// Context value marking a vote requested by a leader transfer (MsgTimeoutNow):
// such votes bypass the leader lease.
inline constexpr std::string_view kCampaignTransfer = "CampaignTransfer";

class Raft {
 public:
  // REQUIRES: cfg.Validate().ok(). Loads hard state, membership and log from
  // cfg.storage (restart) and starts as a follower.
  explicit Raft(const Config& cfg);

  Error Step(Message m);
  void Tick();

  // Observers.
  NodeId id() const { return id_; }
  Term term() const { return term_; }
  NodeId vote() const { return vote_; }
  NodeId lead() const { return lead_; }
  StateRole state() const { return state_; }
  NodeId lead_transferee() const { return lead_transferee_; }
  bool is_learner() const { return is_learner_; }
  HardState GetHardState() const { return HardState{term_, vote_, raft_log_.committed()}; }
  SoftState GetSoftState() const { return SoftState{lead_, state_}; }
  RaftLog& log() { return raft_log_; }
  const RaftLog& log() const { return raft_log_; }
  ProgressTracker& tracker() { return trk_; }
  const ProgressTracker& tracker() const { return trk_; }
  uint64_t uncommitted_bytes() const { return uncommitted_bytes_; }
  int randomized_election_timeout() const { return randomized_election_timeout_; }
  int election_elapsed() const { return election_elapsed_; }
  size_t pending_read_count() const { return read_only_.PendingCount() + pending_read_index_msgs_.size(); }

  // Outputs, drained by RawNode.
  std::vector<Message>& msgs() { return msgs_; }
  std::vector<Message>& msgs_after_persist() { return msgs_after_persist_; }
  std::vector<ReadState>& read_states() { return read_states_; }
  bool HasPendingOutput() const {
    return !msgs_.empty() || !msgs_after_persist_.empty() || !read_states_.empty();
  }

  // The application persisted the log up to the unstable offset (and the
  // pending snapshot, if any). Leader: acknowledge own entries, maybe commit.
  void OnPersisted();
  // The application applied committed entries whose payload totals `bytes`.
  void ReduceUncommittedBytes(uint64_t bytes);
  // Applies a committed membership change. Returns the new membership.
  ConfState ApplyConfChange(const ConfChange& cc);

  // Largest persisted index of the current log (0 while a snapshot is pending).
  Index PersistedLastIndex() const;

 private:
  enum class CampaignType { kPreElection, kElection, kTransfer };

  void BecomeFollower(Term term, NodeId lead);
  void BecomeCandidate();
  void BecomePreCandidate();
  void BecomeLeader();
  void Reset(Term term);
  void ResetRandomizedElectionTimeout();
  bool PastElectionTimeout() const { return election_elapsed_ >= randomized_election_timeout_; }
  bool Promotable() const;
  bool HasUnappliedConfChanges() const;
  void Hup(CampaignType t);
  void Campaign(CampaignType t);
  VoteResult Poll(NodeId id, bool granted);

  void TickElection();
  void TickHeartbeat();

  Error StepLeader(Message& m);
  Error StepCandidate(Message& m);
  Error StepFollower(Message& m);

  void HandleAppendEntries(Message& m);
  void HandleHeartbeat(const Message& m);
  void HandleSnapshot(const Message& m);
  bool Restore(const Snapshot& snap);

  void Send(Message m);
  bool MaybeSendAppend(NodeId to, bool send_if_empty);
  void SendAppend(NodeId to) { MaybeSendAppend(to, true); }
  void SendHeartbeat(NodeId to, const std::string& ctx);
  void BcastAppend();
  void BcastHeartbeat();
  void BcastHeartbeatWithCtx(const std::string& ctx);
  void SendTimeoutNow(NodeId to);
  void AbortLeaderTransfer() { lead_transferee_ = kNoNode; }

  bool AppendEntries(std::vector<Entry>* es);
  bool MaybeCommit();
  bool CommittedEntryInCurrentTerm() const;
  void ReleasePendingReadIndexMessages();
  void SendReadIndexResponse(const Message& m);
  void RespondToReadIndexReq(const Message& req, Index read_index);
  bool IncreaseUncommittedBytes(const std::vector<Entry>& es);

  uint64_t NextRandom();

  NodeId id_;
  Term term_ = 0;
  NodeId vote_ = kNoNode;
  NodeId lead_ = kNoNode;
  StateRole state_ = StateRole::kFollower;
  bool is_learner_ = false;
  RaftLog raft_log_;
  ProgressTracker trk_;
  ReadOnly read_only_;
  ReadOnlyOption read_only_option_;
  std::vector<Message> pending_read_index_msgs_;
  std::vector<Message> msgs_;
  std::vector<Message> msgs_after_persist_;
  std::vector<ReadState> read_states_;

  NodeId lead_transferee_ = kNoNode;
  // Index of the latest appended membership change (or the new leader's first
  // entry). Another change may be proposed only once applied >= this.
  Index pending_conf_index_ = 0;
  uint64_t uncommitted_bytes_ = 0;

  uint64_t max_msg_bytes_;
  size_t max_pending_reads_;
  uint64_t max_uncommitted_bytes_;
  bool check_quorum_;
  bool pre_vote_;
  bool disable_proposal_forwarding_;
  int heartbeat_timeout_;
  int election_timeout_;
  int randomized_election_timeout_ = 0;
  int election_elapsed_ = 0;   // ticks since last reset (leader: since last quorum check)
  int heartbeat_elapsed_ = 0;  // leader only
  uint64_t rng_state_;
};

}  // namespace cairn::raft

#include "raft/raft.h"

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <cstdlib>

namespace cairn::raft {

namespace {
[[noreturn]] void Fatal(const char* what) {
  std::fprintf(stderr, "raft: fatal: %s\n", what);
  std::abort();
}

MessageType VoteRespType(MessageType t) {
  switch (t) {
    case MessageType::kVote: return MessageType::kVoteResp;
    case MessageType::kPreVote: return MessageType::kPreVoteResp;
    default: Fatal("not a vote message");
  }
}
}  // namespace

Raft::Raft(const Config& cfg)
    : id_(cfg.id),
      raft_log_(cfg.storage, cfg.max_committed_bytes_per_ready),
      trk_(cfg.max_inflight_msgs, cfg.max_inflight_bytes),
      read_only_option_(cfg.read_only_option),
      max_msg_bytes_(cfg.max_msg_bytes),
      max_pending_reads_(cfg.max_pending_reads),
      max_uncommitted_bytes_(cfg.max_uncommitted_entries_bytes == 0 ? kNoLimit
                                                                    : cfg.max_uncommitted_entries_bytes),
      check_quorum_(cfg.check_quorum),
      pre_vote_(cfg.pre_vote),
      disable_proposal_forwarding_(cfg.disable_proposal_forwarding),
      heartbeat_timeout_(cfg.heartbeat_ticks),
      election_timeout_(cfg.election_ticks),
      rng_state_(cfg.random_seed ^ (cfg.id * 0x9E3779B97F4A7C15ull)) {
  assert(cfg.Validate().ok());
  HardState hs;
  ConfState cs;
  if (cfg.storage->InitialState(&hs, &cs) != Error::kOk) Fatal("cannot read initial state");
  trk_.Reset(cs, raft_log_.last_index() + 1);
  is_learner_ = trk_.IsLearner(id_);
  if (!hs.empty()) {
    if (hs.commit < raft_log_.committed() || hs.commit > raft_log_.last_index()) {
      std::fprintf(stderr, "raft: %lu state.commit %lu is out of range [%lu, %lu]\n", (unsigned long)id_,
                   (unsigned long)hs.commit, (unsigned long)raft_log_.committed(),
                   (unsigned long)raft_log_.last_index());
      std::abort();
    }
    raft_log_.CommitTo(hs.commit);
  }
  if (cfg.applied > 0) {
    // The application may have applied beyond the persisted commit index only
    // if it is broken; clamp nothing, assert.
    assert(cfg.applied <= raft_log_.committed());
    raft_log_.AppliedTo(cfg.applied);
  }
  BecomeFollower(hs.term, kNoNode);
  term_ = hs.term;
  vote_ = hs.vote;
}

uint64_t Raft::NextRandom() {
  // splitmix64: tiny, seedable, identical on every platform.
  uint64_t z = (rng_state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

void Raft::ResetRandomizedElectionTimeout() {
  randomized_election_timeout_ = election_timeout_ + static_cast<int>(NextRandom() % election_timeout_);
}

Index Raft::PersistedLastIndex() const {
  if (raft_log_.UnstableSnapshot()) return 0;
  // Entries below the unstable offset are in Storage.
  Index first_unstable = raft_log_.last_index() + 1 - raft_log_.UnstableEntries().size();
  return first_unstable - 1;
}

bool Raft::Promotable() const { return trk_.IsVoter(id_) && !raft_log_.UnstableSnapshot().has_value(); }

bool Raft::HasUnappliedConfChanges() const {
  if (raft_log_.applied() >= raft_log_.committed()) return false;
  std::vector<Entry> ents;
  Index lo = std::max(raft_log_.applied() + 1, raft_log_.first_index());
  if (lo > raft_log_.committed()) return false;
  if (raft_log_.Slice(lo, raft_log_.committed() + 1, kNoLimit, &ents) != Error::kOk) return true;
  for (const Entry& e : ents) {
    if (e.type == EntryType::kConfChange) return true;
  }
  return false;
}

void Raft::Send(Message m) {
  // A forwarded transfer request names the transferee in `from`.
  if (m.type != MessageType::kTransferLeader || m.from == kNoNode) m.from = id_;
  if (m.type == MessageType::kVote || m.type == MessageType::kVoteResp || m.type == MessageType::kPreVote ||
      m.type == MessageType::kPreVoteResp) {
    // Vote messages carry the term they are about (a pre-vote is for term+1).
    assert(m.term != 0 && "term should be set when sending vote messages");
  } else {
    assert(m.term == 0 && "term should not be set for non-vote messages");
    // Forwarded proposals and read requests carry no term (they are local to
    // the leader, like etcd-raft's MsgProp/MsgReadIndex).
    if (m.type != MessageType::kProp && m.type != MessageType::kReadIndex) m.term = term_;
  }
  if (m.type == MessageType::kAppResp || m.type == MessageType::kVoteResp) {
    // These promise durable state (entries, vote): send after persisting.
    msgs_after_persist_.push_back(std::move(m));
  } else {
    msgs_.push_back(std::move(m));
  }
}

bool Raft::MaybeSendAppend(NodeId to, bool send_if_empty) {
  Progress* pr = trk_.Get(to);
  if (pr == nullptr || pr->IsPaused()) return false;
  Message m;
  m.to = to;
  Term prev_term = 0;
  Index prev_index = pr->next - 1;
  Error terr = raft_log_.TermAt(prev_index, &prev_term);
  Error eerr = Error::kOk;
  if (terr == Error::kOk) {
    eerr = raft_log_.EntriesFrom(pr->next, max_msg_bytes_, &m.entries);
    if (eerr == Error::kOk && m.entries.empty() && !send_if_empty) return false;
  }
  if (terr != Error::kOk || eerr != Error::kOk) {
    // The entries the follower needs were compacted: send a snapshot.
    if (!pr->recent_active) return false;
    Snapshot snap;
    Error serr = raft_log_.GetSnapshot(&snap);
    if (serr == Error::kSnapshotTemporarilyUnavailable) return false;
    if (serr != Error::kOk) Fatal("cannot get snapshot");
    if (snap.empty()) Fatal("need non-empty snapshot");
    Index snap_index = snap.metadata.index;
    m.type = MessageType::kSnap;
    m.snapshot = std::move(snap);
    m.entries.clear();
    pr->BecomeSnapshot(snap_index);
    Send(std::move(m));
    return true;
  }
  m.type = MessageType::kApp;
  m.index = prev_index;
  m.log_term = prev_term;
  m.commit = raft_log_.committed();
  pr->UpdateOnEntriesSend(m.entries.size(), PayloadBytes(m.entries), pr->next);
  Send(std::move(m));
  return true;
}

void Raft::SendHeartbeat(NodeId to, const std::string& ctx) {
  // Only commit up to what the follower is known to have: it may not hold
  // (or may hold a different version of) later entries.
  const Progress* pr = trk_.Get(to);
  Message m;
  m.to = to;
  m.type = MessageType::kHeartbeat;
  m.commit = std::min(pr->match, raft_log_.committed());
  m.context = ctx;
  Send(std::move(m));
}

void Raft::BcastAppend() {
  for (auto& [id, pr] : trk_.progress()) {
    if (id != id_) SendAppend(id);
  }
}

void Raft::BcastHeartbeat() {
  std::string ctx = read_only_.LastPendingRequestCtx();
  BcastHeartbeatWithCtx(ctx);
}

void Raft::BcastHeartbeatWithCtx(const std::string& ctx) {
  for (auto& [id, pr] : trk_.progress()) {
    if (id != id_) SendHeartbeat(id, ctx);
  }
}

void Raft::SendTimeoutNow(NodeId to) {
  Message m;
  m.to = to;
  m.type = MessageType::kTimeoutNow;
  Send(std::move(m));
}

bool Raft::MaybeCommit() {
  Index mci = trk_.Committed();
  // Raft §5.4.2: only entries of the current term are committed by counting.
  return raft_log_.MaybeCommit(mci, term_);
}

bool Raft::CommittedEntryInCurrentTerm() const {
  return raft_log_.ZeroTermOnErr(raft_log_.committed()) == term_;
}

void Raft::Reset(Term term) {
  if (term_ != term) {
    term_ = term;
    vote_ = kNoNode;
  }
  lead_ = kNoNode;
  election_elapsed_ = 0;
  heartbeat_elapsed_ = 0;
  ResetRandomizedElectionTimeout();
  AbortLeaderTransfer();
  trk_.ResetVotes();
  Index last = raft_log_.last_index();
  Index persisted = PersistedLastIndex();
  for (auto& [id, pr] : trk_.progress()) {
    bool learner = pr.is_learner;
    pr.ResetState(ProgressState::kProbe);
    pr.match = 0;
    pr.next = last + 1;
    pr.recent_active = false;
    pr.is_learner = learner;
    if (id == id_) pr.match = persisted;
  }
  pending_conf_index_ = 0;
  uncommitted_bytes_ = 0;
  read_only_.Clear();
  pending_read_index_msgs_.clear();
}

bool Raft::IncreaseUncommittedBytes(const std::vector<Entry>& es) {
  uint64_t s = PayloadBytes(es);
  // Always admit a proposal when nothing is uncommitted, so a single entry
  // larger than the limit cannot wedge the leader.
  if (uncommitted_bytes_ > 0 && s > 0 && uncommitted_bytes_ + s > max_uncommitted_bytes_) return false;
  uncommitted_bytes_ += s;
  return true;
}

void Raft::ReduceUncommittedBytes(uint64_t bytes) {
  if (state_ != StateRole::kLeader) return;
  uncommitted_bytes_ = bytes > uncommitted_bytes_ ? 0 : uncommitted_bytes_ - bytes;
}

bool Raft::AppendEntries(std::vector<Entry>* es) {
  Index li = raft_log_.last_index();
  for (size_t i = 0; i < es->size(); ++i) {
    (*es)[i].term = term_;
    (*es)[i].index = li + 1 + i;
  }
  if (!IncreaseUncommittedBytes(*es)) return false;
  raft_log_.Append(std::move(*es));
  // Our own match advances only in OnPersisted(), after the entries are durable.
  return true;
}

void Raft::OnPersisted() {
  if (state_ != StateRole::kLeader) return;
  Progress* pr = trk_.Get(id_);
  if (pr == nullptr) return;
  Index persisted = PersistedLastIndex();
  if (pr->MaybeUpdate(persisted) && MaybeCommit()) {
    ReleasePendingReadIndexMessages();
    BcastAppend();
  }
}

void Raft::Tick() {
  if (state_ == StateRole::kLeader) {
    TickHeartbeat();
  } else {
    TickElection();
  }
}

void Raft::TickElection() {
  ++election_elapsed_;
  if (Promotable() && PastElectionTimeout()) {
    election_elapsed_ = 0;
    Message m;
    m.type = MessageType::kHup;
    m.from = id_;
    Step(std::move(m));
  }
}

void Raft::TickHeartbeat() {
  ++heartbeat_elapsed_;
  ++election_elapsed_;
  if (election_elapsed_ >= election_timeout_) {
    election_elapsed_ = 0;
    if (check_quorum_) {
      Message m;
      m.type = MessageType::kCheckQuorum;
      m.from = id_;
      Step(std::move(m));
    }
    // A transfer that did not finish within an election timeout is abandoned.
    if (state_ == StateRole::kLeader && lead_transferee_ != kNoNode) AbortLeaderTransfer();
  }
  if (state_ != StateRole::kLeader) return;
  if (heartbeat_elapsed_ >= heartbeat_timeout_) {
    heartbeat_elapsed_ = 0;
    Message m;
    m.type = MessageType::kBeat;
    m.from = id_;
    Step(std::move(m));
  }
}

void Raft::BecomeFollower(Term term, NodeId lead) {
  Reset(term);
  lead_ = lead;
  state_ = StateRole::kFollower;
}

void Raft::BecomeCandidate() {
  assert(state_ != StateRole::kLeader && "invalid transition [leader -> candidate]");
  Reset(term_ + 1);
  vote_ = id_;
  state_ = StateRole::kCandidate;
}

void Raft::BecomePreCandidate() {
  assert(state_ != StateRole::kLeader && "invalid transition [leader -> pre-candidate]");
  // Pre-candidates change neither term nor vote (thesis §9.6).
  trk_.ResetVotes();
  lead_ = kNoNode;
  state_ = StateRole::kPreCandidate;
}

void Raft::BecomeLeader() {
  assert(state_ != StateRole::kFollower && "invalid transition [follower -> leader]");
  Reset(term_);
  lead_ = id_;
  state_ = StateRole::kLeader;
  // Our own progress is known exactly; replicate to ourselves.
  Progress* self = trk_.Get(id_);
  Index persisted = self->match;
  self->BecomeReplicate();
  self->match = persisted;
  self->recent_active = true;
  // An empty entry of the new term lets earlier entries commit (§5.4.2, §8).
  std::vector<Entry> empty(1);
  bool ok = AppendEntries(&empty);
  assert(ok && "empty entry was dropped");
  (void)ok;
  // No membership change until this leader's first entry is applied: this
  // closes the single-server-change bug (Ongaro, raft-dev 2015) and covers any
  // unapplied change from a previous term.
  pending_conf_index_ = raft_log_.last_index();
}

void Raft::Hup(CampaignType t) {
  if (state_ == StateRole::kLeader) return;
  if (!Promotable()) return;
  if (HasUnappliedConfChanges()) return;  // the membership we would campaign in may be stale
  Campaign(t);
}

void Raft::Campaign(CampaignType t) {
  Term term;
  MessageType vote_msg;
  if (t == CampaignType::kPreElection) {
    BecomePreCandidate();
    vote_msg = MessageType::kPreVote;
    term = term_ + 1;  // pre-vote asks about the next term without entering it
  } else {
    BecomeCandidate();
    vote_msg = MessageType::kVote;
    term = term_;
  }
  if (Poll(id_, true) == VoteResult::kWon) {
    // Single-voter cluster: won already.
    if (t == CampaignType::kPreElection) {
      Campaign(CampaignType::kElection);
    } else {
      BecomeLeader();
    }
    return;
  }
  for (NodeId id : trk_.voters()) {
    if (id == id_) continue;
    Message m;
    m.to = id;
    m.term = term;
    m.type = vote_msg;
    m.index = raft_log_.last_index();
    m.log_term = raft_log_.last_term();
    if (t == CampaignType::kTransfer) m.context = std::string(kCampaignTransfer);
    Send(std::move(m));
  }
}

VoteResult Raft::Poll(NodeId id, bool granted) {
  trk_.RecordVote(id, granted);
  size_t g = 0, r = 0;
  return trk_.TallyVotes(&g, &r);
}

Error Raft::Step(Message m) {
  // Term handling common to all roles (§5.1).
  if (m.term == 0) {
    // local message
  } else if (m.term > term_) {
    if (m.type == MessageType::kVote || m.type == MessageType::kPreVote) {
      bool force = m.context == kCampaignTransfer;
      bool in_lease = check_quorum_ && lead_ != kNoNode && election_elapsed_ < election_timeout_;
      if (!force && in_lease) {
        // We heard from a live leader within the minimum election timeout:
        // ignore the vote, do not bump our term (thesis §4.2.3).
        return Error::kOk;
      }
    }
    if (m.type == MessageType::kPreVote || (m.type == MessageType::kPreVoteResp && !m.reject)) {
      // Never change term in response to a pre-vote. The term in a granted
      // pre-vote response is the one we will campaign for; it is bumped when
      // we win the pre-election.
    } else {
      if (m.type == MessageType::kApp || m.type == MessageType::kHeartbeat || m.type == MessageType::kSnap) {
        BecomeFollower(m.term, m.from);
      } else {
        BecomeFollower(m.term, kNoNode);
      }
    }
  } else if (m.term < term_) {
    if ((check_quorum_ || pre_vote_) && (m.type == MessageType::kHeartbeat || m.type == MessageType::kApp)) {
      // A stale leader (e.g. after a partition): tell it about the newer term
      // so it steps down. Without this, with check-quorum or pre-vote, it
      // could keep disrupting elections forever.
      Message r;
      r.to = m.from;
      r.type = MessageType::kAppResp;
      Send(std::move(r));
    } else if (m.type == MessageType::kPreVote) {
      // Reject with our term so a stale pre-candidate catches up.
      Message r;
      r.to = m.from;
      r.term = term_;
      r.type = MessageType::kPreVoteResp;
      r.reject = true;
      Send(std::move(r));
    }
    // Ignore other messages from the past.
    return Error::kOk;
  }

  switch (m.type) {
    case MessageType::kHup:
      Hup(pre_vote_ ? CampaignType::kPreElection : CampaignType::kElection);
      return Error::kOk;
    case MessageType::kVote:
    case MessageType::kPreVote: {
      // We can vote if this is a repeat of a vote we already cast, or we have
      // not voted and know no leader in this term, or this is a pre-vote for a
      // future term.
      bool can_vote = vote_ == m.from || (vote_ == kNoNode && lead_ == kNoNode) ||
                      (m.type == MessageType::kPreVote && m.term > term_);
      Message r;
      r.to = m.from;
      r.type = VoteRespType(m.type);
      if (can_vote && raft_log_.IsUpToDate(m.index, m.log_term)) {
        // The response carries the candidate's term: for a pre-vote our own
        // term is lower and a response at our term would be ignored.
        r.term = m.term;
        Send(std::move(r));
        if (m.type == MessageType::kVote) {
          election_elapsed_ = 0;
          vote_ = m.from;
        }
      } else if (term_ != 0) {
        r.term = term_;
        r.reject = true;
        Send(std::move(r));
      }
      // else: a node that has never seen a term (e.g. a voter added while it
      // was unreachable) stays silent. A term-0 message would read as local,
      // and silence is as safe as a rejection: the candidate times out.
      // (Found by the simulator, harsh mix.)
      return Error::kOk;
    }
    default: break;
  }
  switch (state_) {
    case StateRole::kLeader: return StepLeader(m);
    case StateRole::kCandidate:
    case StateRole::kPreCandidate: return StepCandidate(m);
    case StateRole::kFollower: return StepFollower(m);
  }
  return Error::kOk;
}

Error Raft::StepLeader(Message& m) {
  // Messages that need no follower progress.
  switch (m.type) {
    case MessageType::kBeat: BcastHeartbeat(); return Error::kOk;
    case MessageType::kCheckQuorum: {
      if (!trk_.QuorumActive()) BecomeFollower(term_, kNoNode);
      // Mark everyone inactive for the next round; we are always active.
      for (auto& [id, pr] : trk_.progress()) pr.recent_active = id == id_;
      return Error::kOk;
    }
    case MessageType::kProp: {
      if (m.entries.empty()) return Error::kOk;  // nothing to propose (possibly a bad peer)
      if (trk_.Get(id_) == nullptr) {
        // Removed from the configuration while leader: cannot commit anything.
        return Error::kProposalDropped;
      }
      if (lead_transferee_ != kNoNode) return Error::kProposalDropped;
      for (size_t i = 0; i < m.entries.size(); ++i) {
        Entry& e = m.entries[i];
        if (e.type != EntryType::kConfChange) continue;
        ConfChange cc;
        bool valid = DecodeConfChange(e.data, &cc);
        bool refused = !valid || pending_conf_index_ > raft_log_.applied() ||
                       (valid && cc.type == ConfChangeType::kAddLearner && trk_.IsVoter(cc.node_id)) ||
                       (valid && cc.node_id == kNoNode);
        if (refused) {
          // One change at a time (thesis §4.1): a second change is refused
          // while the previous one is unapplied.
          if (m.entries.size() == 1) return Error::kConfChangeRejected;
          e = Entry{};  // neutralize inside a batch
        } else {
          pending_conf_index_ = raft_log_.last_index() + i + 1;
        }
      }
      if (!AppendEntries(&m.entries)) return Error::kProposalDropped;
      BcastAppend();
      return Error::kOk;
    }
    case MessageType::kReadIndex: {
      if (m.entries.size() != 1) return Error::kOk;  // malformed
      if (pending_read_count() >= max_pending_reads_) return Error::kProposalDropped;
      if (trk_.voters().size() <= 1) {
        // Single voter: our commit index is trivially up to date.
        RespondToReadIndexReq(m, raft_log_.committed());
        return Error::kOk;
      }
      if (!CommittedEntryInCurrentTerm()) {
        // Thesis §6.4: until an entry of this term commits, our commit index
        // may be behind; postpone the read.
        pending_read_index_msgs_.push_back(m);
        return Error::kOk;
      }
      SendReadIndexResponse(m);
      return Error::kOk;
    }
    default: break;
  }

  Progress* pr = trk_.Get(m.from);
  if (pr == nullptr) return Error::kStepPeerNotFound;
  switch (m.type) {
    case MessageType::kAppResp: {
      pr->recent_active = true;
      if (m.reject) {
        Index next_probe = m.reject_hint;
        if (m.log_term > 0) {
          // Fast backtracking: skip all our entries with a term above the
          // follower's term at its hint index.
          Term t = 0;
          raft_log_.FindConflictByTerm(m.reject_hint, m.log_term, &next_probe, &t);
        }
        if (pr->MaybeDecrTo(m.index, next_probe)) {
          if (pr->state == ProgressState::kReplicate) pr->BecomeProbe();
          SendAppend(m.from);
        }
      } else {
        bool old_paused = pr->IsPaused();
        if (pr->MaybeUpdate(m.index)) {
          switch (pr->state) {
            case ProgressState::kProbe: pr->BecomeReplicate(); break;
            case ProgressState::kSnapshot:
              if (pr->match + 1 >= raft_log_.first_index()) {
                // The snapshot (or an append) caught it up to where the log
                // is available again.
                pr->BecomeProbe();
                pr->BecomeReplicate();
              }
              break;
            case ProgressState::kReplicate: pr->inflights.FreeLE(m.index); break;
          }
          if (MaybeCommit()) {
            ReleasePendingReadIndexMessages();
            BcastAppend();
          } else if (old_paused) {
            SendAppend(m.from);
          }
          // Keep the pipe full while flow control allows.
          while (MaybeSendAppend(m.from, false)) {
          }
          if (m.from == lead_transferee_ && pr->match == raft_log_.last_index()) SendTimeoutNow(m.from);
        }
      }
      return Error::kOk;
    }
    case MessageType::kHeartbeatResp: {
      pr->recent_active = true;
      pr->msg_app_flow_paused = false;
      // Appends may have been lost: let one more through so that a rejection
      // (gap) can reset the follower to probing.
      if (pr->state == ProgressState::kReplicate && pr->inflights.Full()) pr->inflights.FreeFirstOne();
      if (pr->match < raft_log_.last_index() || pr->state == ProgressState::kProbe) SendAppend(m.from);
      if (m.context.empty()) return Error::kOk;
      if (read_only_.RecvAck(m.from, m.context) == 0) return Error::kOk;
      const std::set<NodeId>* acks = read_only_.Acks(m.context);
      std::map<NodeId, bool> votes;
      for (NodeId id : *acks) votes[id] = true;
      if (MajorityVoteResult(trk_.voters(), votes) != VoteResult::kWon) return Error::kOk;
      for (ReadIndexStatus& rs : read_only_.Advance(m.context)) RespondToReadIndexReq(rs.req, rs.index);
      return Error::kOk;
    }
    case MessageType::kSnapStatus: {
      if (pr->state != ProgressState::kSnapshot) return Error::kOk;
      if (!m.reject) {
        pr->BecomeProbe();
      } else {
        // Failed: forget the snapshot and probe again from match.
        pr->pending_snapshot = 0;
        pr->BecomeProbe();
      }
      // Wait for a heartbeat response before probing (the follower may be
      // applying the snapshot right now).
      pr->msg_app_flow_paused = true;
      return Error::kOk;
    }
    case MessageType::kUnreachable:
      // Optimistic pipelining towards an unreachable node wastes messages.
      if (pr->state == ProgressState::kReplicate) pr->BecomeProbe();
      return Error::kOk;
    case MessageType::kTransferLeader: {
      if (pr->is_learner) return Error::kOk;
      NodeId transferee = m.from;
      if (lead_transferee_ != kNoNode) {
        if (lead_transferee_ == transferee) return Error::kOk;  // already in progress
        AbortLeaderTransfer();
      }
      if (transferee == id_) return Error::kOk;
      // The transfer must finish within an election timeout.
      election_elapsed_ = 0;
      lead_transferee_ = transferee;
      if (pr->match == raft_log_.last_index()) {
        SendTimeoutNow(transferee);
      } else {
        SendAppend(transferee);
      }
      return Error::kOk;
    }
    default: return Error::kOk;
  }
}

Error Raft::StepCandidate(Message& m) {
  MessageType my_resp =
      state_ == StateRole::kPreCandidate ? MessageType::kPreVoteResp : MessageType::kVoteResp;
  switch (m.type) {
    case MessageType::kProp: return Error::kProposalDropped;
    case MessageType::kApp:
      BecomeFollower(m.term, m.from);  // always m.term == term_
      HandleAppendEntries(m);
      return Error::kOk;
    case MessageType::kHeartbeat:
      BecomeFollower(m.term, m.from);
      HandleHeartbeat(m);
      return Error::kOk;
    case MessageType::kSnap:
      BecomeFollower(m.term, m.from);
      HandleSnapshot(m);
      return Error::kOk;
    case MessageType::kTimeoutNow: return Error::kOk;
    case MessageType::kReadIndex: return Error::kProposalDropped;
    default: break;
  }
  if (m.type == my_resp) {
    switch (Poll(m.from, !m.reject)) {
      case VoteResult::kWon:
        if (state_ == StateRole::kPreCandidate) {
          Campaign(CampaignType::kElection);
        } else {
          BecomeLeader();
          BcastAppend();
        }
        break;
      case VoteResult::kLost:
        // A pre-candidate's term is unchanged; a candidate keeps its new term.
        BecomeFollower(term_, kNoNode);
        break;
      case VoteResult::kPending: break;
    }
  }
  return Error::kOk;
}

Error Raft::StepFollower(Message& m) {
  switch (m.type) {
    case MessageType::kProp:
      if (lead_ == kNoNode || disable_proposal_forwarding_) return Error::kProposalDropped;
      m.to = lead_;
      m.term = 0;
      Send(std::move(m));
      return Error::kOk;
    case MessageType::kApp:
      election_elapsed_ = 0;
      lead_ = m.from;
      HandleAppendEntries(m);
      return Error::kOk;
    case MessageType::kHeartbeat:
      election_elapsed_ = 0;
      lead_ = m.from;
      HandleHeartbeat(m);
      return Error::kOk;
    case MessageType::kSnap:
      election_elapsed_ = 0;
      lead_ = m.from;
      HandleSnapshot(m);
      return Error::kOk;
    case MessageType::kTransferLeader:
      if (lead_ == kNoNode) return Error::kProposalDropped;
      m.to = lead_;
      m.term = 0;
      Send(std::move(m));
      return Error::kOk;
    case MessageType::kTimeoutNow:
      // Leadership transfer: campaign now, skipping pre-vote and the lease.
      Hup(CampaignType::kTransfer);
      return Error::kOk;
    case MessageType::kReadIndex:
      if (lead_ == kNoNode) return Error::kProposalDropped;
      m.to = lead_;
      m.term = 0;
      Send(std::move(m));
      return Error::kOk;
    case MessageType::kReadIndexResp:
      if (m.entries.size() != 1) return Error::kOk;  // malformed; ignore
      read_states_.push_back(ReadState{m.index, m.entries[0].data});
      return Error::kOk;
    default: return Error::kOk;
  }
}

void Raft::HandleAppendEntries(Message& m) {
  Message r;
  r.to = m.from;
  r.type = MessageType::kAppResp;
  if (m.index < raft_log_.committed()) {
    // Everything up to our commit index already matches the leader.
    r.index = raft_log_.committed();
    Send(std::move(r));
    return;
  }
  Index last_new = 0;
  if (raft_log_.MaybeAppend(m.index, m.log_term, m.commit, &m.entries, &last_new)) {
    r.index = last_new;
    Send(std::move(r));
    return;
  }
  // Reject with a hint: the largest index <= m.index whose term is <= the
  // leader's term there, so the leader can skip whole terms (fast backtracking).
  Index hint = std::min(m.index, raft_log_.last_index());
  Term hint_term = 0;
  raft_log_.FindConflictByTerm(hint, m.log_term, &hint, &hint_term);
  r.index = m.index;
  r.reject = true;
  r.reject_hint = hint;
  r.log_term = hint_term;
  Send(std::move(r));
}

void Raft::HandleHeartbeat(const Message& m) {
  raft_log_.CommitTo(m.commit);
  Message r;
  r.to = m.from;
  r.type = MessageType::kHeartbeatResp;
  r.context = m.context;
  Send(std::move(r));
}

void Raft::HandleSnapshot(const Message& m) {
  Message r;
  r.to = m.from;
  r.type = MessageType::kAppResp;
  if (Restore(m.snapshot)) {
    r.index = raft_log_.last_index();
  } else {
    r.index = raft_log_.committed();
  }
  Send(std::move(r));
}

bool Raft::Restore(const Snapshot& snap) {
  if (snap.metadata.index <= raft_log_.committed()) return false;
  if (state_ != StateRole::kFollower) {
    // Defense in depth: only a follower installs snapshots.
    BecomeFollower(term_ + 1, kNoNode);
    return false;
  }
  // Note: the snapshot's membership need not include us. A node added after
  // the leader's latest snapshot installs it and then learns of its own
  // addition from the log (it is not promotable until it applies that entry).
  const ConfState& cs = snap.metadata.conf_state;
  if (raft_log_.MatchTerm(snap.metadata.index, snap.metadata.term)) {
    // We already have the entries: just fast-forward the commit index.
    raft_log_.CommitTo(snap.metadata.index);
    return false;
  }
  raft_log_.Restore(snap);
  trk_.Reset(cs, raft_log_.last_index() + 1);
  is_learner_ = trk_.IsLearner(id_);
  return true;
}

void Raft::ReleasePendingReadIndexMessages() {
  if (pending_read_index_msgs_.empty()) return;
  if (!CommittedEntryInCurrentTerm()) return;
  std::vector<Message> msgs;
  msgs.swap(pending_read_index_msgs_);
  for (const Message& m : msgs) SendReadIndexResponse(m);
}

void Raft::SendReadIndexResponse(const Message& m) {
  if (read_only_option_ == ReadOnlyOption::kLeaseBased && check_quorum_) {
    RespondToReadIndexReq(m, raft_log_.committed());
    return;
  }
  read_only_.AddRequest(raft_log_.committed(), m);
  // Our own ack; then a heartbeat round confirms leadership.
  read_only_.RecvAck(id_, m.entries[0].data);
  BcastHeartbeatWithCtx(m.entries[0].data);
}

void Raft::RespondToReadIndexReq(const Message& req, Index read_index) {
  if (req.from == kNoNode || req.from == id_) {
    read_states_.push_back(ReadState{read_index, req.entries[0].data});
    return;
  }
  Message r;
  r.type = MessageType::kReadIndexResp;
  r.to = req.from;
  r.index = read_index;
  r.entries = req.entries;
  Send(std::move(r));
}

ConfState Raft::ApplyConfChange(const ConfChange& cc) {
  Index next = raft_log_.last_index() + 1;
  switch (cc.type) {
    case ConfChangeType::kAddNode:
      if (cc.node_id != kNoNode) trk_.AddVoter(cc.node_id, next);
      break;
    case ConfChangeType::kAddLearner:
      // Demotion is refused at proposal time; a committed one is a no-op.
      if (cc.node_id != kNoNode && !trk_.IsVoter(cc.node_id)) trk_.AddLearner(cc.node_id, next);
      break;
    case ConfChangeType::kRemoveNode: trk_.Remove(cc.node_id); break;
  }
  is_learner_ = trk_.IsLearner(id_);
  if (state_ == StateRole::kLeader) {
    if (!trk_.IsVoter(id_)) {
      // A removed (or demoted) leader steps down; the rest elect a new one.
      BecomeFollower(term_, kNoNode);
    } else {
      if (lead_transferee_ != kNoNode && !trk_.IsVoter(lead_transferee_)) AbortLeaderTransfer();
      // The quorum changed: entries may now be committed.
      if (MaybeCommit()) {
        ReleasePendingReadIndexMessages();
        BcastAppend();
      } else {
        // New members need appends; others learn the change was applied.
        BcastAppend();
      }
    }
  }
  return trk_.GetConfState();
}

}  // namespace cairn::raft

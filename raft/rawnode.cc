#include "raft/rawnode.h"

#include <cassert>
#include <optional>

namespace cairn::raft {

Status RawNode::Create(const Config& cfg, std::unique_ptr<RawNode>* out) {
  CAIRN_RETURN_IF_ERROR(cfg.Validate());
  out->reset(new RawNode(cfg));
  return Status::Ok();
}

RawNode::RawNode(const Config& cfg) : raft_(cfg) {
  prev_soft_ = raft_.GetSoftState();
  prev_hard_ = raft_.GetHardState();
}

Status RawNode::Campaign() {
  Message m;
  m.type = MessageType::kHup;
  m.from = raft_.id();
  return ToStatus(raft_.Step(std::move(m)));
}

Status RawNode::Propose(std::string data) {
  Message m;
  m.type = MessageType::kProp;
  m.from = raft_.id();
  m.entries.resize(1);
  m.entries[0].data = std::move(data);
  return ToStatus(raft_.Step(std::move(m)));
}

Status RawNode::ProposeBatch(std::vector<std::string> datas) {
  if (datas.empty()) return Status::Ok();
  Message m;
  m.type = MessageType::kProp;
  m.from = raft_.id();
  m.entries.resize(datas.size());
  for (size_t i = 0; i < datas.size(); ++i) m.entries[i].data = std::move(datas[i]);
  return ToStatus(raft_.Step(std::move(m)));
}

Status RawNode::ProposeConfChange(const ConfChange& cc) {
  Message m;
  m.type = MessageType::kProp;
  m.from = raft_.id();
  m.entries.resize(1);
  m.entries[0].type = EntryType::kConfChange;
  m.entries[0].data = EncodeConfChange(cc);
  return ToStatus(raft_.Step(std::move(m)));
}

Status RawNode::Step(Message m) {
  if (IsLocalMessage(m.type)) return ToStatus(Error::kStepLocalMsg);
  // Responses from unknown peers are ignored (they may have been removed).
  if (IsResponseMessage(m.type) && raft_.tracker().Get(m.from) == nullptr &&
      raft_.state() == StateRole::kLeader) {
    return ToStatus(Error::kStepPeerNotFound);
  }
  return ToStatus(raft_.Step(std::move(m)));
}

Status RawNode::ReadIndex(std::string context) {
  Message m;
  m.type = MessageType::kReadIndex;
  m.from = raft_.id();
  m.entries.resize(1);
  m.entries[0].data = std::move(context);
  return ToStatus(raft_.Step(std::move(m)));
}

void RawNode::TransferLeader(NodeId transferee) {
  Message m;
  m.type = MessageType::kTransferLeader;
  m.from = transferee;  // etcd convention: From names the transferee
  raft_.Step(std::move(m));
}

void RawNode::ReportUnreachable(NodeId id) {
  Message m;
  m.type = MessageType::kUnreachable;
  m.from = id;
  raft_.Step(std::move(m));
}

void RawNode::ReportSnapshot(NodeId id, bool failed) {
  Message m;
  m.type = MessageType::kSnapStatus;
  m.from = id;
  m.reject = failed;
  raft_.Step(std::move(m));
}

bool RawNode::HasReady() const {
  if (!(raft_.GetSoftState() == prev_soft_)) return true;
  HardState hs = raft_.GetHardState();
  if (!hs.empty() && !(hs == prev_hard_)) return true;
  const RaftLog& log = raft_.log();
  if (log.UnstableSnapshot()) return true;
  if (!log.UnstableEntries().empty()) return true;
  if (log.HasNextCommittedEntries()) return true;
  return raft_.HasPendingOutput();
}

Ready RawNode::GetReady() {
  assert(!ready_outstanding_ && "GetReady called twice without Advance");
  Ready rd;
  SoftState ss = raft_.GetSoftState();
  if (!(ss == prev_soft_)) {
    rd.soft_state = ss;
    prev_soft_ = ss;
  }
  HardState hs = raft_.GetHardState();
  bool term_or_vote_changed = hs.term != prev_hard_.term || hs.vote != prev_hard_.vote;
  if (!(hs == prev_hard_)) rd.hard_state = hs;
  RaftLog& log = raft_.log();
  rd.entries = log.UnstableEntries();
  const std::optional<Snapshot>& pending_snapshot = log.UnstableSnapshot();
  if (pending_snapshot.has_value()) rd.snapshot = *pending_snapshot;
  log.NextCommittedEntries(&rd.committed_entries);
  rd.messages.swap(raft_.msgs());
  rd.messages_after_persist.swap(raft_.msgs_after_persist());
  if (term_or_vote_changed) {
    // Everything sent in a new term, or after a vote, depends on that term or
    // vote being durable (a crash must not let us vote twice or lead twice).
    rd.messages_after_persist.insert(rd.messages_after_persist.begin(),
                                     std::make_move_iterator(rd.messages.begin()),
                                     std::make_move_iterator(rd.messages.end()));
    rd.messages.clear();
  }
  rd.read_states.swap(raft_.read_states());
  rd.must_sync = term_or_vote_changed || !rd.entries.empty() || !rd.snapshot.empty();

  ready_outstanding_ = true;
  rd_last_entry_index_ = rd.entries.empty() ? 0 : rd.entries.back().index;
  rd_last_entry_term_ = rd.entries.empty() ? 0 : rd.entries.back().term;
  rd_snapshot_index_ = rd.snapshot.metadata.index;
  rd_last_committed_index_ = rd.committed_entries.empty() ? 0 : rd.committed_entries.back().index;
  rd_committed_bytes_ = PayloadBytes(rd.committed_entries);
  if (!rd.hard_state.empty()) prev_hard_ = rd.hard_state;
  return rd;
}

void RawNode::Advance() {
  assert(ready_outstanding_ && "Advance without GetReady");
  ready_outstanding_ = false;
  RaftLog& log = raft_.log();
  if (rd_snapshot_index_ != 0) log.StableSnapTo(rd_snapshot_index_);
  if (rd_last_entry_index_ != 0) log.StableTo(rd_last_entry_index_, rd_last_entry_term_);
  if (rd_last_committed_index_ != 0) {
    log.AppliedTo(rd_last_committed_index_);
    raft_.ReduceUncommittedBytes(rd_committed_bytes_);
  } else if (rd_snapshot_index_ != 0 && rd_snapshot_index_ > log.applied()) {
    log.AppliedTo(rd_snapshot_index_);
  }
  raft_.OnPersisted();
}

NodeStatus RawNode::GetStatus() const {
  NodeStatus s;
  s.id = raft_.id();
  s.hard_state = raft_.GetHardState();
  s.soft_state = raft_.GetSoftState();
  s.applied = raft_.log().applied();
  s.lead_transferee = raft_.lead_transferee();
  if (raft_.state() == StateRole::kLeader) s.progress = raft_.tracker().progress();
  s.conf_state = raft_.tracker().GetConfState();
  s.uncommitted_bytes = raft_.uncommitted_bytes();
  return s;
}

}  // namespace cairn::raft

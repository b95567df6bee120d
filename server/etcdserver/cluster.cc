// Membership of EtcdServer (contract in server.h): the Cluster RPCs, their apply side and the
// publication of this member's attributes. etcd's etcdserver/server.go AddMember & co.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <thread>

#include "server/etcdserver/errors.h"
#include "server/etcdserver/member_id.h"
#include "server/etcdserver/server.h"

namespace cairn::etcdserver {
namespace {

void ToProto(const Member& m, etcdserverpb::Member* out) {
  out->set_id(m.id);
  out->set_name(m.name);
  for (const std::string& u : m.peer_urls) out->add_peerurls(u);
  for (const std::string& u : m.client_urls) out->add_clienturls(u);
  out->set_islearner(m.is_learner);
}

bool ValidUrls(const google::protobuf::RepeatedPtrField<std::string>& urls) {
  if (urls.empty()) return false;
  for (const std::string& u : urls) {
    const size_t scheme_end = u.find("://");
    if (scheme_end == std::string::npos) return false;
    const std::string scheme = u.substr(0, scheme_end);
    if (scheme != "http" && scheme != "https" && scheme != "unix" && scheme != "unixs") return false;
    if (u.size() == scheme_end + 3) return false;
  }
  return true;
}

// Voting members that published their attributes (etcd Member.IsStarted).
size_t StartedVoters(const std::vector<Member>& members, uint64_t except) {
  return std::count_if(members.begin(), members.end(),
                       [&](const Member& m) { return !m.is_learner && !m.name.empty() && m.id != except; });
}

// A member other than `except` already uses one of `urls` (etcd ErrPeerURLexists).
bool PeerUrlTaken(const std::vector<Member>& members, const std::vector<std::string>& urls, uint64_t except) {
  for (const Member& e : members) {
    if (e.id == except) continue;
    for (const std::string& u : e.peer_urls) {
      if (std::find(urls.begin(), urls.end(), u) != urls.end()) return true;
    }
  }
  return false;
}

size_t Voters(const std::vector<Member>& members) {
  return std::count_if(members.begin(), members.end(), [](const Member& m) { return !m.is_learner; });
}

}  // namespace

uint64_t EtcdServer::cluster_id() const {
  const uint64_t id = membership_.cluster_id();
  return id != 0 ? id : options_.cluster_id;
}

bool EtcdServer::IsLearner() const {
  Member self;
  return membership_.Get(options_.member_id, &self) && self.is_learner;
}

void EtcdServer::FillMembers(google::protobuf::RepeatedPtrField<etcdserverpb::Member>* out) const {
  for (const Member& m : membership_.List()) ToProto(m, out->Add());
}

Status EtcdServer::MemberList(etcdserverpb::MemberListResponse* resp) {
  // etcd's cluster server header carries no revision (v3rpc/member.go clusterServer.header).
  FillHeader(resp->mutable_header());
  resp->mutable_header()->clear_revision();
  std::vector<Member> members = membership_.List();
  if (members.empty()) {
    // A core without a membership (unit tests over SingleNodeLog): this member alone.
    Member self{options_.member_id, options_.name, options_.peer_urls, options_.client_urls, false};
    members.push_back(self);
  }
  for (const Member& m : members) ToProto(m, resp->add_members());
  return Status::Ok();
}

Status EtcdServer::ProposeConfChangeAndWait(raft::ConfChangeType type, const Member& m, ApplyResult* out) {
  const uint64_t id = NextRequestId();
  ConfChangeContext ctx;
  ctx.set_request_id(id);
  ctx.set_member_json(EncodeMemberJson(m));
  raft::ConfChange cc{type, m.id, ctx.SerializeAsString()};
  std::future<ApplyResult> f = wait_.Register(id);
  Status st = log_->ProposeConfChange(cc);
  if (!st.ok()) {
    wait_.Cancel(id);
    return st;
  }
  if (f.wait_for(options_.request_timeout) != std::future_status::ready) {
    wait_.Cancel(id);
    return EtcdError(kErrTimeout);
  }
  *out = f.get();
  return out->status;
}

Status EtcdServer::MemberAdd(const etcdserverpb::MemberAddRequest& req,
                             etcdserverpb::MemberAddResponse* resp) {
  if (!ValidUrls(req.peerurls())) return EtcdError(kErrMemberBadURLs);
  Member m;
  m.peer_urls.assign(req.peerurls().begin(), req.peerurls().end());
  m.is_learner = req.islearner();
  m.id = ComputeMemberId(m.peer_urls, "", static_cast<int64_t>(std::time(nullptr)));
  const std::vector<Member> members = membership_.List();
  if (PeerUrlTaken(members, m.peer_urls, 0)) return EtcdError(kErrPeerURLExist);
  if (m.is_learner) {
    // etcd allows one learner at a time (maxLearners).
    if (std::any_of(members.begin(), members.end(), [](const Member& e) { return e.is_learner; })) {
      return EtcdError(kErrTooManyLearners);
    }
  } else if (options_.strict_reconfig_check) {
    // etcd IsReadyToAddVotingMember: the new voter counts but has not started, so the started
    // ones must still form a quorum; growing a one-member cluster to two is always allowed.
    const size_t voters_after = Voters(members) + 1;
    const size_t started = StartedVoters(members, 0);
    if (!(started == 1 && voters_after == 2) && started < voters_after / 2 + 1) {
      return EtcdError(kErrMemberNotEnoughStarted);
    }
  }
  ApplyResult res;
  CAIRN_RETURN_IF_ERROR(ProposeConfChangeAndWait(
      m.is_learner ? raft::ConfChangeType::kAddLearner : raft::ConfChangeType::kAddNode, m, &res));
  FillHeader(resp->mutable_header());
  resp->mutable_header()->clear_revision();
  ToProto(m, resp->mutable_member());
  resp->mutable_member()->clear_name();
  FillMembers(resp->mutable_members());
  return Status::Ok();
}

Status EtcdServer::MemberRemove(const etcdserverpb::MemberRemoveRequest& req,
                                etcdserverpb::MemberRemoveResponse* resp) {
  Member m;
  if (!membership_.Get(req.id(), &m)) return EtcdError(kErrMemberNotFound);
  if (options_.strict_reconfig_check && !m.is_learner) {
    const std::vector<Member> members = membership_.List();
    const size_t voters_after = Voters(members) - 1;
    if (StartedVoters(members, m.id) < voters_after / 2 + 1) return EtcdError(kErrMemberNotEnoughStarted);
  }
  ApplyResult res;
  CAIRN_RETURN_IF_ERROR(ProposeConfChangeAndWait(raft::ConfChangeType::kRemoveNode, m, &res));
  FillHeader(resp->mutable_header());
  resp->mutable_header()->clear_revision();
  FillMembers(resp->mutable_members());
  return Status::Ok();
}

Status EtcdServer::MemberUpdate(const etcdserverpb::MemberUpdateRequest& req,
                                etcdserverpb::MemberUpdateResponse* resp) {
  if (!ValidUrls(req.peerurls())) return EtcdError(kErrMemberBadURLs);
  Member m;
  if (!membership_.Get(req.id(), &m)) return EtcdError(kErrMemberNotFound);
  if (PeerUrlTaken(membership_.List(), {req.peerurls().begin(), req.peerurls().end()}, m.id)) {
    return EtcdError(kErrPeerURLExist);
  }
  InternalRequest ir;
  ir.mutable_member_update()->set_id(req.id());
  for (const std::string& u : req.peerurls()) ir.mutable_member_update()->add_peer_urls(u);
  ApplyResult res;
  CAIRN_RETURN_IF_ERROR(ProposeAndWait(std::move(ir), &res));
  FillHeader(resp->mutable_header());
  resp->mutable_header()->clear_revision();
  FillMembers(resp->mutable_members());
  return Status::Ok();
}

Status EtcdServer::MemberPromote(const etcdserverpb::MemberPromoteRequest& req,
                                 etcdserverpb::MemberPromoteResponse* resp) {
  Member m;
  if (!membership_.Get(req.id(), &m)) return EtcdError(kErrMemberNotFound);
  if (!m.is_learner) return EtcdError(kErrMemberNotLearner);
  // Only the leader knows the learner's progress (etcd forwards the request to it).
  if (!IsLeader()) return EtcdError(kErrNotLeader);
  const LogStatus st = log_->status();
  uint64_t leader_match = 0, learner_match = 0;
  for (const auto& [id, match] : st.match_index) {
    if (id == options_.member_id) leader_match = match;
    if (id == m.id) learner_match = match;
  }
  if (options_.strict_reconfig_check) {
    // etcd IsReadyToPromoteMember: the learner counts as a started voter.
    const std::vector<Member> members = membership_.List();
    const size_t voters_after = Voters(members) + 1;
    if (StartedVoters(members, 0) + 1 < voters_after / 2 + 1) return EtcdError(kErrMemberNotEnoughStarted);
  }
  // etcd isLearnerReady: the learner holds at least 90% of the leader's log.
  if (static_cast<double>(learner_match) < static_cast<double>(leader_match) * 0.9) {
    return EtcdError(kErrLearnerNotReady);
  }
  m.is_learner = false;
  ApplyResult res;
  CAIRN_RETURN_IF_ERROR(ProposeConfChangeAndWait(raft::ConfChangeType::kAddNode, m, &res));
  FillHeader(resp->mutable_header());
  resp->mutable_header()->clear_revision();
  FillMembers(resp->mutable_members());
  return Status::Ok();
}

Status EtcdServer::MoveLeader(const etcdserverpb::MoveLeaderRequest& req,
                              etcdserverpb::MoveLeaderResponse* resp) {
  if (!IsLeader()) return EtcdError(kErrNotLeader);
  Member target;
  if (req.targetid() == options_.member_id || !membership_.Get(req.targetid(), &target) ||
      target.is_learner) {
    return EtcdError(kErrBadLeaderTransferee);
  }
  CAIRN_RETURN_IF_ERROR(log_->TransferLeader(req.targetid()));
  const auto deadline = std::chrono::steady_clock::now() + options_.request_timeout;
  while (log_->leader().leader_id != req.targetid()) {
    if (std::chrono::steady_clock::now() >= deadline) return EtcdError(kErrTimeoutLeaderTransfer);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  FillHeader(resp->mutable_header());
  return Status::Ok();
}

void EtcdServer::PublishAttributes() {
  while (true) {
    {
      std::unique_lock<std::mutex> lock(loop_mu_);
      if (stopping_) return;
    }
    Member self;
    const bool known = membership_.Get(options_.member_id, &self);
    if (known && self.name == options_.name && self.client_urls == options_.client_urls) {
      // Published (also: restarted with the same attributes).
      std::lock_guard<std::mutex> lock(loop_mu_);
      published_ = true;
      loop_cv_.notify_all();
      return;
    }
    if (membership_.IsRemoved(options_.member_id)) return;
    if (!known) {
      // Not in the membership (yet: a joining member learns it from the leader's snapshot).
      std::unique_lock<std::mutex> lock(loop_mu_);
      loop_cv_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stopping_; });
      continue;
    }
    InternalRequest ir;
    ir.mutable_member_attributes()->set_id(options_.member_id);
    ir.mutable_member_attributes()->set_name(options_.name);
    for (const std::string& u : options_.client_urls) ir.mutable_member_attributes()->add_client_urls(u);
    ApplyResult res;
    if (ProposeAndWait(std::move(ir), &res).ok()) continue;  // re-check what was applied
    std::unique_lock<std::mutex> lock(loop_mu_);
    loop_cv_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stopping_; });
  }
}

bool EtcdServer::WaitPublished(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(loop_mu_);
  return loop_cv_.wait_for(lock, timeout, [this] { return published_ || stopping_; }) && published_;
}

void EtcdServer::OnLeaderChange(uint64_t leader, uint64_t /*term*/) {
  if (lessor_ == nullptr) return;
  if (leader == options_.member_id) {
    lessor_->Promote(options_.election_timeout);
  } else {
    lessor_->Demote();
  }
}

// ---- Apply side ----

raft::ConfChange EtcdServer::ApplyConfChange(const LogEntry& entry, const raft::ConfChange& cc) {
  if (entry.index <= kv_->consistent_index()) return cc;  // the backend holds its effects already
  ConfChangeContext ctx;
  Member m;
  const bool decoded = ctx.ParseFromString(cc.context) && DecodeMemberJson(ctx.member_json(), &m);
  raft::ConfChange out = cc;
  ApplyResult res;
  bool removed = false;
  if (!decoded || m.id != cc.node_id) {
    res.status = EtcdError(kErrMemberNotFound);
  } else if (cc.type == raft::ConfChangeType::kRemoveNode) {
    if (!membership_.Contains(m.id)) res.status = EtcdError(kErrMemberNotFound);
    removed = true;
  } else if (membership_.IsRemoved(m.id)) {
    res.status = EtcdError(kErrMemberNotFound);
  } else if (membership_.Contains(m.id)) {
    Member existing;
    membership_.Get(m.id, &existing);
    // Adding an existing learner as a voter is a promotion; anything else is a duplicate.
    if (cc.type == raft::ConfChangeType::kAddNode && existing.is_learner) {
      existing.is_learner = false;
      m = existing;
    } else {
      res.status = EtcdError(kErrMemberExist);
    }
  }
  if (!res.status.ok()) out = raft::ConfChange{raft::ConfChangeType::kAddNode, raft::kNoNode, {}};
  {
    std::lock_guard<std::mutex> lock(apply_commit_mu_);
    kv_->SetConsistentIndex(entry.index, entry.term);
    backend::BatchTx* tx = backend_->batch_tx();
    backend::BatchTxLock tx_lock(tx);
    if (res.status.ok()) {
      if (removed) {
        membership_.UnsafeRemove(tx, m.id);
      } else {
        membership_.UnsafeSave(tx, m);
      }
    }
  }
  if (res.status.ok()) {
    if (options_.on_member_change) options_.on_member_change(m, removed);
    if (removed && m.id == options_.member_id && options_.on_removed) options_.on_removed();
  }
  wait_.Trigger(ctx.request_id(), std::move(res));
  return out;
}

ApplyResult EtcdServer::ApplyMemberAttributes(const MemberAttributesRequest& req) {
  ApplyResult res;
  Member m;
  if (membership_.Get(req.id(), &m)) {
    m.name = req.name();
    m.client_urls.assign(req.client_urls().begin(), req.client_urls().end());
    backend::BatchTx* tx = backend_->batch_tx();
    backend::BatchTxLock tx_lock(tx);
    membership_.UnsafeSave(tx, m);
  } else {
    res.status = EtcdError(kErrMemberNotFound);
  }
  return res;
}

ApplyResult EtcdServer::ApplyMemberUpdate(const MemberUpdateRequest& req) {
  ApplyResult res;
  Member m;
  if (!membership_.Get(req.id(), &m)) {
    res.status = EtcdError(kErrMemberNotFound);
    return res;
  }
  m.peer_urls.assign(req.peer_urls().begin(), req.peer_urls().end());
  {
    backend::BatchTx* tx = backend_->batch_tx();
    backend::BatchTxLock tx_lock(tx);
    membership_.UnsafeSave(tx, m);
  }
  if (options_.on_member_change) options_.on_member_change(m, false);
  return res;
}

void EtcdServer::InstallSnapshot(const std::string& db_path, uint64_t index) {
  if (!options_.on_install_snapshot) {
    std::fprintf(stderr, "etcdserver: received a snapshot at index %llu but cannot install it\n",
                 static_cast<unsigned long long>(index));
    std::abort();
  }
  options_.on_install_snapshot(db_path, index);
}

uint64_t EtcdServer::MakeDurable() {
  std::lock_guard<std::mutex> lock(apply_commit_mu_);
  if (Status st = kv_->Commit(); !st.ok()) {
    std::fprintf(stderr, "etcdserver: backend commit failed: %s\n", st.ToString().c_str());
    std::abort();  // the WAL is the source of truth; the state on disk is unknown
  }
  return kv_->consistent_index();
}

}  // namespace cairn::etcdserver

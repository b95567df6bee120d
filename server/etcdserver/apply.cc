// The apply side of EtcdServer: what the Log's apply thread does with each committed entry.
#include "server/etcdserver/errors.h"
#include "server/etcdserver/server.h"
#include "storage/mvcc/proto_convert.h"

namespace cairn::etcdserver {
namespace {

template <typename T>
std::shared_ptr<T> Make() {
  return std::make_shared<T>();
}

}  // namespace

// ---- Apply (the Log's apply thread) ----

void EtcdServer::Apply(const LogEntry& entry) {
  // Raft may hand out again entries the backend already holds (after a restart, or up to the
  // consistent index of a db received as a snapshot): their effects are in the backend already.
  if (entry.index <= kv_->consistent_index()) return;
  if (entry.data.empty()) {
    // A new leader's empty entry: nothing to apply, but the consistent index moves on.
    std::lock_guard<std::mutex> lock(apply_commit_mu_);
    kv_->SetConsistentIndex(entry.index, entry.term);
    return;
  }
  InternalRequest req;
  // The entry was written by this server and verified by the WAL's CRC: undecodable bytes are a
  // broken invariant, not bad input.
  bool parsed = req.ParseFromString(entry.data);
  assert(parsed);
  if (!parsed) std::abort();
  ApplyResult result;
  const auto apply_start = std::chrono::steady_clock::now();
  {
    // Every entry kind advances the consistent index; the pre-commit hook persists it with the
    // entry's effects (see apply_commit_mu_).
    std::lock_guard<std::mutex> lock(apply_commit_mu_);
    kv_->SetConsistentIndex(entry.index, entry.term);
    applying_index_ = entry.index;
    // A client's write is rechecked against the auth state of its position in the log.
    result.status = CheckApplyPermission(req);
    if (result.status.ok()) result = ApplyRequest(req);
  }
  if (const auto took = std::chrono::steady_clock::now() - apply_start;
      took > options_.warning_apply_duration && options_.on_slow_apply) {
    options_.on_slow_apply(req, result, took);
  }
  wait_.Trigger(req.header().id(), std::move(result));
}

ApplyResult EtcdServer::ApplyRequest(const InternalRequest& req) {
  ApplyResult res;
  if (RefusedByCorruptAlarm(req, &res)) return res;
  switch (req.request_case()) {
    case InternalRequest::kPut: {
      if (NoSpace()) {
        res.status = EtcdError(kErrNoSpace);
        break;
      }
      mvcc::PutResponse r;
      res.status = ToEtcdError(kv_->Put(mvcc::FromProto(req.put()), &r));
      auto pb = Make<etcdserverpb::PutResponse>();
      if (res.status.ok()) {
        mvcc::ToProto(r, pb.get());
        FillHeader(pb->mutable_header(), r.revision);
      }
      res.response = pb;
      break;
    }
    case InternalRequest::kDeleteRange: {
      mvcc::DeleteRangeResponse r;
      res.status = ToEtcdError(kv_->DeleteRange(mvcc::FromProto(req.delete_range()), &r));
      auto pb = Make<etcdserverpb::DeleteRangeResponse>();
      if (res.status.ok()) {
        mvcc::ToProto(r, pb.get());
        FillHeader(pb->mutable_header(), r.revision);
      }
      res.response = pb;
      break;
    }
    case InternalRequest::kTxn: {
      if (NoSpace()) {
        res.status = EtcdError(kErrNoSpace);
        break;
      }
      mvcc::TxnResponse r;
      res.status = ToEtcdError(kv_->Txn(mvcc::FromProto(req.txn()), &r));
      auto pb = Make<etcdserverpb::TxnResponse>();
      if (res.status.ok()) {
        mvcc::ToProto(r, pb.get());
        FillHeader(pb->mutable_header(), r.revision);
      }
      res.response = pb;
      break;
    }
    case InternalRequest::kCompaction: {
      std::shared_future<void> done;
      res.status = ToEtcdError(kv_->Compact(req.compaction().revision(), &done));
      res.compaction_done = done;
      res.response = Make<etcdserverpb::CompactionResponse>();
      break;
    }
    case InternalRequest::kLeaseGrant: {
      if (NoSpace()) {
        res.status = EtcdError(kErrNoSpace);
        break;
      }
      int64_t granted = 0;
      const auto& g = req.lease_grant();
      res.status = ToEtcdError(lessor_->Grant(g.id(), g.ttl(), &granted));
      auto pb = Make<etcdserverpb::LeaseGrantResponse>();
      pb->set_id(g.id());
      pb->set_ttl(granted);
      FillHeader(pb->mutable_header());
      res.response = pb;
      break;
    }
    case InternalRequest::kLeaseRevoke: {
      res.status = ToEtcdError(lessor_->Revoke(req.lease_revoke().id()));
      auto pb = Make<etcdserverpb::LeaseRevokeResponse>();
      FillHeader(pb->mutable_header());
      res.response = pb;
      break;
    }
    case InternalRequest::kAlarm: res = ApplyAlarm(req.alarm()); break;
    case InternalRequest::kMemberAttributes: res = ApplyMemberAttributes(req.member_attributes()); break;
    case InternalRequest::kMemberUpdate: res = ApplyMemberUpdate(req.member_update()); break;
    case InternalRequest::REQUEST_NOT_SET: res.response = Make<etcdserverpb::PutResponse>(); break;
    default: res = ApplyAuth(req); break;  // the auth entries (auth.cc)
  }
  return res;
}

ApplyResult EtcdServer::ApplyAlarm(const etcdserverpb::AlarmRequest& req) {
  ApplyResult res;
  auto pb = Make<etcdserverpb::AlarmResponse>();
  std::pair<uint64_t, int> key{req.memberid(), req.alarm()};
  {
    std::lock_guard<std::mutex> lock(alarm_mu_);
    bool changed = false;
    if (req.action() == etcdserverpb::AlarmRequest::ACTIVATE && req.alarm() != etcdserverpb::NONE) {
      changed = alarms_.insert(key).second;
    } else if (req.action() == etcdserverpb::AlarmRequest::DEACTIVATE) {
      changed = alarms_.erase(key) > 0;
    }
    // etcd returns the alarm that changed (nothing when it did not).
    if (changed) {
      auto* m = pb->add_alarms();
      m->set_memberid(req.memberid());
      m->set_alarm(req.alarm());
    }
  }
  if (pb->alarms_size() > 0) {
    PersistAlarm(pb->alarms(0), req.action() == etcdserverpb::AlarmRequest::ACTIVATE);
  }
  FillHeader(pb->mutable_header());
  res.response = pb;
  return res;
}

}  // namespace cairn::etcdserver

// Alarms (NOSPACE, CORRUPT) and the backend quota: EtcdServer methods (contract in server.h).
#include "server/etcdserver/errors.h"
#include "server/etcdserver/server.h"

namespace cairn::etcdserver {

// ---- Alarms and quota ----

std::vector<etcdserverpb::AlarmType> EtcdServer::ActiveAlarms() const {
  std::lock_guard<std::mutex> lock(alarm_mu_);
  std::vector<etcdserverpb::AlarmType> out;
  out.reserve(alarms_.size());
  for (const auto& [member, type] : alarms_) out.push_back(static_cast<etcdserverpb::AlarmType>(type));
  return out;
}

bool EtcdServer::NoSpace() const {
  std::lock_guard<std::mutex> lock(alarm_mu_);
  for (const auto& [member, type] : alarms_) {
    if (type == etcdserverpb::NOSPACE) return true;
  }
  return false;
}

bool EtcdServer::RefusedByCorruptAlarm(const InternalRequest& req, ApplyResult* res) const {
  switch (req.request_case()) {
    case InternalRequest::kPut:
    case InternalRequest::kDeleteRange:
    case InternalRequest::kTxn:
    case InternalRequest::kCompaction:
    case InternalRequest::kLeaseGrant:
    case InternalRequest::kLeaseRevoke: break;
    default: return false;
  }
  std::lock_guard<std::mutex> lock(alarm_mu_);
  for (const auto& [member, type] : alarms_) {
    if (type == etcdserverpb::CORRUPT) {
      res->status = EtcdError(kErrCorrupt);
      return true;
    }
  }
  return false;
}

Status EtcdServer::CheckQuota(size_t cost) {
  // etcd backendQuota.Available: size + cost must stay within the quota; when it would not, the
  // NOSPACE alarm is raised through the log and the request fails.
  constexpr int64_t kLeaseOverhead = 64;
  if (db_size_bytes_.load() + static_cast<int64_t>(cost) + kLeaseOverhead <= options_.quota_backend_bytes) {
    return Status::Ok();
  }
  db_size_bytes_.store(backend_->size_bytes());
  if (db_size_bytes_.load() + static_cast<int64_t>(cost) + kLeaseOverhead <= options_.quota_backend_bytes) {
    return Status::Ok();
  }
  if (!NoSpace()) {
    etcdserverpb::AlarmRequest a;
    a.set_action(etcdserverpb::AlarmRequest::ACTIVATE);
    a.set_memberid(options_.member_id);
    a.set_alarm(etcdserverpb::NOSPACE);
    etcdserverpb::AlarmResponse ignored;
    (void)Alarm(a, &ignored);
  }
  return EtcdError(kErrNoSpace);
}

Status EtcdServer::Alarm(const etcdserverpb::AlarmRequest& req, etcdserverpb::AlarmResponse* resp) {
  if (req.action() == etcdserverpb::AlarmRequest::GET) {
    std::lock_guard<std::mutex> lock(alarm_mu_);
    for (const auto& [member, type] : alarms_) {
      if (req.alarm() != etcdserverpb::NONE && req.alarm() != type) continue;
      auto* m = resp->add_alarms();
      m->set_memberid(member);
      m->set_alarm(static_cast<etcdserverpb::AlarmType>(type));
    }
    FillHeader(resp->mutable_header());
    return Status::Ok();
  }
  InternalRequest ir;
  *ir.mutable_alarm() = req;
  ApplyResult res;
  CAIRN_RETURN_IF_ERROR(ProposeAndWait(std::move(ir), &res));
  resp->CopyFrom(*res.response);
  return Status::Ok();
}

// ---- The alarm bucket (etcd 3.4 etcdserver/api/v3alarm/alarms.go) ----
// key = the marshaled AlarmMember{MemberID, Alarm} (proto3: zero fields omitted, as gogo does),
// value = empty. Written at apply, so a restart restores alarms even when the WAL below the
// consistent index is gone.

namespace {
constexpr std::string_view kAlarmBucket = "alarm";
}  // namespace

Status EtcdServer::RestoreAlarms() {
  backend::BatchTx* tx = backend_->batch_tx();
  {
    backend::BatchTxLock lock(tx);
    tx->UnsafeCreateBucket(kAlarmBucket);
  }
  std::unique_ptr<backend::ReadView> view = backend_->Read();
  Status st;
  std::lock_guard<std::mutex> lock(alarm_mu_);
  view->UnsafeForEach(kAlarmBucket, [&](std::string_view k, std::string_view) {
    etcdserverpb::AlarmMember m;
    if (!m.ParseFromArray(k.data(), static_cast<int>(k.size()))) {
      st = Status::Corruption("alarm bucket: undecodable key");
      return false;
    }
    alarms_.insert({m.memberid(), static_cast<int>(m.alarm())});
    return true;
  });
  return st;
}

void EtcdServer::PersistAlarm(const etcdserverpb::AlarmMember& alarm, bool active) {
  const std::string key = alarm.SerializeAsString();
  backend::BatchTxLock lock(backend_->batch_tx());
  if (active) {
    backend_->batch_tx()->UnsafePut(kAlarmBucket, key, "");
  } else {
    backend_->batch_tx()->UnsafeDelete(kAlarmBucket, key);
  }
}

}  // namespace cairn::etcdserver

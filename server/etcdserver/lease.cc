// Lease RPCs and lease expiry of EtcdServer (contract in server.h). Grant and revoke go through
// the log; renew, time-to-live and list are served by this (leader) member.
#include <algorithm>

#include "server/etcdserver/errors.h"
#include "server/etcdserver/server.h"

namespace cairn::etcdserver {

// ---- Lease ----

Status EtcdServer::LeaseGrant(const etcdserverpb::LeaseGrantRequest& req,
                              etcdserverpb::LeaseGrantResponse* resp) {
  CAIRN_RETURN_IF_ERROR(RejectIfLearner());
  CAIRN_RETURN_IF_ERROR(CheckQuota(0));
  etcdserverpb::LeaseGrantRequest r = req;
  // etcd picks a positive ID from its request-ID generator until it finds a free one.
  while (r.id() == 0) {
    int64_t id = static_cast<int64_t>(NextRequestId() & ((uint64_t{1} << 63) - 1));
    if (!lessor_->LeaseExists(id)) r.set_id(id);
  }
  InternalRequest ir;
  *ir.mutable_lease_grant() = r;
  ApplyResult res;
  CAIRN_RETURN_IF_ERROR(ProposeAndWait(std::move(ir), &res));
  resp->CopyFrom(*res.response);
  return Status::Ok();
}

Status EtcdServer::LeaseRevoke(const etcdserverpb::LeaseRevokeRequest& req,
                               etcdserverpb::LeaseRevokeResponse* resp, const auth::AuthInfo& who) {
  CAIRN_RETURN_IF_ERROR(RejectIfLearner());
  InternalRequest ir;
  *ir.mutable_lease_revoke() = req;
  SetCaller(&ir, who);
  ApplyResult res;
  CAIRN_RETURN_IF_ERROR(ProposeAndWait(std::move(ir), &res));
  resp->CopyFrom(*res.response);
  return Status::Ok();
}

Status EtcdServer::LeaseRenew(int64_t id, etcdserverpb::LeaseKeepAliveResponse* resp) {
  // etcd waits for the applied index to catch up first, so a just-granted lease renews.
  CAIRN_RETURN_IF_ERROR(LinearizableReadNotify());
  int64_t ttl = 0;
  CAIRN_RETURN_IF_ERROR(ToEtcdError(lessor_->Renew(id, &ttl)));
  resp->set_id(id);
  resp->set_ttl(ttl);
  FillHeader(resp->mutable_header());
  return Status::Ok();
}

Status EtcdServer::LeaseTimeToLive(const etcdserverpb::LeaseTimeToLiveRequest& req,
                                   etcdserverpb::LeaseTimeToLiveResponse* resp, const auth::AuthInfo& who) {
  CAIRN_RETURN_IF_ERROR(LinearizableReadNotify());
  if (auth_->enabled()) CAIRN_RETURN_IF_ERROR(CheckLeaseKeys(who, req.id(), false));
  mvcc::LeaseInfo info;
  if (!lessor_->Lookup(req.id(), &info)) {
    // etcd answers an unknown lease with TTL -1 rather than an error.
    resp->set_id(req.id());
    resp->set_ttl(-1);
    FillHeader(resp->mutable_header());
    return Status::Ok();
  }
  resp->set_id(info.id);
  resp->set_ttl(info.remaining_seconds);
  resp->set_grantedttl(info.granted_ttl_seconds);
  if (req.keys()) {
    for (const std::string& k : info.keys) resp->add_keys(k);
  }
  FillHeader(resp->mutable_header());
  return Status::Ok();
}

Status EtcdServer::LeaseLeases(etcdserverpb::LeaseLeasesResponse* resp) {
  std::vector<mvcc::LeaseInfo> leases = lessor_->Leases();
  std::sort(leases.begin(), leases.end(),
            [](const mvcc::LeaseInfo& a, const mvcc::LeaseInfo& b) { return a.id < b.id; });
  for (const mvcc::LeaseInfo& l : leases) resp->add_leases()->set_id(l.id);
  FillHeader(resp->mutable_header());
  return Status::Ok();
}

void EtcdServer::LeaseLoop() {
  std::unique_lock<std::mutex> lock(loop_mu_);
  while (!stopping_) {
    loop_cv_.wait_for(lock, options_.lease_check_interval);
    if (stopping_) break;
    lock.unlock();
    for (mvcc::LeaseId id : lessor_->FindExpired()) {
      InternalRequest ir;
      ir.mutable_lease_revoke()->set_id(id);
      ir.mutable_header()->set_id(NextRequestId());
      (void)log_->Propose(ir.SerializeAsString());  // nobody waits; a failure retries later
    }
    lock.lock();
  }
}

}  // namespace cairn::etcdserver

#include "server/api/lock_service.h"

namespace cairn::api {

Status LockAcquire(etcdserver::EtcdServer* server, const v3lockpb::LockRequest& req,
                   const IsCancelled& cancelled, v3lockpb::LockResponse* resp) {
  int64_t lease = 0;
  CAIRN_RETURN_IF_ERROR(SessionLease(server, req.lease(), &lease));
  const std::string prefix = req.name() + "/";
  const std::string my_key = LeaseKey(prefix, lease);
  etcdserverpb::TxnRequest txn = CreateRevisionTxn(my_key, 0);
  etcdserverpb::PutRequest* put = txn.add_success()->mutable_request_put();
  put->set_key(my_key);
  put->set_lease(lease);
  *txn.add_success()->mutable_request_range() = CreateOrderRange(prefix, /*last=*/false);
  txn.add_failure()->mutable_request_range()->set_key(my_key);
  *txn.add_failure()->mutable_request_range() = CreateOrderRange(prefix, /*last=*/false);
  etcdserverpb::TxnResponse tr;
  CAIRN_RETURN_IF_ERROR(server->Txn(txn, &tr));
  int64_t my_rev = tr.header().revision();
  if (!tr.succeeded()) {
    const etcdserverpb::RangeResponse& mine = tr.responses(0).response_range();
    if (mine.kvs_size() > 0) my_rev = mine.kvs(0).create_revision();
  }
  resp->set_key(my_key);
  const etcdserverpb::RangeResponse& owner = tr.responses(1).response_range();
  if (owner.kvs_size() == 0 || owner.kvs(0).create_revision() == my_rev) {
    *resp->mutable_header() = tr.header();
    return Status::Ok();
  }
  // Then (etcd 3.5) make sure the waiter key still exists: its lease may have expired meanwhile.
  etcdserverpb::ResponseHeader waited;
  etcdserverpb::RangeRequest mine;
  mine.set_key(my_key);
  etcdserverpb::RangeResponse mr;
  Status st = WaitDeletes(server, prefix, my_rev - 1, cancelled, &waited);
  if (st.ok()) st = server->Range(mine, &mr);
  if (!st.ok()) {
    v3lockpb::UnlockRequest undo;
    undo.set_key(my_key);
    v3lockpb::UnlockResponse ignored;
    (void)LockRelease(server, undo, &ignored);
    resp->Clear();
    return st;
  }
  if (mr.kvs_size() == 0) {
    resp->Clear();
    return Status::InvalidArgument(std::string(kErrSessionExpired));
  }
  *resp->mutable_header() = mr.header();
  return Status::Ok();
}

Status LockRelease(etcdserver::EtcdServer* server, const v3lockpb::UnlockRequest& req,
                   v3lockpb::UnlockResponse* resp) {
  etcdserverpb::DeleteRangeRequest del;
  del.set_key(req.key());
  etcdserverpb::DeleteRangeResponse dr;
  CAIRN_RETURN_IF_ERROR(server->DeleteRange(del, &dr));
  *resp->mutable_header() = dr.header();
  return Status::Ok();
}

grpc::Status LockService::Lock(grpc::ServerContext* ctx, const v3lockpb::LockRequest* req,
                               v3lockpb::LockResponse* resp) {
  return ToRecipeStatus(LockAcquire(server_, *req, ContextCancelled(ctx), resp));
}

grpc::Status LockService::Unlock(grpc::ServerContext*, const v3lockpb::UnlockRequest* req,
                                 v3lockpb::UnlockResponse* resp) {
  return ToRecipeStatus(LockRelease(server_, *req, resp));
}

}  // namespace cairn::api

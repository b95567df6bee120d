#include "server/api/kv_service.h"

#include "server/api/rpc_errors.h"
#include "server/metrics/etcd_metrics.h"

namespace cairn::api {

grpc::Status KvService::Range(grpc::ServerContext*, const etcdserverpb::RangeRequest* req,
                              etcdserverpb::RangeResponse* resp) {
  metrics::Etcd().range_total.Inc();
  return ToGrpcStatus(server_->Range(*req, resp));
}

grpc::Status KvService::Put(grpc::ServerContext*, const etcdserverpb::PutRequest* req,
                            etcdserverpb::PutResponse* resp) {
  grpc::Status st = ToGrpcStatus(server_->Put(*req, resp));
  if (st.ok()) metrics::Etcd().put_total.Inc();
  return st;
}

grpc::Status KvService::DeleteRange(grpc::ServerContext*, const etcdserverpb::DeleteRangeRequest* req,
                                    etcdserverpb::DeleteRangeResponse* resp) {
  grpc::Status st = ToGrpcStatus(server_->DeleteRange(*req, resp));
  if (st.ok()) metrics::Etcd().delete_total.Inc();
  return st;
}

grpc::Status KvService::Txn(grpc::ServerContext*, const etcdserverpb::TxnRequest* req,
                            etcdserverpb::TxnResponse* resp) {
  grpc::Status st = ToGrpcStatus(server_->Txn(*req, resp));
  if (st.ok()) metrics::Etcd().txn_total.Inc();
  return st;
}

grpc::Status KvService::Compact(grpc::ServerContext*, const etcdserverpb::CompactionRequest* req,
                                etcdserverpb::CompactionResponse* resp) {
  return ToGrpcStatus(server_->Compact(*req, resp));
}

}  // namespace cairn::api

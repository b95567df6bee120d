// etcdserverpb.KV over the server core (etcd api/v3rpc/key.go). Validation and the write path
// live in the core; this class only converts errors (rpc_errors.h).
// Thread-safety: gRPC calls methods concurrently; the core is thread-safe.
#pragma once

#include "proto/rpc.grpc.pb.h"
#include "server/etcdserver/server.h"

namespace cairn::api {

class KvService final : public etcdserverpb::KV::Service {
 public:
  explicit KvService(etcdserver::EtcdServer* server) : server_(server) {}
  grpc::Status Range(grpc::ServerContext*, const etcdserverpb::RangeRequest* req,
                     etcdserverpb::RangeResponse* resp) override;
  grpc::Status Put(grpc::ServerContext*, const etcdserverpb::PutRequest* req,
                   etcdserverpb::PutResponse* resp) override;
  grpc::Status DeleteRange(grpc::ServerContext*, const etcdserverpb::DeleteRangeRequest* req,
                           etcdserverpb::DeleteRangeResponse* resp) override;
  grpc::Status Txn(grpc::ServerContext*, const etcdserverpb::TxnRequest* req,
                   etcdserverpb::TxnResponse* resp) override;
  grpc::Status Compact(grpc::ServerContext*, const etcdserverpb::CompactionRequest* req,
                       etcdserverpb::CompactionResponse* resp) override;

 private:
  etcdserver::EtcdServer* server_;
};

}  // namespace cairn::api

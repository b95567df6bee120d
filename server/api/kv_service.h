// etcdserverpb.KV over the server core (etcd api/v3rpc/key.go). Validation and the write path
// live in the core; this class only converts errors (rpc_errors.h).
//
// Range, Put, DeleteRange and Txn use gRPC's callback API: a handler hands the request to the
// core's *Async method and returns; the reactor finishes from the core's callback (the apply
// thread for a write, the timeout thread for "etcdserver: request timed out", inline for a
// rejected request or a read that needs no wait, a core read-pool thread for a linearizable read
// that waits). No gRPC thread blocks on a proposal, so 1000 in-flight writes cost no threads.
// Compact (rare; a physical compaction waits for the deletion) stays a synchronous method.
//
// Range is a raw method (request and response as grpc::ByteBuffer): the response is built by
// EncodeRangeResponse (range_wire.h) from the stored KeyValue bytes, which gRPC then sends from
// where they lie (the bolt mmap) without copying them; the backend read view stays alive until
// gRPC has released the message (the lifetime contract in range_wire.h). The bytes are the same as
// the typed method's (EtcdServer::Range's RangeResponse serialized).
//
// Thread-safety: gRPC calls methods concurrently; the core is thread-safe.
#pragma once

#include "proto/rpc.grpc.pb.h"
#include "server/etcdserver/server.h"

namespace cairn::api {

using KvServiceBase = etcdserverpb::KV::WithRawCallbackMethod_Range<
    etcdserverpb::KV::WithCallbackMethod_Put<etcdserverpb::KV::WithCallbackMethod_DeleteRange<
        etcdserverpb::KV::WithCallbackMethod_Txn<etcdserverpb::KV::Service>>>>;

class KvService final : public KvServiceBase {
 public:
  explicit KvService(etcdserver::EtcdServer* server) : server_(server) {}
  grpc::ServerUnaryReactor* Range(grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* req,
                                  grpc::ByteBuffer* resp) override;
  grpc::ServerUnaryReactor* Put(grpc::CallbackServerContext* ctx, const etcdserverpb::PutRequest* req,
                                etcdserverpb::PutResponse* resp) override;
  grpc::ServerUnaryReactor* DeleteRange(grpc::CallbackServerContext* ctx,
                                        const etcdserverpb::DeleteRangeRequest* req,
                                        etcdserverpb::DeleteRangeResponse* resp) override;
  grpc::ServerUnaryReactor* Txn(grpc::CallbackServerContext* ctx, const etcdserverpb::TxnRequest* req,
                                etcdserverpb::TxnResponse* resp) override;
  grpc::Status Compact(grpc::ServerContext*, const etcdserverpb::CompactionRequest* req,
                       etcdserverpb::CompactionResponse* resp) override;

 private:
  etcdserver::EtcdServer* server_;
};

}  // namespace cairn::api

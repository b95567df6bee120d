#include "server/api/kv_service.h"

#include "server/api/caller.h"
#include "server/api/range_wire.h"
#include "server/api/rpc_errors.h"
#include "server/metrics/etcd_metrics.h"

namespace cairn::api {
namespace {

// The core's callback for one unary RPC: moves the response into gRPC's, counts a success in
// `ok_total` (may be null) and finishes the reactor with etcd's status.
template <typename Resp>
etcdserver::EtcdServer::Done<Resp> Finisher(grpc::ServerUnaryReactor* reactor, Resp* out,
                                            metrics::Counter* ok_total) {
  return [reactor, out, ok_total](const Status& st, Resp* resp) {
    if (st.ok()) {
      out->Swap(resp);
      if (ok_total != nullptr) ok_total->Inc();
    }
    reactor->Finish(ToGrpcStatus(st));
  };
}

}  // namespace

grpc::ServerUnaryReactor* KvService::Range(grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* req,
                                           grpc::ByteBuffer* resp) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  // Parsed as the typed method's handler would be; the request must outlive the core's callback,
  // which owns it.
  auto parsed = std::make_shared<etcdserverpb::RangeRequest>();
  grpc::ByteBuffer bytes(*req);  // shares the slices; Deserialize consumes its argument
  if (!grpc::SerializationTraits<etcdserverpb::RangeRequest>::Deserialize(&bytes, parsed.get()).ok()) {
    // What gRPC's typed callback handler answers when the request does not parse (the handler,
    // and so the range counter, never runs).
    reactor->Finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, ""));
    return reactor;
  }
  metrics::Etcd().range_total.Inc();
  auth::AuthInfo who;
  if (Status st = CallerOf(*ctx, server_, &who); !st.ok()) {
    reactor->Finish(ToGrpcStatus(st));
    return reactor;
  }
  const etcdserverpb::RangeRequest& request = *parsed;
  server_->RangeResultAsync(
      request,
      [reactor, resp, parsed = std::move(parsed)](const Status& s, etcdserver::RangeResult* r) {
        if (s.ok()) EncodeRangeResponse(r->header, r->range, resp);
        reactor->Finish(ToGrpcStatus(s));
      },
      who);
  return reactor;
}

grpc::ServerUnaryReactor* KvService::Put(grpc::CallbackServerContext* ctx,
                                         const etcdserverpb::PutRequest* req,
                                         etcdserverpb::PutResponse* resp) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  auth::AuthInfo who;
  if (Status st = CallerOf(*ctx, server_, &who); !st.ok()) {
    reactor->Finish(ToGrpcStatus(st));
    return reactor;
  }
  server_->PutAsync(*req, Finisher(reactor, resp, &metrics::Etcd().put_total), who);
  return reactor;
}

grpc::ServerUnaryReactor* KvService::DeleteRange(grpc::CallbackServerContext* ctx,
                                                 const etcdserverpb::DeleteRangeRequest* req,
                                                 etcdserverpb::DeleteRangeResponse* resp) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  auth::AuthInfo who;
  if (Status st = CallerOf(*ctx, server_, &who); !st.ok()) {
    reactor->Finish(ToGrpcStatus(st));
    return reactor;
  }
  server_->DeleteRangeAsync(*req, Finisher(reactor, resp, &metrics::Etcd().delete_total), who);
  return reactor;
}

grpc::ServerUnaryReactor* KvService::Txn(grpc::CallbackServerContext* ctx,
                                         const etcdserverpb::TxnRequest* req,
                                         etcdserverpb::TxnResponse* resp) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  auth::AuthInfo who;
  if (Status st = CallerOf(*ctx, server_, &who); !st.ok()) {
    reactor->Finish(ToGrpcStatus(st));
    return reactor;
  }
  server_->TxnAsync(*req, Finisher(reactor, resp, &metrics::Etcd().txn_total), who);
  return reactor;
}

grpc::Status KvService::Compact(grpc::ServerContext*, const etcdserverpb::CompactionRequest* req,
                                etcdserverpb::CompactionResponse* resp) {
  return ToGrpcStatus(server_->Compact(*req, resp));
}

}  // namespace cairn::api

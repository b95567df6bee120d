// v3lockpb.Lock over the server core (etcd server/etcdserver/api/v3lock/lock.go, which runs
// clientv3/concurrency's Mutex against the local server).
//
// Lock(name, lease): the caller's waiter key is "<name>/<lease in hex>" (lease 0: a new 60 s
// lease). One transaction creates it with the lease (if its create revision is 0; otherwise the
// existing key is reused) and reads the first-created key under "<name>/". The caller owns the
// lock once its key is the first-created one: immediately, or after every key under the prefix
// created before it is deleted (WaitDeletes). After waiting, etcd 3.5's Mutex reads its key again:
// gone (its lease expired meanwhile) is "mutex: session is expired" (etcd 3.4 answered success).
// Answers the key and the header of the transaction (uncontended) or of that read. If the wait
// fails (the client went away, compaction) the waiter key is deleted before the error is
// returned, as etcd does.
// Unlock(key): deletes the key; answers the delete's header.
//
// The lease is not kept alive here (etcd orphans the session): the caller keeps it alive.
// Errors: gRPC code Unknown with etcd's text (concurrency.h).
// Thread-safety: gRPC calls methods concurrently; a waiting Lock holds one gRPC thread.
#pragma once

#include "proto/v3lock.grpc.pb.h"
#include "server/api/concurrency.h"
#include "server/etcdserver/server.h"

namespace cairn::api {

// concurrency.ErrSessionExpired (etcd 3.5).
inline constexpr std::string_view kErrSessionExpired = "mutex: session is expired";

// The operations, shared by the gRPC service and the JSON gateway.
Status LockAcquire(etcdserver::EtcdServer* server, const v3lockpb::LockRequest& req,
                   const IsCancelled& cancelled, v3lockpb::LockResponse* resp);
Status LockRelease(etcdserver::EtcdServer* server, const v3lockpb::UnlockRequest& req,
                   v3lockpb::UnlockResponse* resp);

class LockService final : public v3lockpb::Lock::Service {
 public:
  explicit LockService(etcdserver::EtcdServer* server) : server_(server) {}
  grpc::Status Lock(grpc::ServerContext* ctx, const v3lockpb::LockRequest* req,
                    v3lockpb::LockResponse* resp) override;
  grpc::Status Unlock(grpc::ServerContext* ctx, const v3lockpb::UnlockRequest* req,
                      v3lockpb::UnlockResponse* resp) override;

 private:
  etcdserver::EtcdServer* const server_;
};

}  // namespace cairn::api

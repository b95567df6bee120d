// The building blocks etcd's server-side lock and election services take from clientv3's
// `concurrency` package (session.go, key.go), written over the server core instead of a client:
// the session lease, the "<prefix><lease in hex>" key, the first/last-created key of a prefix, and
// waitDeletes (wait until no key under a prefix was created at or before a revision).
// lock_service.h and election_service.h are built from these.
//
// Waiting: a wait holds one watch on the key it waits for and wakes up at least every kCancelPoll
// to ask its IsCancelled; it then ends with kErrCanceled. StopAllWaits() (the process is shutting
// down) ends every wait with "etcdserver: server stopped". A wait holds its caller's thread.
//
// Errors: etcd's lock and election servers return what the embedded client returns as a plain Go
// error, so every error reaches the client as gRPC code Unknown with etcd's text (checked against
// etcd 3.4: "etcdserver: requested lease not found" is code 2); ToRecipeStatus does that mapping.
//
// Thread-safety: every function is thread-safe (the core is).
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "proto/rpc.pb.h"
#include "server/etcdserver/server.h"
#include "storage/mvcc/watchable_store.h"

namespace cairn::api {

// What a waiting call asks to know whether its caller is gone. May be empty (never).
using IsCancelled = std::function<bool()>;

inline constexpr std::chrono::milliseconds kCancelPoll{100};
// Go's context.Canceled text: the waiting call's client went away.
inline constexpr std::string_view kErrCanceled = "context canceled";
// concurrency.NewSession's default TTL, used when a request carries lease 0.
inline constexpr int64_t kDefaultSessionTtlSeconds = 60;

// Ends every wait in progress and every later one with "etcdserver: server stopped".
void StopAllWaits();

// Why a wait must end now (StopAllWaits, then `cancelled`), or Ok.
Status WaitInterrupted(const IsCancelled& cancelled);

// Watches as `options` says and hands each response to `on_response` until it returns true
// (Ok), the wait is interrupted (WaitInterrupted's error), or the start revision turns out to be
// compacted (Ok with *compacted = true).
using WatchResponseHandler = std::function<bool(const mvcc::WatchResponse&)>;
Status WatchUntil(etcdserver::EtcdServer* server, const mvcc::WatchOptions& options,
                  const IsCancelled& cancelled, const WatchResponseHandler& on_response, bool* compacted);

// The session's lease (concurrency.NewSession with WithLease): `lease` itself when non-zero (not
// checked here: a missing lease fails the write that uses it), else a new 60-second lease.
Status SessionLease(etcdserver::EtcdServer* server, int64_t lease, int64_t* out);

// "<prefix><lease>" with the lease written as Go's fmt "%x" writes an int64 ("-1a" if negative).
std::string LeaseKey(std::string_view prefix, int64_t lease);

// A range over `prefix` sorted by create revision, limit 1: the first-created key (clientv3
// WithFirstCreate) or, with `last`, the last-created one (WithLastCreate).
etcdserverpb::RangeRequest CreateOrderRange(std::string_view prefix, bool last);

// Waits until no key under `prefix` has create revision <= max_create_rev (concurrency's
// waitDeletes): repeatedly finds the last-created such key and waits for its deletion. On success
// *header is the header of the final (empty) range.
Status WaitDeletes(etcdserver::EtcdServer* server, std::string_view prefix, int64_t max_create_rev,
                   const IsCancelled& cancelled, etcdserverpb::ResponseHeader* header);

// A write transaction: if key's create revision equals `create_rev`, `then`, else `otherwise`.
etcdserverpb::TxnRequest CreateRevisionTxn(std::string_view key, int64_t create_rev);

// The status etcd's lock/election servers answer for a core error (see above).
grpc::Status ToRecipeStatus(const Status& status);

// A ServerContext as an IsCancelled.
IsCancelled ContextCancelled(grpc::ServerContext* ctx);

}  // namespace cairn::api

// The /v3/ JSON gateway (etcd's grpc-gateway v1 mux, embed/serve.go): POST a JSON request to
// /v3/<service>/<method>, get the JSON response. JSON as grpc-gateway's default JSONPb marshaler
// writes it: proto field names (`cluster_id`), int64 as strings, bytes as base64, zero values
// omitted. Errors: the HTTP status grpc-gateway maps the gRPC code to, body
// {"error":"<msg>","message":"<msg>","code":<grpc code>}; other methods than POST: 405.
//
// Routes: kv/{range,put,deleterange,txn,compaction}; lease/{grant,revoke,timetolive,leases,
// keepalive} (also under kv/lease/ as etcd keeps them); maintenance/{alarm,status,defragment,hash,
// hashkv}; cluster/member/list; watch (one create request in the body, then a chunked stream of
// {"result":{...}} lines until the client disconnects); lock/{lock,unlock} and
// election/{campaign,proclaim,leader,resign,observe} (lock_service.h, election_service.h; their
// errors are code Unknown like etcd's; observe streams like watch). /v3beta/ is mapped to /v3/ by the
// ClientAccessController in front of the mux.
//
// Thread-safety: handlers run concurrently on connection threads; the server core is thread-safe.
#pragma once

#include "server/etcdserver/server.h"
#include "server/http/mux.h"

namespace cairn::api {

void InstallGateway(http::Mux* mux, etcdserver::EtcdServer* server);

// grpc-gateway v1's HTTPStatusFromCode.
int HttpStatusFromGrpcCode(int code);

}  // namespace cairn::api

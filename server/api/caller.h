// Who is calling: the credentials of a gRPC call or a gateway request, resolved against the
// server's auth store (etcd's AuthInfoFromCtx / AuthInfoFromTLS).
//
// gRPC: metadata "token" (clientv3), else "authorization" (grpc-gateway, some clients); without a
// token, the verified client-certificate CN of the connection (http::PeerCommonName; used only
// with --client-cert-auth, see ServerOptions::client_cert_auth). Gateway: the `Authorization`
// header. With auth off nothing is parsed and the caller is kNoCaller, so the hot path with auth
// off costs one atomic load.
#pragma once

#include <grpcpp/grpcpp.h>

#include "base/status.h"
#include "server/auth/auth_info.h"
#include "server/etcdserver/server.h"
#include "server/http/message.h"

namespace cairn::api {

Status CallerOf(const grpc::ServerContextBase& ctx, etcdserver::EtcdServer* s, auth::AuthInfo* out);
Status CallerOf(const http::Request& r, etcdserver::EtcdServer* s, auth::AuthInfo* out);

// Copies the call's token metadata into a call forwarded to the leader, which checks it again
// (simple tokens are assigned on every member, JWTs verify anywhere).
void ForwardCredentials(const grpc::ServerContextBase& from, grpc::ClientContext* to);

// The caller, who must hold the root role when auth is on (etcd IsAdminPermitted: Defragment,
// Hash, HashKV, Snapshot, member changes).
template <typename Ctx>
Status RequireAdmin(const Ctx& ctx, etcdserver::EtcdServer* s) {
  if (!s->auth_store()->enabled()) return Status::Ok();
  auth::AuthInfo who;
  CAIRN_RETURN_IF_ERROR(CallerOf(ctx, s, &who));
  return s->auth_store()->CheckAdmin(who);
}

}  // namespace cairn::api

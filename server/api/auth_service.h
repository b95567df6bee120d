// etcdserverpb.Auth over the server core (etcd api/v3rpc/auth.go): every method resolves the
// caller (caller.h) and hands it to the core, which proposes the change through Raft or answers a
// read after a linearizable read point; errors are etcd's (rpc_errors.h).
//
// Thread-safety: gRPC calls methods concurrently; the core is thread-safe. Methods are synchronous
// (Authenticate runs bcrypt on the RPC thread, as etcd does).
#pragma once

#include "proto/rpc.grpc.pb.h"
#include "server/etcdserver/server.h"

namespace cairn::api {

class AuthService final : public etcdserverpb::Auth::Service {
 public:
  explicit AuthService(etcdserver::EtcdServer* server) : server_(server) {}
  grpc::Status AuthEnable(grpc::ServerContext* ctx, const etcdserverpb::AuthEnableRequest* req,
                          etcdserverpb::AuthEnableResponse* resp) override;
  grpc::Status AuthDisable(grpc::ServerContext* ctx, const etcdserverpb::AuthDisableRequest* req,
                           etcdserverpb::AuthDisableResponse* resp) override;
  grpc::Status AuthStatus(grpc::ServerContext* ctx, const etcdserverpb::AuthStatusRequest* req,
                          etcdserverpb::AuthStatusResponse* resp) override;
  grpc::Status Authenticate(grpc::ServerContext* ctx, const etcdserverpb::AuthenticateRequest* req,
                            etcdserverpb::AuthenticateResponse* resp) override;
  grpc::Status UserAdd(grpc::ServerContext* ctx, const etcdserverpb::AuthUserAddRequest* req,
                       etcdserverpb::AuthUserAddResponse* resp) override;
  grpc::Status UserGet(grpc::ServerContext* ctx, const etcdserverpb::AuthUserGetRequest* req,
                       etcdserverpb::AuthUserGetResponse* resp) override;
  grpc::Status UserList(grpc::ServerContext* ctx, const etcdserverpb::AuthUserListRequest* req,
                        etcdserverpb::AuthUserListResponse* resp) override;
  grpc::Status UserDelete(grpc::ServerContext* ctx, const etcdserverpb::AuthUserDeleteRequest* req,
                          etcdserverpb::AuthUserDeleteResponse* resp) override;
  grpc::Status UserChangePassword(grpc::ServerContext* ctx,
                                  const etcdserverpb::AuthUserChangePasswordRequest* req,
                                  etcdserverpb::AuthUserChangePasswordResponse* resp) override;
  grpc::Status UserGrantRole(grpc::ServerContext* ctx, const etcdserverpb::AuthUserGrantRoleRequest* req,
                             etcdserverpb::AuthUserGrantRoleResponse* resp) override;
  grpc::Status UserRevokeRole(grpc::ServerContext* ctx, const etcdserverpb::AuthUserRevokeRoleRequest* req,
                              etcdserverpb::AuthUserRevokeRoleResponse* resp) override;
  grpc::Status RoleAdd(grpc::ServerContext* ctx, const etcdserverpb::AuthRoleAddRequest* req,
                       etcdserverpb::AuthRoleAddResponse* resp) override;
  grpc::Status RoleGet(grpc::ServerContext* ctx, const etcdserverpb::AuthRoleGetRequest* req,
                       etcdserverpb::AuthRoleGetResponse* resp) override;
  grpc::Status RoleList(grpc::ServerContext* ctx, const etcdserverpb::AuthRoleListRequest* req,
                        etcdserverpb::AuthRoleListResponse* resp) override;
  grpc::Status RoleDelete(grpc::ServerContext* ctx, const etcdserverpb::AuthRoleDeleteRequest* req,
                          etcdserverpb::AuthRoleDeleteResponse* resp) override;
  grpc::Status RoleGrantPermission(grpc::ServerContext* ctx,
                                   const etcdserverpb::AuthRoleGrantPermissionRequest* req,
                                   etcdserverpb::AuthRoleGrantPermissionResponse* resp) override;
  grpc::Status RoleRevokePermission(grpc::ServerContext* ctx,
                                    const etcdserverpb::AuthRoleRevokePermissionRequest* req,
                                    etcdserverpb::AuthRoleRevokePermissionResponse* resp) override;

 private:
  // Resolves the caller of `ctx`, then runs `call(who)`; etcd's gRPC status either way.
  template <typename Call>
  grpc::Status AsCaller(grpc::ServerContext* ctx, Call&& call);
  etcdserver::EtcdServer* server_;
};

}  // namespace cairn::api

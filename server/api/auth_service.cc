#include "server/api/auth_service.h"

#include "server/api/caller.h"
#include "server/api/rpc_errors.h"

namespace cairn::api {

template <typename Call>
grpc::Status AuthService::AsCaller(grpc::ServerContext* ctx, Call&& call) {
  auth::AuthInfo who;
  Status st = CallerOf(*ctx, server_, &who);
  if (st.ok()) st = call(who);
  return ToGrpcStatus(st);
}

grpc::Status AuthService::AuthEnable(grpc::ServerContext* ctx, const etcdserverpb::AuthEnableRequest*,
                                     etcdserverpb::AuthEnableResponse* resp) {
  return AsCaller(ctx, [&](const auth::AuthInfo& who) { return server_->AuthEnable(who, resp); });
}

grpc::Status AuthService::AuthDisable(grpc::ServerContext* ctx, const etcdserverpb::AuthDisableRequest*,
                                      etcdserverpb::AuthDisableResponse* resp) {
  return AsCaller(ctx, [&](const auth::AuthInfo& who) { return server_->AuthDisable(who, resp); });
}

grpc::Status AuthService::AuthStatus(grpc::ServerContext*, const etcdserverpb::AuthStatusRequest*,
                                     etcdserverpb::AuthStatusResponse* resp) {
  return ToGrpcStatus(server_->AuthStatus(resp));
}

grpc::Status AuthService::Authenticate(grpc::ServerContext*, const etcdserverpb::AuthenticateRequest* req,
                                       etcdserverpb::AuthenticateResponse* resp) {
  return ToGrpcStatus(server_->Authenticate(*req, resp));
}

grpc::Status AuthService::UserAdd(grpc::ServerContext* ctx, const etcdserverpb::AuthUserAddRequest* req,
                                  etcdserverpb::AuthUserAddResponse* resp) {
  return AsCaller(ctx, [&](const auth::AuthInfo& who) { return server_->UserAdd(who, *req, resp); });
}

grpc::Status AuthService::UserGet(grpc::ServerContext* ctx, const etcdserverpb::AuthUserGetRequest* req,
                                  etcdserverpb::AuthUserGetResponse* resp) {
  return AsCaller(ctx, [&](const auth::AuthInfo& who) { return server_->UserGet(who, *req, resp); });
}

grpc::Status AuthService::UserList(grpc::ServerContext* ctx, const etcdserverpb::AuthUserListRequest*,
                                   etcdserverpb::AuthUserListResponse* resp) {
  return AsCaller(ctx, [&](const auth::AuthInfo& who) { return server_->UserList(who, resp); });
}

grpc::Status AuthService::UserDelete(grpc::ServerContext* ctx, const etcdserverpb::AuthUserDeleteRequest* req,
                                     etcdserverpb::AuthUserDeleteResponse* resp) {
  return AsCaller(ctx, [&](const auth::AuthInfo& who) { return server_->UserDelete(who, *req, resp); });
}

grpc::Status AuthService::UserChangePassword(grpc::ServerContext* ctx,
                                             const etcdserverpb::AuthUserChangePasswordRequest* req,
                                             etcdserverpb::AuthUserChangePasswordResponse* resp) {
  return AsCaller(ctx,
                  [&](const auth::AuthInfo& who) { return server_->UserChangePassword(who, *req, resp); });
}

grpc::Status AuthService::UserGrantRole(grpc::ServerContext* ctx,
                                        const etcdserverpb::AuthUserGrantRoleRequest* req,
                                        etcdserverpb::AuthUserGrantRoleResponse* resp) {
  return AsCaller(ctx, [&](const auth::AuthInfo& who) { return server_->UserGrantRole(who, *req, resp); });
}

grpc::Status AuthService::UserRevokeRole(grpc::ServerContext* ctx,
                                         const etcdserverpb::AuthUserRevokeRoleRequest* req,
                                         etcdserverpb::AuthUserRevokeRoleResponse* resp) {
  return AsCaller(ctx, [&](const auth::AuthInfo& who) { return server_->UserRevokeRole(who, *req, resp); });
}

grpc::Status AuthService::RoleAdd(grpc::ServerContext* ctx, const etcdserverpb::AuthRoleAddRequest* req,
                                  etcdserverpb::AuthRoleAddResponse* resp) {
  return AsCaller(ctx, [&](const auth::AuthInfo& who) { return server_->RoleAdd(who, *req, resp); });
}

grpc::Status AuthService::RoleGet(grpc::ServerContext* ctx, const etcdserverpb::AuthRoleGetRequest* req,
                                  etcdserverpb::AuthRoleGetResponse* resp) {
  return AsCaller(ctx, [&](const auth::AuthInfo& who) { return server_->RoleGet(who, *req, resp); });
}

grpc::Status AuthService::RoleList(grpc::ServerContext* ctx, const etcdserverpb::AuthRoleListRequest*,
                                   etcdserverpb::AuthRoleListResponse* resp) {
  return AsCaller(ctx, [&](const auth::AuthInfo& who) { return server_->RoleList(who, resp); });
}

grpc::Status AuthService::RoleDelete(grpc::ServerContext* ctx, const etcdserverpb::AuthRoleDeleteRequest* req,
                                     etcdserverpb::AuthRoleDeleteResponse* resp) {
  return AsCaller(ctx, [&](const auth::AuthInfo& who) { return server_->RoleDelete(who, *req, resp); });
}

grpc::Status AuthService::RoleGrantPermission(grpc::ServerContext* ctx,
                                              const etcdserverpb::AuthRoleGrantPermissionRequest* req,
                                              etcdserverpb::AuthRoleGrantPermissionResponse* resp) {
  return AsCaller(ctx,
                  [&](const auth::AuthInfo& who) { return server_->RoleGrantPermission(who, *req, resp); });
}

grpc::Status AuthService::RoleRevokePermission(grpc::ServerContext* ctx,
                                               const etcdserverpb::AuthRoleRevokePermissionRequest* req,
                                               etcdserverpb::AuthRoleRevokePermissionResponse* resp) {
  return AsCaller(ctx,
                  [&](const auth::AuthInfo& who) { return server_->RoleRevokePermission(who, *req, resp); });
}

}  // namespace cairn::api

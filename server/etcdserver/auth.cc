// Auth RPCs of EtcdServer and the permission recheck at apply (contract in server.h; etcd's
// v3_server.go Auth* methods, apply_auth.go's authApplierV3).
#include "server/auth/bcrypt.h"
#include "server/etcdserver/errors.h"
#include "server/etcdserver/server.h"

namespace cairn::etcdserver {

namespace {

template <typename T>
std::shared_ptr<T> Make() {
  return std::make_shared<T>();
}

// The auth entries: field numbers 20..31 of InternalRequest's oneof (internal.proto).
bool IsAuthEntry(const InternalRequest& req) {
  return req.request_case() >= InternalRequest::kAuthEnable &&
         req.request_case() <= InternalRequest::kAuthRoleRevokePermission;
}

auth::AuthInfo CallerOf(const InternalRequest& req) {
  return auth::AuthInfo{req.header().username(), req.header().auth_revision()};
}

}  // namespace

// ---- Credentials ----

Status EtcdServer::AuthInfoFrom(std::string_view token, std::string_view cert_cn, auth::AuthInfo* out) {
  *out = kNoCaller;
  if (!auth_->enabled()) return Status::Ok();
  if (!token.empty()) {
    if (!tokens_->Info(token, auth_->revision(), out)) return EtcdError(kErrInvalidAuthToken);
    return Status::Ok();
  }
  if (!cert_cn.empty() && options_.client_cert_auth) {
    // etcd AuthInfoFromTLS: the CN is the user, at the current revision.
    out->username = std::string(cert_cn);
    out->revision = auth_->revision();
  }
  return Status::Ok();
}

void EtcdServer::SetCaller(InternalRequest* req, const auth::AuthInfo& who) {
  RequestHeader* h = req->mutable_header();
  h->set_client(true);
  if (!who.username.empty()) {
    h->set_username(who.username);
    h->set_auth_revision(who.revision);
  }
}

// ---- The recheck at apply ----

Status EtcdServer::CheckLeaseKeys(const auth::AuthInfo& who, int64_t lease, bool write) {
  if (lease == 0) return Status::Ok();
  mvcc::LeaseInfo info;
  if (!lessor_->Lookup(lease, &info)) return Status::Ok();
  for (const std::string& key : info.keys) {
    CAIRN_RETURN_IF_ERROR(write ? auth_->CheckWrite(who, key, {}) : auth_->CheckRead(who, key, {}));
  }
  return Status::Ok();
}

Status EtcdServer::CheckTxnPermission(const auth::AuthInfo& who, const etcdserverpb::TxnRequest& txn) {
  for (const etcdserverpb::Compare& c : txn.compare()) {
    CAIRN_RETURN_IF_ERROR(auth_->CheckRead(who, c.key(), c.range_end()));
  }
  for (const auto* ops : {&txn.success(), &txn.failure()}) {
    for (const etcdserverpb::RequestOp& op : *ops) {
      switch (op.request_case()) {
        case etcdserverpb::RequestOp::kRequestRange:
          CAIRN_RETURN_IF_ERROR(
              auth_->CheckRead(who, op.request_range().key(), op.request_range().range_end()));
          break;
        case etcdserverpb::RequestOp::kRequestPut: {
          const auto& p = op.request_put();
          CAIRN_RETURN_IF_ERROR(auth_->CheckWrite(who, p.key(), {}));
          if (p.prev_kv()) CAIRN_RETURN_IF_ERROR(auth_->CheckRead(who, p.key(), {}));
          break;
        }
        case etcdserverpb::RequestOp::kRequestDeleteRange: {
          const auto& d = op.request_delete_range();
          if (d.prev_kv()) CAIRN_RETURN_IF_ERROR(auth_->CheckRead(who, d.key(), d.range_end()));
          CAIRN_RETURN_IF_ERROR(auth_->CheckWrite(who, d.key(), d.range_end()));
          break;
        }
        case etcdserverpb::RequestOp::kRequestTxn:
          CAIRN_RETURN_IF_ERROR(CheckTxnPermission(who, op.request_txn()));
          break;
        case etcdserverpb::RequestOp::REQUEST_NOT_SET: break;
      }
    }
  }
  return Status::Ok();
}

Status EtcdServer::CheckApplyPermission(const InternalRequest& req) {
  if (!req.header().client() || !auth_->enabled()) return Status::Ok();
  const auth::AuthInfo who = CallerOf(req);
  switch (req.request_case()) {
    case InternalRequest::kPut: {
      const auto& p = req.put();
      CAIRN_RETURN_IF_ERROR(auth_->CheckWrite(who, p.key(), {}));
      // A lease whose keys the user may not write cannot be attached to (nor revoked by) it.
      CAIRN_RETURN_IF_ERROR(CheckLeaseKeys(who, p.lease(), true));
      if (p.prev_kv()) CAIRN_RETURN_IF_ERROR(auth_->CheckRead(who, p.key(), {}));
      return Status::Ok();
    }
    case InternalRequest::kDeleteRange: {
      const auto& d = req.delete_range();
      CAIRN_RETURN_IF_ERROR(auth_->CheckWrite(who, d.key(), d.range_end()));
      if (d.prev_kv()) CAIRN_RETURN_IF_ERROR(auth_->CheckRead(who, d.key(), d.range_end()));
      return Status::Ok();
    }
    case InternalRequest::kTxn: return CheckTxnPermission(who, req.txn());
    case InternalRequest::kLeaseRevoke: return CheckLeaseKeys(who, req.lease_revoke().id(), true);
    case InternalRequest::kAuthenticate: return Status::Ok();
    default:
      // Every auth change needs the root role (etcd needAdminPermission).
      return IsAuthEntry(req) ? auth_->CheckAdmin(who) : Status::Ok();
  }
}

// ---- Apply of the auth entries ----

ApplyResult EtcdServer::ApplyAuth(const InternalRequest& req) {
  ApplyResult res;
  auto header = [this](auto pb) {
    FillHeader(pb->mutable_header());
    return pb;
  };
  switch (req.request_case()) {
    case InternalRequest::kAuthEnable:
      res.status = auth_->AuthEnable();
      if (res.status.ok()) tokens_->Enable();
      res.response = header(Make<etcdserverpb::AuthEnableResponse>());
      break;
    case InternalRequest::kAuthDisable:
      if (auth_->AuthDisable()) tokens_->Disable();
      res.response = header(Make<etcdserverpb::AuthDisableResponse>());
      break;
    case InternalRequest::kAuthenticate: {
      // etcd authStore.Authenticate: the password was checked by the proposer.
      const auto& a = req.authenticate();
      std::shared_ptr<const auth::AuthState> s = auth_->state();
      auto user = s->users.find(a.name());
      auto pb = Make<etcdserverpb::AuthenticateResponse>();
      if (!s->enabled) {
        res.status = EtcdError(kErrAuthNotEnabled);
      } else if (user == s->users.end() || user->second.options().no_password()) {
        res.status = EtcdError(kErrAuthFailed);
      } else {
        std::string token;
        res.status = tokens_->Assign(a.name(), s->revision, a.simple_token(), applying_index_, &token);
        pb->set_token(token);
      }
      res.response = header(pb);
      break;
    }
    case InternalRequest::kAuthUserAdd: {
      const auto& r = req.auth_user_add();
      res.status = auth_->UserAdd(r.name(), r.hashedpassword(), r.options().no_password());
      res.response = header(Make<etcdserverpb::AuthUserAddResponse>());
      break;
    }
    case InternalRequest::kAuthUserDelete:
      res.status = auth_->UserDelete(req.auth_user_delete().name());
      if (res.status.ok()) tokens_->InvalidateUser(req.auth_user_delete().name());
      res.response = header(Make<etcdserverpb::AuthUserDeleteResponse>());
      break;
    case InternalRequest::kAuthUserChangePassword: {
      const auto& r = req.auth_user_change_password();
      res.status = auth_->UserChangePassword(r.name(), r.hashedpassword());
      if (res.status.ok()) tokens_->InvalidateUser(r.name());
      res.response = header(Make<etcdserverpb::AuthUserChangePasswordResponse>());
      break;
    }
    case InternalRequest::kAuthUserGrantRole:
      res.status = auth_->UserGrantRole(req.auth_user_grant_role().user(), req.auth_user_grant_role().role());
      res.response = header(Make<etcdserverpb::AuthUserGrantRoleResponse>());
      break;
    case InternalRequest::kAuthUserRevokeRole:
      res.status =
          auth_->UserRevokeRole(req.auth_user_revoke_role().name(), req.auth_user_revoke_role().role());
      res.response = header(Make<etcdserverpb::AuthUserRevokeRoleResponse>());
      break;
    case InternalRequest::kAuthRoleAdd:
      res.status = auth_->RoleAdd(req.auth_role_add().name());
      res.response = header(Make<etcdserverpb::AuthRoleAddResponse>());
      break;
    case InternalRequest::kAuthRoleDelete:
      res.status = auth_->RoleDelete(req.auth_role_delete().role());
      res.response = header(Make<etcdserverpb::AuthRoleDeleteResponse>());
      break;
    case InternalRequest::kAuthRoleGrantPermission:
      res.status = auth_->RoleGrantPermission(req.auth_role_grant_permission().name(),
                                              req.auth_role_grant_permission().perm());
      res.response = header(Make<etcdserverpb::AuthRoleGrantPermissionResponse>());
      break;
    case InternalRequest::kAuthRoleRevokePermission: {
      const auto& r = req.auth_role_revoke_permission();
      res.status = auth_->RoleRevokePermission(r.role(), r.key(), r.range_end());
      res.response = header(Make<etcdserverpb::AuthRoleRevokePermissionResponse>());
      break;
    }
    default: std::abort();  // ApplyRequest routes only auth entries here
  }
  return res;
}

// ---- RPCs ----

Status EtcdServer::ProposeAuth(const auth::AuthInfo& who, InternalRequest req, ApplyResult* out) {
  CAIRN_RETURN_IF_ERROR(RejectIfLearner());
  SetCaller(&req, who);
  return ProposeAndWait(std::move(req), out);
}

template <typename Req, typename Resp>
Status EtcdServer::ProposeAuthChange(const auth::AuthInfo& who, Req* (InternalRequest::*field)(),
                                     const Req& req, Resp* resp) {
  InternalRequest ir;
  *(ir.*field)() = req;
  ApplyResult res;
  CAIRN_RETURN_IF_ERROR(ProposeAuth(who, std::move(ir), &res));
  resp->CopyFrom(*res.response);
  return Status::Ok();
}

Status EtcdServer::Authenticate(const etcdserverpb::AuthenticateRequest& req,
                                etcdserverpb::AuthenticateResponse* resp) {
  // etcd: retried when the auth revision moved between the password check and the apply (the
  // password may have changed in between).
  for (int attempt = 0; attempt < 16; ++attempt) {
    uint64_t checked = 0;
    CAIRN_RETURN_IF_ERROR(auth_->CheckPassword(req.name(), req.password(), &checked));
    InternalRequest ir;
    ir.mutable_authenticate()->set_name(req.name());
    ir.mutable_authenticate()->set_simple_token(tokens_->GenTokenPrefix());
    ApplyResult res;
    CAIRN_RETURN_IF_ERROR(ProposeAuth(kNoCaller, std::move(ir), &res));
    if (checked == auth_->revision()) {
      resp->CopyFrom(*res.response);
      return Status::Ok();
    }
  }
  return EtcdError(kErrAuthOldRevision);
}

Status EtcdServer::AuthEnable(const auth::AuthInfo& who, etcdserverpb::AuthEnableResponse* resp) {
  return ProposeAuthChange(who, &InternalRequest::mutable_auth_enable, {}, resp);
}

Status EtcdServer::AuthDisable(const auth::AuthInfo& who, etcdserverpb::AuthDisableResponse* resp) {
  return ProposeAuthChange(who, &InternalRequest::mutable_auth_disable, {}, resp);
}

Status EtcdServer::UserAdd(const auth::AuthInfo& who, etcdserverpb::AuthUserAddRequest req,
                           etcdserverpb::AuthUserAddResponse* resp) {
  if (req.name().empty()) return EtcdError(kErrUserEmpty);
  if (!req.options().no_password() && req.hashedpassword().empty()) {
    std::string hashed;
    CAIRN_RETURN_IF_ERROR(auth::BcryptHash(req.password(), options_.bcrypt_cost, &hashed));
    req.set_hashedpassword(hashed);
  }
  req.clear_password();  // never in the log
  return ProposeAuthChange(who, &InternalRequest::mutable_auth_user_add, req, resp);
}

Status EtcdServer::UserDelete(const auth::AuthInfo& who, const etcdserverpb::AuthUserDeleteRequest& req,
                              etcdserverpb::AuthUserDeleteResponse* resp) {
  return ProposeAuthChange(who, &InternalRequest::mutable_auth_user_delete, req, resp);
}

Status EtcdServer::UserChangePassword(const auth::AuthInfo& who,
                                      etcdserverpb::AuthUserChangePasswordRequest req,
                                      etcdserverpb::AuthUserChangePasswordResponse* resp) {
  if (req.hashedpassword().empty()) {
    std::string hashed;
    CAIRN_RETURN_IF_ERROR(auth::BcryptHash(req.password(), options_.bcrypt_cost, &hashed));
    req.set_hashedpassword(hashed);
  }
  req.clear_password();
  return ProposeAuthChange(who, &InternalRequest::mutable_auth_user_change_password, req, resp);
}

Status EtcdServer::UserGrantRole(const auth::AuthInfo& who, const etcdserverpb::AuthUserGrantRoleRequest& req,
                                 etcdserverpb::AuthUserGrantRoleResponse* resp) {
  return ProposeAuthChange(who, &InternalRequest::mutable_auth_user_grant_role, req, resp);
}

Status EtcdServer::UserRevokeRole(const auth::AuthInfo& who,
                                  const etcdserverpb::AuthUserRevokeRoleRequest& req,
                                  etcdserverpb::AuthUserRevokeRoleResponse* resp) {
  return ProposeAuthChange(who, &InternalRequest::mutable_auth_user_revoke_role, req, resp);
}

Status EtcdServer::RoleAdd(const auth::AuthInfo& who, const etcdserverpb::AuthRoleAddRequest& req,
                           etcdserverpb::AuthRoleAddResponse* resp) {
  return ProposeAuthChange(who, &InternalRequest::mutable_auth_role_add, req, resp);
}

Status EtcdServer::RoleDelete(const auth::AuthInfo& who, const etcdserverpb::AuthRoleDeleteRequest& req,
                              etcdserverpb::AuthRoleDeleteResponse* resp) {
  return ProposeAuthChange(who, &InternalRequest::mutable_auth_role_delete, req, resp);
}

Status EtcdServer::RoleGrantPermission(const auth::AuthInfo& who,
                                       const etcdserverpb::AuthRoleGrantPermissionRequest& req,
                                       etcdserverpb::AuthRoleGrantPermissionResponse* resp) {
  return ProposeAuthChange(who, &InternalRequest::mutable_auth_role_grant_permission, req, resp);
}

Status EtcdServer::RoleRevokePermission(const auth::AuthInfo& who,
                                        const etcdserverpb::AuthRoleRevokePermissionRequest& req,
                                        etcdserverpb::AuthRoleRevokePermissionResponse* resp) {
  return ProposeAuthChange(who, &InternalRequest::mutable_auth_role_revoke_permission, req, resp);
}

Status EtcdServer::AuthStatus(etcdserverpb::AuthStatusResponse* resp) {
  CAIRN_RETURN_IF_ERROR(LinearizableReadNotify());
  std::shared_ptr<const auth::AuthState> s = auth_->state();
  resp->set_enabled(s->enabled);
  resp->set_authrevision(s->revision);
  FillHeader(resp->mutable_header());
  return Status::Ok();
}

Status EtcdServer::UserGet(const auth::AuthInfo& who, const etcdserverpb::AuthUserGetRequest& req,
                           etcdserverpb::AuthUserGetResponse* resp) {
  CAIRN_RETURN_IF_ERROR(LinearizableReadNotify());
  if (Status admin = auth_->CheckAdmin(who); !admin.ok() && req.name() != who.username) return admin;
  std::shared_ptr<const auth::AuthState> s = auth_->state();
  auto it = s->users.find(req.name());
  if (it == s->users.end()) return EtcdError(kErrUserNotFound);
  for (const std::string& r : it->second.roles()) resp->add_roles(r);
  FillHeader(resp->mutable_header());
  return Status::Ok();
}

Status EtcdServer::UserList(const auth::AuthInfo& who, etcdserverpb::AuthUserListResponse* resp) {
  CAIRN_RETURN_IF_ERROR(LinearizableReadNotify());
  CAIRN_RETURN_IF_ERROR(auth_->CheckAdmin(who));
  std::shared_ptr<const auth::AuthState> s = auth_->state();
  for (const auto& [name, user] : s->users) resp->add_users(name);
  FillHeader(resp->mutable_header());
  return Status::Ok();
}

Status EtcdServer::RoleGet(const auth::AuthInfo& who, const etcdserverpb::AuthRoleGetRequest& req,
                           etcdserverpb::AuthRoleGetResponse* resp) {
  CAIRN_RETURN_IF_ERROR(LinearizableReadNotify());
  if (Status admin = auth_->CheckAdmin(who); !admin.ok() && !auth_->HasRole(who.username, req.role())) {
    return admin;
  }
  std::shared_ptr<const auth::AuthState> s = auth_->state();
  auto it = s->roles.find(req.role());
  if (it == s->roles.end()) return EtcdError(kErrRoleNotFound);
  for (const authpb::Permission& p : it->second.keypermission()) *resp->add_perm() = p;
  FillHeader(resp->mutable_header());
  return Status::Ok();
}

Status EtcdServer::RoleList(const auth::AuthInfo& who, etcdserverpb::AuthRoleListResponse* resp) {
  CAIRN_RETURN_IF_ERROR(LinearizableReadNotify());
  CAIRN_RETURN_IF_ERROR(auth_->CheckAdmin(who));
  std::shared_ptr<const auth::AuthState> s = auth_->state();
  for (const auto& [name, role] : s->roles) resp->add_roles(name);
  FillHeader(resp->mutable_header());
  return Status::Ok();
}

}  // namespace cairn::etcdserver

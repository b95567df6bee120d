#include "server/auth/auth_store.h"

#include <algorithm>

#include "server/auth/bcrypt.h"
#include "server/etcdserver/errors.h"

namespace cairn::auth {

using etcdserver::EtcdError;

namespace {

std::string BigEndian64(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[static_cast<size_t>(i)] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  return out;
}

}  // namespace

bool HasRootRole(const authpb::User& user) {
  return std::binary_search(user.roles().begin(), user.roles().end(), std::string(kRootRole));
}

void AuthState::RebuildAccess() {
  access.clear();
  for (const auto& [name, user] : users) {
    Access& a = access[name];
    a.root = HasRootRole(user);
    for (const std::string& role_name : user.roles()) {
      auto r = roles.find(role_name);
      if (r == roles.end()) continue;
      for (const authpb::Permission& p : r->second.keypermission()) a.perms.Grant(p);
    }
    a.perms.Finish();
  }
}

Status AuthStore::Open(backend::Backend* backend, std::unique_ptr<AuthStore>* out) {
  std::unique_ptr<AuthStore> s(new AuthStore(backend));
  {
    backend::BatchTxLock lock(backend->batch_tx());
    for (std::string_view b : {kAuthBucket, kAuthUsersBucket, kAuthRolesBucket}) {
      backend->batch_tx()->UnsafeCreateBucket(b);
    }
  }
  CAIRN_RETURN_IF_ERROR(s->Load());
  *out = std::move(s);
  return Status::Ok();
}

Status AuthStore::Load() {
  auto next = std::make_shared<AuthState>();
  std::unique_ptr<backend::ReadView> view = backend_->Read();
  std::string_view v;
  if (view->UnsafeGet(kAuthBucket, kAuthEnabledKey, &v)) next->enabled = v.size() == 1 && v[0] == 1;
  if (view->UnsafeGet(kAuthBucket, kAuthRevisionKey, &v)) {
    if (v.size() != 8) return Status::Corruption("auth bucket: authRevision is not 8 bytes");
    for (char c : v) next->revision = (next->revision << 8) | static_cast<uint8_t>(c);
  }
  Status st;
  view->UnsafeForEach(kAuthUsersBucket, [&](std::string_view k, std::string_view val) {
    authpb::User u;
    if (!u.ParseFromArray(val.data(), static_cast<int>(val.size()))) {
      st = Status::Corruption("authUsers bucket: undecodable user " + std::string(k));
      return false;
    }
    next->users[std::string(k)] = std::move(u);
    return true;
  });
  CAIRN_RETURN_IF_ERROR(st);
  view->UnsafeForEach(kAuthRolesBucket, [&](std::string_view k, std::string_view val) {
    authpb::Role r;
    if (!r.ParseFromArray(val.data(), static_cast<int>(val.size()))) {
      st = Status::Corruption("authRoles bucket: undecodable role " + std::string(k));
      return false;
    }
    next->roles[std::string(k)] = std::move(r);
    return true;
  });
  CAIRN_RETURN_IF_ERROR(st);
  next->RebuildAccess();
  if (next->revision == 0) {
    // etcd NewAuthStore: a store that never had a revision starts at 1 (0 means "no credentials").
    backend::BatchTxLock lock(backend_->batch_tx());
    CommitRevision(std::move(next), backend_->batch_tx());
    return Status::Ok();
  }
  Publish(std::move(next));
  return Status::Ok();
}

void AuthStore::Publish(std::shared_ptr<AuthState> next) {
  const bool enabled = next->enabled;
  const uint64_t revision = next->revision;
  state_.store(std::move(next), std::memory_order_release);
  revision_.store(revision, std::memory_order_release);
  enabled_.store(enabled, std::memory_order_release);
}

void AuthStore::PutUser(backend::BatchTx* tx, const authpb::User& u) {
  tx->UnsafePut(kAuthUsersBucket, u.name(), u.SerializeAsString());
}

void AuthStore::PutRole(backend::BatchTx* tx, const authpb::Role& r) {
  tx->UnsafePut(kAuthRolesBucket, r.name(), r.SerializeAsString());
}

void AuthStore::CommitRevision(std::shared_ptr<AuthState> next, backend::BatchTx* tx) {
  next->revision++;
  tx->UnsafePut(kAuthBucket, kAuthRevisionKey, BigEndian64(next->revision));
  next->RebuildAccess();
  Publish(std::move(next));
}

// ---- Checks ----

Status AuthStore::CheckOp(const AuthInfo& who, std::string_view key, std::string_view range_end,
                          bool write) const {
  if (!enabled()) return Status::Ok();
  if (who.revision == 0) return EtcdError(etcdserver::kErrUserEmpty);
  std::shared_ptr<const AuthState> s = state();
  if (who.revision < s->revision) return EtcdError(etcdserver::kErrAuthOldRevision);
  const AuthState::Access* a = s->Find(who.username);
  if (a == nullptr) return EtcdError(etcdserver::kErrPermissionDenied);
  if (a->root) return Status::Ok();
  const bool ok = write ? a->perms.CanWrite(key, range_end) : a->perms.CanRead(key, range_end);
  return ok ? Status::Ok() : EtcdError(etcdserver::kErrPermissionDenied);
}

Status AuthStore::CheckRead(const AuthInfo& who, std::string_view key, std::string_view range_end) const {
  return CheckOp(who, key, range_end, false);
}

Status AuthStore::CheckWrite(const AuthInfo& who, std::string_view key, std::string_view range_end) const {
  return CheckOp(who, key, range_end, true);
}

Status AuthStore::CheckAdmin(const AuthInfo& who) const {
  if (!enabled()) return Status::Ok();
  if (who.username.empty()) return EtcdError(etcdserver::kErrUserEmpty);
  std::shared_ptr<const AuthState> s = state();
  const AuthState::Access* a = s->Find(who.username);
  if (a == nullptr) return EtcdError(etcdserver::kErrUserNotFound);
  return a->root ? Status::Ok() : EtcdError(etcdserver::kErrPermissionDenied);
}

bool AuthStore::HasRole(std::string_view user, std::string_view role) const {
  std::shared_ptr<const AuthState> s = state();
  auto it = s->users.find(std::string(user));
  if (it == s->users.end()) return false;
  const auto& roles = it->second.roles();
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

Status AuthStore::CheckPassword(std::string_view user, std::string_view password, uint64_t* revision) const {
  std::shared_ptr<const AuthState> s = state();
  if (!s->enabled) return EtcdError(etcdserver::kErrAuthNotEnabled);
  auto it = s->users.find(std::string(user));
  if (it == s->users.end()) return EtcdError(etcdserver::kErrAuthFailed);
  // etcd ErrNoPasswordUser, which its togRPCError does not translate (code Unknown).
  if (it->second.options().no_password()) return EtcdError(etcdserver::kErrNoPasswordUser);
  if (!BcryptVerify(it->second.password(), password)) return EtcdError(etcdserver::kErrAuthFailed);
  *revision = s->revision;
  return Status::Ok();
}

// ---- Mutators ----

Status AuthStore::AuthEnable() {
  if (enabled()) return Status::Ok();  // etcd: already enabled, ignored
  std::shared_ptr<AuthState> next = Copy();
  auto root = next->users.find(std::string(kRootUser));
  if (root == next->users.end()) return EtcdError(etcdserver::kErrRootUserNotExist);
  if (!HasRootRole(root->second)) return EtcdError(etcdserver::kErrRootRoleNotExist);
  backend::BatchTxLock lock(backend_->batch_tx());
  backend_->batch_tx()->UnsafePut(kAuthBucket, kAuthEnabledKey, std::string(1, '\1'));
  next->enabled = true;  // etcd does not bump the revision on enable
  Publish(std::move(next));
  return Status::Ok();
}

bool AuthStore::AuthDisable() {
  if (!enabled()) return false;
  std::shared_ptr<AuthState> next = Copy();
  backend::BatchTxLock lock(backend_->batch_tx());
  backend_->batch_tx()->UnsafePut(kAuthBucket, kAuthEnabledKey, std::string(1, '\0'));
  next->enabled = false;
  CommitRevision(std::move(next), backend_->batch_tx());
  return true;
}

Status AuthStore::UserAdd(const std::string& name, const std::string& hashed, bool no_password) {
  if (name.empty()) return EtcdError(etcdserver::kErrUserEmpty);
  std::shared_ptr<AuthState> next = Copy();
  if (next->users.count(name) != 0) return EtcdError(etcdserver::kErrUserAlreadyExist);
  authpb::User u;
  u.set_name(name);
  if (!no_password) u.set_password(hashed);
  u.mutable_options()->set_no_password(no_password);
  backend::BatchTxLock lock(backend_->batch_tx());
  PutUser(backend_->batch_tx(), u);
  next->users[name] = std::move(u);
  CommitRevision(std::move(next), backend_->batch_tx());
  return Status::Ok();
}

Status AuthStore::UserDelete(const std::string& name) {
  if (enabled() && name == kRootUser) return EtcdError(etcdserver::kErrInvalidAuthMgmt);
  std::shared_ptr<AuthState> next = Copy();
  if (next->users.erase(name) == 0) return EtcdError(etcdserver::kErrUserNotFound);
  backend::BatchTxLock lock(backend_->batch_tx());
  backend_->batch_tx()->UnsafeDelete(kAuthUsersBucket, name);
  CommitRevision(std::move(next), backend_->batch_tx());
  return Status::Ok();
}

Status AuthStore::UserChangePassword(const std::string& name, const std::string& hashed) {
  std::shared_ptr<AuthState> next = Copy();
  auto it = next->users.find(name);
  if (it == next->users.end()) return EtcdError(etcdserver::kErrUserNotFound);
  it->second.set_password(hashed);
  backend::BatchTxLock lock(backend_->batch_tx());
  PutUser(backend_->batch_tx(), it->second);
  CommitRevision(std::move(next), backend_->batch_tx());
  return Status::Ok();
}

Status AuthStore::UserGrantRole(const std::string& user, const std::string& role) {
  std::shared_ptr<AuthState> next = Copy();
  auto it = next->users.find(user);
  if (it == next->users.end()) return EtcdError(etcdserver::kErrUserNotFound);
  if (role != kRootRole && next->roles.count(role) == 0) return EtcdError(etcdserver::kErrRoleNotFound);
  auto* roles = it->second.mutable_roles();
  if (std::binary_search(roles->begin(), roles->end(), role)) return Status::Ok();  // etcd: ignored
  roles->Add(std::string(role));
  std::sort(roles->begin(), roles->end());
  backend::BatchTxLock lock(backend_->batch_tx());
  PutUser(backend_->batch_tx(), it->second);
  CommitRevision(std::move(next), backend_->batch_tx());
  return Status::Ok();
}

Status AuthStore::UserRevokeRole(const std::string& user, const std::string& role) {
  if (enabled() && user == kRootUser && role == kRootRole) return EtcdError(etcdserver::kErrInvalidAuthMgmt);
  std::shared_ptr<AuthState> next = Copy();
  auto it = next->users.find(user);
  if (it == next->users.end()) return EtcdError(etcdserver::kErrUserNotFound);
  auto* roles = it->second.mutable_roles();
  auto pos = std::find(roles->begin(), roles->end(), role);
  if (pos == roles->end()) return EtcdError(etcdserver::kErrRoleNotGranted);
  roles->erase(pos);
  backend::BatchTxLock lock(backend_->batch_tx());
  PutUser(backend_->batch_tx(), it->second);
  CommitRevision(std::move(next), backend_->batch_tx());
  return Status::Ok();
}

Status AuthStore::RoleAdd(const std::string& name) {
  if (name.empty()) return EtcdError(etcdserver::kErrRoleEmpty);
  std::shared_ptr<AuthState> next = Copy();
  if (next->roles.count(name) != 0) return EtcdError(etcdserver::kErrRoleAlreadyExist);
  authpb::Role r;
  r.set_name(name);
  backend::BatchTxLock lock(backend_->batch_tx());
  PutRole(backend_->batch_tx(), r);
  next->roles[name] = std::move(r);
  CommitRevision(std::move(next), backend_->batch_tx());
  return Status::Ok();
}

Status AuthStore::RoleDelete(const std::string& name) {
  if (enabled() && name == kRootRole) return EtcdError(etcdserver::kErrInvalidAuthMgmt);
  std::shared_ptr<AuthState> next = Copy();
  if (next->roles.erase(name) == 0) return EtcdError(etcdserver::kErrRoleNotFound);
  backend::BatchTxLock lock(backend_->batch_tx());
  backend_->batch_tx()->UnsafeDelete(kAuthRolesBucket, name);
  // etcd drops the role from every user holding it.
  for (auto& [user_name, user] : next->users) {
    auto* roles = user.mutable_roles();
    auto pos = std::find(roles->begin(), roles->end(), name);
    if (pos == roles->end()) continue;
    roles->erase(pos);
    PutUser(backend_->batch_tx(), user);
  }
  CommitRevision(std::move(next), backend_->batch_tx());
  return Status::Ok();
}

Status AuthStore::RoleGrantPermission(const std::string& role, const authpb::Permission& perm) {
  std::shared_ptr<AuthState> next = Copy();
  auto it = next->roles.find(role);
  if (it == next->roles.end()) return EtcdError(etcdserver::kErrRoleNotFound);
  auto* perms = it->second.mutable_keypermission();
  auto same = std::find_if(perms->begin(), perms->end(), [&](const authpb::Permission& p) {
    return p.key() == perm.key() && p.range_end() == perm.range_end();
  });
  if (same != perms->end()) {
    same->set_permtype(perm.permtype());
  } else {
    *perms->Add() = perm;
    std::stable_sort(
        perms->begin(), perms->end(),
        [](const authpb::Permission& a, const authpb::Permission& b) { return a.key() < b.key(); });
  }
  backend::BatchTxLock lock(backend_->batch_tx());
  PutRole(backend_->batch_tx(), it->second);
  CommitRevision(std::move(next), backend_->batch_tx());
  return Status::Ok();
}

Status AuthStore::RoleRevokePermission(const std::string& role, const std::string& key,
                                       const std::string& range_end) {
  std::shared_ptr<AuthState> next = Copy();
  auto it = next->roles.find(role);
  if (it == next->roles.end()) return EtcdError(etcdserver::kErrRoleNotFound);
  auto* perms = it->second.mutable_keypermission();
  const int before = perms->size();
  for (int i = perms->size() - 1; i >= 0; --i) {
    if (perms->Get(i).key() == key && perms->Get(i).range_end() == range_end) perms->DeleteSubrange(i, 1);
  }
  if (perms->size() == before) return EtcdError(etcdserver::kErrPermissionNotGranted);
  backend::BatchTxLock lock(backend_->batch_tx());
  PutRole(backend_->batch_tx(), it->second);
  CommitRevision(std::move(next), backend_->batch_tx());
  return Status::Ok();
}

}  // namespace cairn::auth

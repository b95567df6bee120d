// AuthStore: etcd's v3 auth state (auth/store.go) over the backend's auth buckets.
//
// On disk (etcd 3.4/3.5 schema, docs/security.md): bucket "auth" holds "authEnabled" (one byte,
// 1 = on, 0 = off) and "authRevision" (8-byte big-endian); "authUsers" maps a user name to its
// marshaled authpb.User (password = the bcrypt hash, roles sorted); "authRoles" maps a role name
// to its marshaled authpb.Role (keyPermission sorted by key). Every change bumps the revision.
//
// In memory: an immutable AuthState (users, roles and each user's merged KeyPermissions), replaced
// as a whole on every change and read through an atomic shared pointer, so permission checks take
// no lock, decode no protobuf and run no bcrypt (the cache is rebuilt once per auth revision).
//
// Threading: the mutators (AuthEnable ... RoleRevokePermission) run on the server's apply thread
// only, in log order, each writing the buckets in one BatchTx round; every other method may be
// called from any thread. Mutators return etcd's client-facing errors (server/etcdserver/errors.h).
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "proto/auth.pb.h"
#include "server/auth/auth_info.h"
#include "server/auth/key_permissions.h"
#include "server/auth/string_view_hash.h"
#include "storage/backend/backend.h"

namespace cairn::auth {

inline constexpr std::string_view kAuthBucket = "auth";
inline constexpr std::string_view kAuthUsersBucket = "authUsers";
inline constexpr std::string_view kAuthRolesBucket = "authRoles";
inline constexpr std::string_view kAuthEnabledKey = "authEnabled";
inline constexpr std::string_view kAuthRevisionKey = "authRevision";
inline constexpr std::string_view kRootUser = "root";
inline constexpr std::string_view kRootRole = "root";

// One published version of the auth data.
struct AuthState {
  bool enabled = false;
  uint64_t revision = 0;
  std::map<std::string, authpb::User> users;  // byte order, like bolt's
  std::map<std::string, authpb::Role> roles;
  struct Access {
    bool root = false;  // holds the root role: every key, every admin call
    KeyPermissions perms;
  };
  // Per user, derived from users + roles.
  std::unordered_map<std::string, Access, StringViewHash, std::equal_to<>> access;

  const Access* Find(std::string_view user) const {
    auto it = access.find(user);
    return it == access.end() ? nullptr : &it->second;
  }
  // Recomputes `access` from users and roles.
  void RebuildAccess();
};

class AuthStore {
 public:
  // Creates the three buckets when missing and loads them. Corruption: an undecodable record.
  static Status Open(backend::Backend* backend, std::unique_ptr<AuthStore>* out);

  std::shared_ptr<const AuthState> state() const { return state_.load(std::memory_order_acquire); }
  bool enabled() const { return enabled_.load(std::memory_order_acquire); }
  uint64_t revision() const { return revision_.load(std::memory_order_acquire); }

  // etcd isOpPermitted: ok when auth is off; else kErrUserEmpty without credentials,
  // kErrAuthOldRevision when `who` was checked against an older revision, kErrPermissionDenied
  // when the user is gone or lacks the range. range_end as in RangeRequest.
  Status CheckRead(const AuthInfo& who, std::string_view key, std::string_view range_end) const;
  Status CheckWrite(const AuthInfo& who, std::string_view key, std::string_view range_end) const;
  // etcd IsAdminPermitted: the root role. kErrUserEmpty / kErrUserNotFound / kErrPermissionDenied.
  Status CheckAdmin(const AuthInfo& who) const;
  bool HasRole(std::string_view user, std::string_view role) const;

  // etcd CheckPassword (bcrypt, no lock held): kErrAuthNotEnabled, kErrAuthFailed (unknown user,
  // no-password user, wrong password). *revision: the auth revision the check saw.
  Status CheckPassword(std::string_view user, std::string_view password, uint64_t* revision) const;

  // ---- Mutators (apply thread). `hashed` is a bcrypt hash computed before proposing. ----
  Status AuthEnable();
  // Returns false when auth was already off (nothing written).
  bool AuthDisable();
  Status UserAdd(const std::string& name, const std::string& hashed, bool no_password);
  Status UserDelete(const std::string& name);
  Status UserChangePassword(const std::string& name, const std::string& hashed);
  Status UserGrantRole(const std::string& user, const std::string& role);
  Status UserRevokeRole(const std::string& user, const std::string& role);
  Status RoleAdd(const std::string& name);
  Status RoleDelete(const std::string& name);
  Status RoleGrantPermission(const std::string& role, const authpb::Permission& perm);
  Status RoleRevokePermission(const std::string& role, const std::string& key, const std::string& range_end);

 private:
  explicit AuthStore(backend::Backend* backend) : backend_(backend) {}
  Status Load();
  Status CheckOp(const AuthInfo& who, std::string_view key, std::string_view range_end, bool write) const;
  // Writes `next`'s changed records (done by the caller) plus a bumped revision, then publishes.
  void CommitRevision(std::shared_ptr<AuthState> next, backend::BatchTx* tx);
  void Publish(std::shared_ptr<AuthState> next);
  std::shared_ptr<AuthState> Copy() const { return std::make_shared<AuthState>(*state()); }
  static void PutUser(backend::BatchTx* tx, const authpb::User& u);
  static void PutRole(backend::BatchTx* tx, const authpb::Role& r);

  backend::Backend* const backend_;
  std::atomic<std::shared_ptr<const AuthState>> state_{std::make_shared<AuthState>()};
  // Copies of state()->enabled / revision for the hot path's first check.
  std::atomic<bool> enabled_{false};
  std::atomic<uint64_t> revision_{0};
};

// True when `user` holds the root role (roles are kept sorted).
bool HasRootRole(const authpb::User& user);

}  // namespace cairn::auth

// etcdctl role add|delete|get|list|grant-permission|revoke-permission (role_command.go).
#include "ctl/commands.h"

namespace cairn::ctl {
namespace {

bool perm_prefix = false, perm_from_key = false;

void DefineGrant(FlagSet* fs) {
  fs->Bool("prefix", &perm_prefix, false, "grant a prefix permission");
  fs->Bool("from-key", &perm_from_key, false,
           "grant a permission of keys that are greater than or equal to the given key using byte compare");
}
void DefineRevoke(FlagSet* fs) {
  fs->Bool("prefix", &perm_prefix, false, "revoke a prefix permission");
  fs->Bool("from-key", &perm_from_key, false,
           "revoke a permission of keys that are greater than or equal to the given key using byte compare");
}

// permRange: the key and range end the flags and arguments name.
std::pair<std::string, std::string> PermRange(const std::vector<std::string>& args) {
  std::string key = args[0], end;
  if (key.empty()) {
    if (perm_prefix && perm_from_key)
      ExitWithError(kExitBadArgs, "--from-key and --prefix flags are mutually exclusive");
    key = std::string("\0", 1);
    if (perm_prefix || perm_from_key) end = std::string("\0", 1);
    return {key, end};
  }
  if (args.size() == 1) {
    if (perm_prefix) {
      if (perm_from_key) ExitWithError(kExitBadArgs, "--from-key and --prefix flags are mutually exclusive");
      return {key, PrefixRangeEnd(key)};
    }
    if (perm_from_key) return {key, std::string("\0", 1)};
    return {key, ""};
  }
  if (perm_prefix) ExitWithError(kExitBadArgs, "unexpected endkey argument with --prefix flag");
  if (perm_from_key) ExitWithError(kExitBadArgs, "unexpected endkey argument with --from-key flag");
  return {key, args[1]};
}

int Add(Context& ctx) {
  if (ctx.args.size() != 1)
    ExitWithError(kExitBadArgs, "role add command requires role name as its argument");
  etcdserverpb::AuthRoleAddRequest req;
  req.set_name(ctx.args[0]);
  ctx.display().RoleAdd(ctx.args[0], MustCall(ctx, &etcdserverpb::Auth::Stub::RoleAdd, req, NoDeadline(),
                                              client::Idempotence::kMutable));
  return kExitSuccess;
}

int Delete(Context& ctx) {
  if (ctx.args.size() != 1)
    ExitWithError(kExitBadArgs, "role delete command requires role name as its argument");
  etcdserverpb::AuthRoleDeleteRequest req;
  req.set_role(ctx.args[0]);
  ctx.display().RoleDelete(ctx.args[0], MustCall(ctx, &etcdserverpb::Auth::Stub::RoleDelete, req,
                                                 NoDeadline(), client::Idempotence::kMutable));
  return kExitSuccess;
}

int Get(Context& ctx) {
  if (ctx.args.size() != 1)
    ExitWithError(kExitBadArgs, "role get command requires role name as its argument");
  etcdserverpb::AuthRoleGetRequest req;
  req.set_role(ctx.args[0]);
  ctx.display().RoleGet(ctx.args[0], MustCall(ctx, &etcdserverpb::Auth::Stub::RoleGet, req, NoDeadline(),
                                              client::Idempotence::kImmutable));
  return kExitSuccess;
}

int List(Context& ctx) {
  if (!ctx.args.empty()) ExitWithError(kExitBadArgs, "role list command requires no arguments");
  ctx.display().RoleList(MustCall(ctx, &etcdserverpb::Auth::Stub::RoleList,
                                  etcdserverpb::AuthRoleListRequest(), NoDeadline(),
                                  client::Idempotence::kImmutable));
  return kExitSuccess;
}

int Grant(Context& ctx) {
  if (ctx.args.size() < 3) {
    ExitWithError(kExitBadArgs,
                  "role grant command requires role name, permission type, and key [endkey] as its argument");
  }
  std::string type = ctx.args[1];
  for (char& c : type) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  authpb::Permission::Type perm;
  if (!authpb::Permission::Type_Parse(type, &perm))
    ExitWithError(kExitBadArgs, "invalid permission type: " + ctx.args[1]);
  const auto [key, end] = PermRange({ctx.args.begin() + 2, ctx.args.end()});
  etcdserverpb::AuthRoleGrantPermissionRequest req;
  req.set_name(ctx.args[0]);
  req.mutable_perm()->set_permtype(perm);
  req.mutable_perm()->set_key(key);
  req.mutable_perm()->set_range_end(end);
  ctx.display().RoleGrantPermission(ctx.args[0], MustCall(ctx, &etcdserverpb::Auth::Stub::RoleGrantPermission,
                                                          req, NoDeadline(), client::Idempotence::kMutable));
  return kExitSuccess;
}

int Revoke(Context& ctx) {
  if (ctx.args.size() < 2) {
    ExitWithError(kExitBadArgs,
                  "role revoke-permission command requires role name and key [endkey] as its argument");
  }
  const auto [key, end] = PermRange({ctx.args.begin() + 1, ctx.args.end()});
  etcdserverpb::AuthRoleRevokePermissionRequest req;
  req.set_role(ctx.args[0]);
  req.set_key(key);
  req.set_range_end(end);
  ctx.display().RoleRevokePermission(ctx.args[0], ctx.args[1], end,
                                     MustCall(ctx, &etcdserverpb::Auth::Stub::RoleRevokePermission, req,
                                              NoDeadline(), client::Idempotence::kMutable));
  return kExitSuccess;
}

}  // namespace

std::vector<Command> RoleCommands() {
  return {{"role add", "add <role name>", "Adds a new role", nullptr, Add},
          {"role delete", "delete <role name>", "Deletes a role", nullptr, Delete},
          {"role get", "get <role name>", "Gets detailed information of a role", nullptr, Get},
          {"role list", "list", "Lists all roles", nullptr, List},
          {"role grant-permission", "grant-permission [options] <role name> <permission type> <key> [endkey]",
           "Grants a key to a role", DefineGrant, Grant},
          {"role revoke-permission", "revoke-permission <role name> <key> [endkey]",
           "Revokes a key from a role", DefineRevoke, Revoke}};
}

}  // namespace cairn::ctl

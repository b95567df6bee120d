// etcdctl user add|delete|get|list|passwd|grant-role|revoke-role (user_command.go).
#include <cstdio>
#include <iostream>

#include "ctl/commands.h"

namespace cairn::ctl {
namespace {

bool interactive = true, no_password = false, show_detail = false;
std::string password_flag;

// readPasswordInteractive: asked twice on the terminal without echo.
std::string AskTwice(const std::string& name) {
  const std::string p1 = AskPasswordPrompt("Password of " + name + ": ");
  if (p1.empty()) ExitWithError(kExitBadArgs, "empty password");
  const std::string p2 = AskPasswordPrompt("Type password of " + name + " again for confirmation: ");
  if (p1 != p2) ExitWithError(kExitBadArgs, "given passwords are different");
  return p1;
}

std::string ScanWord() {  // fmt.Scanf("%s")
  std::string w;
  std::cin >> w;
  return w;
}

void DefineAdd(FlagSet* fs) {
  fs->Bool("interactive", &interactive, true, "Read password from stdin instead of interactive terminal");
  fs->String("new-user-password", &password_flag, "", "Supply password from the command line flag");
  fs->Bool("no-password", &no_password, false, "Create a user without password (CN based auth only)");
}
void DefineGet(FlagSet* fs) {
  fs->Bool("detail", &show_detail, false, "Show permissions of roles granted to the user");
}
void DefinePasswd(FlagSet* fs) {
  fs->Bool("interactive", &interactive, true,
           "If true, read password from stdin instead of interactive terminal");
}

int Add(Context& ctx) {
  if (ctx.args.size() != 1)
    ExitWithError(kExitBadArgs, "user add command requires user name as its argument");
  etcdserverpb::AuthUserAddRequest req;
  std::string user = ctx.args[0], password;
  if (no_password) {
    req.mutable_options()->set_no_password(true);
  } else if (!password_flag.empty()) {
    password = password_flag;
  } else {
    const size_t colon = user.find(':');
    if (colon == std::string::npos) {
      password = interactive ? AskTwice(user) : ScanWord();
    } else {
      password = user.substr(colon + 1);
      user = user.substr(0, colon);
      if (user.empty()) ExitWithError(kExitBadArgs, "empty user name is not allowed");
    }
  }
  req.set_name(user);
  req.set_password(password);
  ctx.display().UserAdd(user, MustCall(ctx, &etcdserverpb::Auth::Stub::UserAdd, req, NoDeadline(),
                                       client::Idempotence::kMutable));
  return kExitSuccess;
}

int Delete(Context& ctx) {
  if (ctx.args.size() != 1)
    ExitWithError(kExitBadArgs, "user delete command requires user name as its argument");
  etcdserverpb::AuthUserDeleteRequest req;
  req.set_name(ctx.args[0]);
  ctx.display().UserDelete(ctx.args[0], MustCall(ctx, &etcdserverpb::Auth::Stub::UserDelete, req,
                                                 NoDeadline(), client::Idempotence::kMutable));
  return kExitSuccess;
}

int Get(Context& ctx) {
  if (ctx.args.size() != 1)
    ExitWithError(kExitBadArgs, "user get command requires user name as its argument");
  etcdserverpb::AuthUserGetRequest req;
  req.set_name(ctx.args[0]);
  const auto resp =
      MustCall(ctx, &etcdserverpb::Auth::Stub::UserGet, req, NoDeadline(), client::Idempotence::kImmutable);
  if (!show_detail) {
    ctx.display().UserGet(ctx.args[0], resp);
    return kExitSuccess;
  }
  Out("User: " + ctx.args[0] + "\n");
  for (const std::string& role : resp.roles()) {
    Out("\n");
    etcdserverpb::AuthRoleGetRequest rreq;
    rreq.set_role(role);
    ctx.display().RoleGet(role, MustCall(ctx, &etcdserverpb::Auth::Stub::RoleGet, rreq, NoDeadline(),
                                         client::Idempotence::kImmutable));
  }
  return kExitSuccess;
}

int List(Context& ctx) {
  if (!ctx.args.empty()) ExitWithError(kExitBadArgs, "user list command requires no arguments");
  ctx.display().UserList(MustCall(ctx, &etcdserverpb::Auth::Stub::UserList,
                                  etcdserverpb::AuthUserListRequest(), NoDeadline(),
                                  client::Idempotence::kImmutable));
  return kExitSuccess;
}

int Passwd(Context& ctx) {
  if (ctx.args.size() != 1)
    ExitWithError(kExitBadArgs, "user passwd command requires user name as its argument");
  etcdserverpb::AuthUserChangePasswordRequest req;
  req.set_name(ctx.args[0]);
  req.set_password(interactive ? AskTwice(ctx.args[0]) : ScanWord());
  ctx.display().UserChangePassword(MustCall(ctx, &etcdserverpb::Auth::Stub::UserChangePassword, req,
                                            NoDeadline(), client::Idempotence::kMutable));
  return kExitSuccess;
}

int GrantRole(Context& ctx) {
  if (ctx.args.size() != 2) {
    ExitWithError(kExitBadArgs, "user grant command requires user name and role name as its argument");
  }
  etcdserverpb::AuthUserGrantRoleRequest req;
  req.set_user(ctx.args[0]);
  req.set_role(ctx.args[1]);
  ctx.display().UserGrantRole(ctx.args[0], ctx.args[1],
                              MustCall(ctx, &etcdserverpb::Auth::Stub::UserGrantRole, req, NoDeadline(),
                                       client::Idempotence::kMutable));
  return kExitSuccess;
}

int RevokeRole(Context& ctx) {
  if (ctx.args.size() != 2) {
    ExitWithError(kExitBadArgs, "user revoke-role requires user name and role name as its argument");
  }
  etcdserverpb::AuthUserRevokeRoleRequest req;
  req.set_name(ctx.args[0]);
  req.set_role(ctx.args[1]);
  ctx.display().UserRevokeRole(ctx.args[0], ctx.args[1],
                               MustCall(ctx, &etcdserverpb::Auth::Stub::UserRevokeRole, req, NoDeadline(),
                                        client::Idempotence::kMutable));
  return kExitSuccess;
}

}  // namespace

std::vector<Command> UserCommands() {
  return {{"user add", "add <user name or user:password> [options]", "Adds a new user", DefineAdd, Add},
          {"user delete", "delete <user name>", "Deletes a user", nullptr, Delete},
          {"user get", "get <user name> [options]", "Gets detailed information of a user", DefineGet, Get},
          {"user list", "list", "Lists all users", nullptr, List},
          {"user passwd", "passwd <user name> [options]", "Changes password of user", DefinePasswd, Passwd},
          {"user grant-role", "grant-role <user name> <role name>", "Grants a role to a user", nullptr,
           GrantRole},
          {"user revoke-role", "revoke-role <user name> <role name>", "Revokes a role from a user", nullptr,
           RevokeRole}};
}

}  // namespace cairn::ctl

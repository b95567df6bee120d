// etcdctl auth enable|disable|status (auth_command.go).
#include "ctl/commands.h"

namespace cairn::ctl {
namespace {

int Status(Context& ctx) {
  if (!ctx.args.empty()) ExitWithError(kExitBadArgs, "auth status command does not accept any arguments");
  etcdserverpb::AuthStatusResponse resp;
  const cairn::Status s =
      ctx.Client().Unary(&etcdserverpb::Auth::Stub::AuthStatus, etcdserverpb::AuthStatusRequest(), &resp,
                         ctx.CommandDeadline(), client::Idempotence::kImmutable);
  if (!s.ok()) ExitWithError(kExitError, s.message());
  ctx.display().AuthStatus(resp);
  return kExitSuccess;
}

// Enabling without a root role creates it and grants it to root first, as etcdctl does.
int Enable(Context& ctx) {
  if (!ctx.args.empty()) ExitWithError(kExitBadArgs, "auth enable command does not accept any arguments");
  client::Client& c = ctx.Client();
  const auto deadline = ctx.CommandDeadline();
  for (;;) {
    etcdserverpb::AuthEnableResponse resp;
    cairn::Status s = c.Unary(&etcdserverpb::Auth::Stub::AuthEnable, etcdserverpb::AuthEnableRequest(), &resp,
                              deadline, client::Idempotence::kMutable);
    if (s.ok()) break;
    if (s.message() != "etcdserver: root user does not have root role")
      ExitWithError(kExitError, s.message());
    etcdserverpb::AuthRoleAddRequest add;
    add.set_name("root");
    etcdserverpb::AuthRoleAddResponse added;
    s = c.Unary(&etcdserverpb::Auth::Stub::RoleAdd, add, &added, deadline, client::Idempotence::kMutable);
    if (!s.ok()) ExitWithError(kExitError, s.message());
    etcdserverpb::AuthUserGrantRoleRequest grant;
    grant.set_user("root");
    grant.set_role("root");
    etcdserverpb::AuthUserGrantRoleResponse granted;
    s = c.Unary(&etcdserverpb::Auth::Stub::UserGrantRole, grant, &granted, deadline,
                client::Idempotence::kMutable);
    if (!s.ok()) ExitWithError(kExitError, s.message());
  }
  Out("Authentication Enabled\n");
  return kExitSuccess;
}

int Disable(Context& ctx) {
  if (!ctx.args.empty()) ExitWithError(kExitBadArgs, "auth disable command does not accept any arguments");
  etcdserverpb::AuthDisableResponse resp;
  const cairn::Status s =
      ctx.Client().Unary(&etcdserverpb::Auth::Stub::AuthDisable, etcdserverpb::AuthDisableRequest(), &resp,
                         ctx.CommandDeadline(), client::Idempotence::kMutable);
  if (!s.ok()) ExitWithError(kExitError, s.message());
  Out("Authentication Disabled\n");
  return kExitSuccess;
}

}  // namespace

std::vector<Command> AuthCommands() {
  return {{"auth enable", "enable", "Enables authentication", nullptr, Enable},
          {"auth disable", "disable", "Disables authentication", nullptr, Disable},
          {"auth status", "status", "Returns authentication status", nullptr, Status}};
}

}  // namespace cairn::ctl

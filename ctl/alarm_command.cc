// etcdctl alarm disarm|list (alarm_command.go).
#include "ctl/commands.h"

namespace cairn::ctl {
namespace {

int Alarm(Context& ctx, etcdserverpb::AlarmRequest::AlarmAction action, const char* name) {
  if (!ctx.args.empty())
    ExitWithError(kExitBadArgs, std::string("alarm ") + name + " command accepts no arguments");
  etcdserverpb::AlarmRequest req;
  req.set_action(action);
  etcdserverpb::AlarmResponse resp;
  const auto idem = action == etcdserverpb::AlarmRequest::GET ? client::Idempotence::kImmutable
                                                              : client::Idempotence::kMutable;
  if (action == etcdserverpb::AlarmRequest::DEACTIVATE) {
    // clientv3's AlarmDisarm: list the alarms, then deactivate each one.
    etcdserverpb::AlarmRequest list;
    list.set_action(etcdserverpb::AlarmRequest::GET);
    etcdserverpb::AlarmResponse listed;
    Status s = ctx.Client().Unary(&etcdserverpb::Maintenance::Stub::Alarm, list, &listed,
                                  ctx.CommandDeadline(), client::Idempotence::kImmutable);
    if (!s.ok()) ExitWithError(kExitError, s.message());
    resp = etcdserverpb::AlarmResponse();  // no header, like clientv3's AlarmDisarm
    for (const auto& a : listed.alarms()) {
      req.set_memberid(a.memberid());
      req.set_alarm(a.alarm());
      etcdserverpb::AlarmResponse one;
      s = ctx.Client().Unary(&etcdserverpb::Maintenance::Stub::Alarm, req, &one, ctx.CommandDeadline(), idem);
      if (!s.ok()) ExitWithError(kExitError, s.message());
      for (const auto& x : one.alarms()) *resp.add_alarms() = x;
    }
  } else {
    const Status s =
        ctx.Client().Unary(&etcdserverpb::Maintenance::Stub::Alarm, req, &resp, ctx.CommandDeadline(), idem);
    if (!s.ok()) ExitWithError(kExitError, s.message());
  }
  ctx.display().Alarm(resp);
  return kExitSuccess;
}

int Disarm(Context& ctx) { return Alarm(ctx, etcdserverpb::AlarmRequest::DEACTIVATE, "disarm"); }
int List(Context& ctx) { return Alarm(ctx, etcdserverpb::AlarmRequest::GET, "list"); }

}  // namespace

std::vector<Command> AlarmCommands() {
  return {{"alarm disarm", "disarm", "Disarms all alarms", nullptr, Disarm},
          {"alarm list", "list", "Lists all alarms", nullptr, List}};
}

}  // namespace cairn::ctl

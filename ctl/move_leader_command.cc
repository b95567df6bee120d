// etcdctl move-leader (move_leader_command.go): find the leader among --endpoints, ask it.
#include "ctl/commands.h"

namespace cairn::ctl {
namespace {

int Run(Context& ctx) {
  if (ctx.args.size() != 1) ExitWithError(kExitBadArgs, "move-leader command needs 1 argument");
  uint64_t target = 0;
  bool ok = !ctx.args[0].empty();
  for (char c : ctx.args[0]) {
    const int d = c >= '0' && c <= '9'   ? c - '0'
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                         : -1;
    if (d < 0 || target > (~0ULL >> 4)) ok = false;
    if (ok) target = target * 16 + static_cast<uint64_t>(d);
  }
  if (!ok) {
    ExitWithError(kExitBadArgs, "strconv.ParseUint: parsing " + GoQuoteArg(ctx.args[0]) + ": invalid syntax");
  }
  ctx.Client();
  std::string leader_ep;
  uint64_t leader_id = 0;
  for (const std::string& ep : ctx.g.endpoints) {
    etcdserverpb::StatusResponse st;
    const Status s =
        EndpointCall(ctx, ep, &etcdserverpb::Maintenance::Stub::Status, etcdserverpb::StatusRequest(), &st);
    if (!s.ok()) ExitWithError(kExitError, s.message());
    if (st.header().member_id() == st.leader()) {
      leader_ep = ep;
      leader_id = st.leader();
      break;
    }
  }
  if (leader_ep.empty()) {
    std::string list = "[";
    for (size_t i = 0; i < ctx.g.endpoints.size(); ++i) list += (i ? " " : "") + ctx.g.endpoints[i];
    ExitWithError(kExitBadArgs, "no leader endpoint given at " + list + "]");
  }
  etcdserverpb::MoveLeaderRequest req;
  req.set_targetid(target);
  etcdserverpb::MoveLeaderResponse resp;
  const Status s = EndpointCall(ctx, leader_ep, &etcdserverpb::Maintenance::Stub::MoveLeader, req, &resp);
  if (!s.ok()) ExitWithError(kExitError, s.message());
  ctx.display().MoveLeader(leader_id, target, resp);
  return kExitSuccess;
}

}  // namespace

std::vector<Command> MoveLeaderCommands() {
  return {{"move-leader", "move-leader <transferee-member-id>",
           "Transfers leadership to another etcd cluster member.", nullptr, Run}};
}

}  // namespace cairn::ctl

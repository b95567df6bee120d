// The command table: every *_command.cc's commands, in etcdctl's order.
#include "ctl/commands.h"

namespace cairn::ctl {

std::vector<Command> AllCommands() {
  std::vector<Command> all;
  for (auto group :
       {GetCommands, PutCommands, DelCommands, TxnCommands, CompactionCommands, AlarmCommands, DefragCommands,
        EndpointCommands, MoveLeaderCommands, WatchCommands, VersionCommands, LeaseCommands, MemberCommands,
        SnapshotCommands, MakeMirrorCommands, AuthCommands, UserCommands, RoleCommands}) {
    for (Command& c : group()) all.push_back(std::move(c));
  }
  return all;
}

}  // namespace cairn::ctl

// etcdctl version (version_command.go): the etcd 3.5 version Cairn is compatible with.
#include "ctl/commands.h"

namespace cairn::ctl {
namespace {

int Run(Context&) {
  Out("etcdctl version: 3.5.17\nAPI version: 3.5\n");
  return kExitSuccess;
}

}  // namespace

std::vector<Command> VersionCommands() {
  return {{"version", "version", "Prints the version of etcdctl", nullptr, Run}};
}

}  // namespace cairn::ctl

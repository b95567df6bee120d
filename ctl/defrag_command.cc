// etcdctl defrag (defrag_command.go): each endpoint (or every member's client URLs with
// --cluster) in turn. --data-dir (offline) is etcdutl's and is refused here with the pointer.
#include <cstdio>

#include "ctl/commands.h"
#include "ctl/endpoints.h"

namespace cairn::ctl {
namespace {

std::string data_dir;

void Define(FlagSet* fs) {
  DefineClusterFlag(fs);
  fs->String("data-dir", &data_dir, "",
             "Optional. If present, defragments a data directory not in use by etcd.");
}

int Run(Context& ctx) {
  if (!data_dir.empty()) {
    std::fputs("Use `etcdutl defrag` instead. The --data-dir is going to be decomissioned in v3.6.\n\n",
               stderr);
    ExitWithError(
        kExitError,
        "etcdctl defrag --data-dir is not supported by this etcdctl: run `etcdutl defrag --data-dir " +
            data_dir + "`");
  }
  int failures = 0;
  for (const std::string& ep : EndpointsFromCluster(ctx)) {
    etcdserverpb::DefragmentResponse resp;
    const Status s = EndpointCall(ctx, ep, &etcdserverpb::Maintenance::Stub::Defragment,
                                  etcdserverpb::DefragmentRequest(), &resp);
    if (!s.ok()) {
      std::fprintf(stderr, "Failed to defragment etcd member[%s] (%s)\n", ep.c_str(), s.message().c_str());
      ++failures;
    } else {
      Out("Finished defragmenting etcd member[" + ep + "]\n");
    }
  }
  return failures != 0 ? kExitError : kExitSuccess;
}

}  // namespace

std::vector<Command> DefragCommands() {
  return {
      {"defrag", "defrag", "Defragments the storage of the etcd members with given endpoints", Define, Run}};
}

}  // namespace cairn::ctl

// etcdctl compaction (compaction_command.go).
#include "ctl/commands.h"

namespace cairn::ctl {
namespace {

bool physical = false;

void Define(FlagSet* fs) {
  fs->Bool("physical", &physical, false,
           "'true' to wait for compaction to physically remove all old revisions");
}

int Run(Context& ctx) {
  if (ctx.args.size() != 1) ExitWithError(kExitBadArgs, "compaction command needs 1 argument");
  int64_t rev = 0;
  std::string why;
  if (!ParseDecInt64(ctx.args[0], &rev, &why)) ExitWithError(kExitError, why);
  etcdserverpb::CompactionRequest req;
  req.set_revision(rev);
  req.set_physical(physical);
  etcdserverpb::CompactionResponse resp;
  client::Client& c = ctx.Client();
  const Status s = c.Unary(&etcdserverpb::KV::Stub::Compact, req, &resp, ctx.CommandDeadline(),
                           client::Idempotence::kMutable);
  if (!s.ok()) ExitWithError(kExitError, s.message());
  Out("compacted revision " + std::to_string(rev) + "\n");
  return kExitSuccess;
}

}  // namespace

std::vector<Command> CompactionCommands() {
  return {
      {"compaction", "compaction [options] <revision>", "Compacts the event history in etcd", Define, Run}};
}

}  // namespace cairn::ctl

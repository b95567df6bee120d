// etcdctl del (del_command.go).
#include <cstdio>

#include "ctl/commands.h"

namespace cairn::ctl {
namespace {

struct {
  bool prefix = false, prev_kv = false, from_key = false, range = false;
} o;

}  // namespace

void DefineDelFlags(FlagSet* fs) {
  fs->Bool("prefix", &o.prefix, false, "delete keys with matching prefix");
  fs->Bool("prev-kv", &o.prev_kv, false, "return deleted key-value pairs");
  fs->Bool("from-key", &o.from_key, false,
           "delete keys that are greater than or equal to the given key using byte compare");
  fs->Bool("range", &o.range, false, "delete range of keys");
}

etcdserverpb::DeleteRangeRequest DelRequestFromArgs(const std::vector<std::string>& args) {
  if (args.empty() || args.size() > 2) {
    ExitWithError(kExitBadArgs,
                  "del command needs one argument as key and an optional argument as range_end");
  }
  if (o.prefix && o.from_key) {
    ExitWithError(kExitBadArgs, "`--prefix` and `--from-key` cannot be set at the same time, choose one");
  }
  etcdserverpb::DeleteRangeRequest req;
  std::string key = args[0];
  if (args.size() > 1) {
    if (o.prefix || o.from_key) {
      ExitWithError(kExitBadArgs,
                    "too many arguments, only accept one argument when `--prefix` or `--from-key` is set");
    }
    req.set_range_end(args[1]);
    if (!o.range) {
      std::fputs(
          "In etcd v3.6, the operation will be suspended for a few seconds to provide the user time to "
          "verify "
          "range.\n",
          stderr);
    }
  }
  if (o.prefix) {
    if (key.empty()) {
      key = std::string("\0", 1);
      req.set_range_end(std::string("\0", 1));
    } else {
      req.set_range_end(PrefixRangeEnd(key));
    }
  }
  req.set_prev_kv(o.prev_kv);
  if (o.from_key) {
    if (key.empty()) key = std::string("\0", 1);
    req.set_range_end(std::string("\0", 1));
  }
  req.set_key(key);
  return req;
}

namespace {

int Run(Context& ctx) {
  const etcdserverpb::DeleteRangeRequest req = DelRequestFromArgs(ctx.args);
  etcdserverpb::DeleteRangeResponse resp;
  const Status s = ctx.Client().Unary(&etcdserverpb::KV::Stub::DeleteRange, req, &resp, ctx.CommandDeadline(),
                                      client::Idempotence::kMutable);
  if (!s.ok()) ExitWithError(kExitError, s.message());
  ctx.display().Del(resp);
  return kExitSuccess;
}

}  // namespace

std::vector<Command> DelCommands() {
  return {{"del", "del [options] <key> [range_end]",
           "Removes the specified key or range of keys [key, range_end)", DefineDelFlags, Run}};
}

}  // namespace cairn::ctl

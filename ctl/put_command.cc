// etcdctl put (put_command.go).
#include <cstdio>

#include "ctl/commands.h"
#include "server/flags/go_values.h"

namespace cairn::ctl {
namespace {

struct {
  std::string lease;
  bool prev_kv = false, ignore_value = false, ignore_lease = false;
} o;

}  // namespace

void DefinePutFlags(FlagSet* fs) {
  fs->String("lease", &o.lease, "0", "lease ID (in hexadecimal) to attach to the key");
  fs->Bool("prev-kv", &o.prev_kv, false, "return the previous key-value pair before modification");
  fs->Bool("ignore-value", &o.ignore_value, false, "updates the key using its current value");
  fs->Bool("ignore-lease", &o.ignore_lease, false, "updates the key using its current lease");
}

etcdserverpb::PutRequest PutRequestFromArgs(const std::vector<std::string>& args) {
  if (args.empty())
    ExitWithError(kExitBadArgs, "put command needs 1 argument and input from stdin or 2 arguments");
  if (o.ignore_value && args.size() > 1) {
    ExitWithError(kExitBadArgs, "put command needs only 1 argument when 'ignore-value' is set");
  }
  etcdserverpb::PutRequest req;
  req.set_key(args[0]);
  if (!o.ignore_value) {
    std::string value;
    if (!ArgOrStdin(args, 1, &value)) {
      ExitWithError(kExitBadArgs, "put command needs 1 argument and input from stdin or 2 arguments");
    }
    req.set_value(value);
  }
  int64_t id = 0;
  if (!ParseHexInt64(o.lease, &id)) {
    ExitWithError(kExitBadArgs, "bad lease ID (strconv.ParseInt: parsing " + GoQuoteArg(o.lease) +
                                    ": invalid syntax), expecting ID in Hex");
  }
  req.set_lease(id);
  req.set_prev_kv(o.prev_kv);
  req.set_ignore_value(o.ignore_value);
  req.set_ignore_lease(o.ignore_lease);
  return req;
}

namespace {

int Run(Context& ctx) {
  const etcdserverpb::PutRequest req = PutRequestFromArgs(ctx.args);
  etcdserverpb::PutResponse resp;
  const Status s = ctx.Client().Unary(&etcdserverpb::KV::Stub::Put, req, &resp, ctx.CommandDeadline(),
                                      client::Idempotence::kMutable);
  if (!s.ok()) ExitWithError(kExitError, s.message());
  ctx.display().Put(resp);
  return kExitSuccess;
}

}  // namespace

std::vector<Command> PutCommands() {
  return {{"put", "put [options] <key> <value> (<value> can also be given from stdin)",
           "Puts the given key into the store", DefinePutFlags, Run}};
}

}  // namespace cairn::ctl

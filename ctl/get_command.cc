// etcdctl get (get_command.go).
#include <algorithm>

#include "ctl/commands.h"

namespace cairn::ctl {
namespace {

struct {
  std::string consistency, order, sort_by;
  int64_t limit = 0, rev = 0;
  bool prefix = false, from_key = false, keys_only = false, count_only = false, print_value_only = false;
} o;

}  // namespace

void DefineGetFlags(FlagSet* fs) {
  fs->String("consistency", &o.consistency, "l", "Linearizable(l) or Serializable(s)");
  fs->String("order", &o.order, "", "Order of results; ASCEND or DESCEND (ASCEND by default)");
  fs->String("sort-by", &o.sort_by, "", "Sort target; CREATE, KEY, MODIFY, VALUE, or VERSION");
  fs->Int("limit", &o.limit, 0, "Maximum number of results");
  fs->Bool("prefix", &o.prefix, false, "Get keys with matching prefix");
  fs->Bool("from-key", &o.from_key, false,
           "Get keys that are greater than or equal to the given key using byte compare");
  fs->Int("rev", &o.rev, 0, "Specify the kv revision");
  fs->Bool("keys-only", &o.keys_only, false, "Get only the keys");
  fs->Bool("count-only", &o.count_only, false, "Get only the count");
  fs->Bool("print-value-only", &o.print_value_only, false,
           "Only write values when using the \"simple\" output format");
}

namespace {

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

etcdserverpb::RangeRequest GetRequestFromArgs(const std::vector<std::string>& args) {
  if (args.empty()) {
    ExitWithError(kExitBadArgs,
                  "get command needs one argument as key and an optional argument as range_end");
  }
  if (o.prefix && o.from_key) {
    ExitWithError(kExitBadArgs, "`--prefix` and `--from-key` cannot be set at the same time, choose one");
  }
  if (o.keys_only && o.count_only) {
    ExitWithError(kExitBadArgs,
                  "`--keys-only` and `--count-only` cannot be set at the same time, choose one");
  }
  etcdserverpb::RangeRequest r;
  if (o.consistency == "s") {
    r.set_serializable(true);
  } else if (o.consistency != "l") {
    ExitWithError(kExitBadFeature, "unknown consistency flag " + GoQuoteArg(o.consistency));
  }
  std::string key = args[0];
  if (args.size() > 1) {
    if (o.prefix || o.from_key) {
      ExitWithError(kExitBadArgs,
                    "too many arguments, only accept one argument when `--prefix` or `--from-key` is set");
    }
    r.set_range_end(args[1]);
  }
  r.set_limit(o.limit);
  if (o.rev > 0) r.set_revision(o.rev);
  const std::string order = Upper(o.order), target = Upper(o.sort_by);
  auto sort_order = etcdserverpb::RangeRequest::NONE;
  if (order == "ASCEND") {
    sort_order = etcdserverpb::RangeRequest::ASCEND;
  } else if (order == "DESCEND") {
    sort_order = etcdserverpb::RangeRequest::DESCEND;
  } else if (!order.empty()) {
    ExitWithError(kExitBadFeature, "bad sort order " + o.order);
  }
  auto sort_target = etcdserverpb::RangeRequest::KEY;
  if (target == "CREATE") {
    sort_target = etcdserverpb::RangeRequest::CREATE;
  } else if (target == "MODIFY") {
    sort_target = etcdserverpb::RangeRequest::MOD;
  } else if (target == "VALUE") {
    sort_target = etcdserverpb::RangeRequest::VALUE;
  } else if (target == "VERSION") {
    sort_target = etcdserverpb::RangeRequest::VERSION;
  } else if (!target.empty() && target != "KEY") {
    ExitWithError(kExitBadFeature, "bad sort target " + o.sort_by);
  }
  // clientv3.WithSort: by key ascending is the server's natural order, sent as NONE.
  if (sort_target == etcdserverpb::RangeRequest::KEY && sort_order == etcdserverpb::RangeRequest::ASCEND) {
    sort_order = etcdserverpb::RangeRequest::NONE;
  }
  r.set_sort_order(sort_order);
  r.set_sort_target(sort_target);
  if (o.prefix) {
    if (key.empty()) {
      key = std::string("\0", 1);
      r.set_range_end(std::string("\0", 1));
    } else {
      r.set_range_end(PrefixRangeEnd(key));
    }
  }
  if (o.from_key) {
    if (key.empty()) key = std::string("\0", 1);
    r.set_range_end(std::string("\0", 1));
  }
  r.set_key(key);
  r.set_keys_only(o.keys_only);
  r.set_count_only(o.count_only);
  return r;
}

namespace {

int Run(Context& ctx) {
  const etcdserverpb::RangeRequest req = GetRequestFromArgs(ctx.args);
  etcdserverpb::RangeResponse resp;
  const Status s = ctx.Client().Unary(&etcdserverpb::KV::Stub::Range, req, &resp, ctx.CommandDeadline(),
                                      client::Idempotence::kImmutable);
  if (!s.ok()) ExitWithError(kExitError, s.message());
  if (o.count_only && ctx.g.write_out != "fields") {
    ExitWithError(kExitBadArgs, "--count-only is only for `--write-out=fields`");
  }
  if (o.print_value_only && !ctx.display().SetValueOnly()) {
    ExitWithError(kExitBadArgs, "print-value-only is only for `--write-out=simple`");
  }
  ctx.display().Get(resp);
  return kExitSuccess;
}

}  // namespace

std::vector<Command> GetCommands() {
  return {{"get", "get [options] <key> [range_end]", "Gets the key or a range of keys", DefineGetFlags, Run}};
}

}  // namespace cairn::ctl

// The command framework of the ctl face: global flags (ctlv3/ctl.go and command/global.go), the
// per-invocation Context every command runs with, and the Command table entry. One file per
// command (`*_command.cc`, like etcdctl's ctlv3/command/*_command.go) defines its flags and its
// run function and hands every response to ctx.display().
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "client/client.h"
#include "ctl/exit.h"
#include "ctl/flags.h"
#include "ctl/printer.h"

namespace cairn::ctl {

// etcdctl's persistent flags.
struct GlobalFlags {
  std::vector<std::string> endpoints;
  bool debug = false;
  std::string write_out;
  bool hex = false;
  int64_t dial_timeout_ns = 0;
  int64_t command_timeout_ns = 0;
  int64_t keepalive_time_ns = 0;
  int64_t keepalive_timeout_ns = 0;
  bool insecure_transport = true;
  bool insecure_discovery = true;
  bool insecure_skip_tls_verify = false;
  std::string cert, key, cacert;
  std::string user, password;
  std::string discovery_srv, discovery_srv_name;
};

// Registers the global flags (with etcdctl's defaults) on `fs`.
void DefineGlobalFlags(FlagSet* fs, GlobalFlags* g);

class Context {
 public:
  GlobalFlags g;
  FlagSet flags;                  // global + the command's own flags
  std::vector<std::string> args;  // positional arguments after the command words
  std::string command;            // "get", "member list"
  // watch only: the words after the first "--" (the command to run per event).
  std::vector<std::string> exec_args;
  bool has_separator = false;
  // The arguments after the command words, unparsed (commands that parse their own: the
  // deprecated snapshot status/restore handed to etcdutl).
  std::vector<std::string> raw_args;
  bool parse_own_flags = false;

  // initDisplayFromCmd: the printer for --write-out/--hex ("unsupported output format", exit 4).
  Printer& display();
  // mustClientFromCmd: --debug dump, TLS/auth configuration, the client (exits on error).
  client::Client& Client();
  // The client options for `endpoints` (endpoint health/status --cluster, per-endpoint clients).
  client::Options ClientOptions(const std::vector<std::string>& endpoints);
  // commandCtx: now + --command-timeout.
  client::Clock::time_point CommandDeadline() const;

 private:
  std::unique_ptr<Printer> display_;
  std::unique_ptr<client::Client> client_;
  bool debug_printed_ = false;
};

struct Command {
  std::string path;  // "get", "member list"
  std::string use;   // cobra's Use line, e.g. "get [options] <key> [range_end]"
  std::string short_help;
  void (*define)(FlagSet*);  // may be null
  int (*run)(Context&);
  bool own_flags = false;  // the command parses its raw arguments itself (ctx.raw_args)
};

// A unary call to one endpoint only, over its own connection (clientv3's Status(ctx, ep),
// Defragment(ctx, ep), HashKV(ctx, ep, rev)).
template <class Stub, class Req, class Resp>
Status EndpointCall(Context& ctx, const std::string& ep,
                    grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*), const Req& req,
                    Resp* resp) {
  std::unique_ptr<client::Client> c;
  CAIRN_RETURN_IF_ERROR(client::Client::Open(ctx.ClientOptions({ep}), &c));
  return c->UnaryAt(0, method, req, resp, ctx.CommandDeadline());
}

// context.TODO(): the commands etcdctl runs without a deadline (lease, user, role, txn, watch).
inline client::Clock::time_point NoDeadline() { return client::Clock::now() + std::chrono::hours(24 * 365); }

// One unary call through ctx's client; a failure ends the process with etcdctl's
// "Error: <message>" and kExitError.
template <class Stub, class Req, class Resp>
Resp MustCall(Context& ctx, grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
              const Req& req, client::Clock::time_point deadline, client::Idempotence idem) {
  Resp resp;
  const Status s = ctx.Client().Unary(method, req, &resp, deadline, idem);
  if (!s.ok()) ExitWithError(kExitError, s.message());
  return resp;
}

// Every command, grouped by file (commands.cc lists them).
std::vector<Command> AllCommands();

// zap's ISO8601 UTC timestamp with milliseconds ("2024-01-02T03:04:05.678Z"), for the log
// lines etcdctl's client prints on stderr.
std::string ZapTimestamp();

// speakeasy.Ask: `prompt` on stdout, a line read from the terminal without echo (stdin when
// there is no terminal).
std::string AskPasswordPrompt(const std::string& prompt);

// The key range helpers shared by get/del/watch/role (clientv3's WithPrefix/WithFromKey).
std::string PrefixRangeEnd(const std::string& key);

}  // namespace cairn::ctl

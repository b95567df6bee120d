// etcdctl watch (watch_command.go): one key or range (--prefix, --rev, --prev-kv,
// --progress-notify), `-- COMMAND ARGS` run per event with ETCD_WATCH_* in its environment,
// ETCDCTL_WATCH_KEY/RANGE_END, and -i (lines "watch ..." and "progress" from stdin).
// Like clientv3, a broken stream resumes on another endpoint from the next revision, and the
// "created" acknowledgement is not shown.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <mutex>
#include <set>
#include <thread>

#include "ctl/commands.h"
#include "ctl/printer_impl.h"

namespace cairn::ctl {
namespace {

struct WatchFlags {
  bool interactive = false, prefix = false, prev_kv = false, progress_notify = false;
  int64_t rev = 0;
};
WatchFlags o;
std::mutex out_mu;

// The open watch streams (interactive mode's "progress" asks each for a progress notification).
using WatchStream = grpc::ClientReaderWriter<etcdserverpb::WatchRequest, etcdserverpb::WatchResponse>;
std::mutex streams_mu;
std::set<WatchStream*> streams;

void RequestProgress() {
  etcdserverpb::WatchRequest req;
  req.mutable_progress_request();
  std::lock_guard<std::mutex> lock(streams_mu);
  for (WatchStream* s : streams) s->Write(req);  // only this thread writes after the create
}

void Define(FlagSet* fs) {
  fs->Bool("interactive", &o.interactive, false, "Interactive mode", 'i');
  fs->Bool("prefix", &o.prefix, false, "Watch on a prefix if prefix is set");
  fs->Int("rev", &o.rev, 0, "Revision to start watching");
  fs->Bool("prev-kv", &o.prev_kv, false, "get the previous key-value pair before the event happens");
  fs->Bool("progress-notify", &o.progress_notify, false,
           "get periodic watch progress notification from server");
}

void RunExec(const std::vector<std::string>& exec_args, const etcdserverpb::WatchResponse& resp) {
  for (const auto& ev : resp.events()) {
    std::fflush(stdout);
    const pid_t pid = fork();
    if (pid == 0) {
      setenv("ETCD_WATCH_REVISION", std::to_string(resp.header().revision()).c_str(), 1);
      setenv("ETCD_WATCH_EVENT_TYPE", GoQuoteArg(ev.type() == mvccpb::Event::PUT ? "PUT" : "DELETE").c_str(),
             1);
      setenv("ETCD_WATCH_KEY", GoQuoteArg(ev.kv().key()).c_str(), 1);
      setenv("ETCD_WATCH_VALUE", GoQuoteArg(ev.kv().value()).c_str(), 1);
      std::vector<char*> argv;
      for (const std::string& a : exec_args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execvp(argv[0], argv.data());
      std::fprintf(stderr, "exec: %s: %s\n", exec_args[0].c_str(), std::strerror(errno));
      _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::string list = "[";
      for (size_t i = 0; i < exec_args.size(); ++i) list += (i ? " " : "") + GoQuoteArg(exec_args[i]);
      std::fprintf(stderr, "command %s] error (exit status %d)\n", list.c_str(),
                   WIFEXITED(status) ? WEXITSTATUS(status) : 1);
      std::exit(1);
    }
  }
}

// Watches until the server cancels it; returns when the watch ends.
void WatchLoop(Context& ctx, etcdserverpb::WatchCreateRequest create,
               const std::vector<std::string>& exec_args) {
  client::Client& c = ctx.Client();
  for (;;) {
    const int i = c.PickReady(NoDeadline());
    etcdserverpb::Watch::Stub stub(c.channel(static_cast<size_t>(i)));
    grpc::ClientContext gctx;
    c.Prepare(&gctx);
    gctx.AddMetadata("hasleader", "true");  // clientv3.WithRequireLeader
    auto stream = stub.Watch(&gctx);
    etcdserverpb::WatchRequest req;
    *req.mutable_create_request() = create;
    if (!stream->Write(req)) {
      stream->Finish();
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      continue;
    }
    {
      std::lock_guard<std::mutex> lock(streams_mu);
      streams.insert(stream.get());
    }
    struct Unregister {
      WatchStream* s;
      ~Unregister() {
        std::lock_guard<std::mutex> lock(streams_mu);
        streams.erase(s);
      }
    } unregister{stream.get()};
    etcdserverpb::WatchResponse resp;
    while (stream->Read(&resp)) {
      if (resp.created() && resp.events_size() == 0 && !resp.canceled()) continue;
      std::lock_guard<std::mutex> lock(out_mu);
      if (resp.canceled()) {
        std::string why =
            resp.compact_revision() != 0    ? "etcdserver: mvcc: required revision has been compacted"
            : !resp.cancel_reason().empty() ? resp.cancel_reason()
                                            : "etcdserver: mvcc: required revision is a future revision";
        std::fprintf(stderr, "watch was canceled (%s)\n", why.c_str());
      }
      const bool progress = resp.events_size() == 0 && !resp.canceled() && !resp.created() &&
                            resp.compact_revision() == 0 && resp.header().revision() != 0;
      if (progress) Out("progress notify: " + std::to_string(resp.header().revision()) + "\n");
      ctx.display().Watch(resp);
      if (!exec_args.empty()) RunExec(exec_args, resp);
      if (resp.events_size() > 0)
        create.set_start_revision(resp.events(resp.events_size() - 1).kv().mod_revision() + 1);
      if (resp.canceled()) {
        gctx.TryCancel();
        return;
      }
    }
    {
      std::lock_guard<std::mutex> lock(streams_mu);
      streams.erase(stream.get());
    }
    stream->Finish();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // resume on the next ready endpoint
  }
}

std::string Validate(const std::vector<std::string>& args, etcdserverpb::WatchCreateRequest* create) {
  if (args.empty()) return "bad number of arguments";
  std::string key = args[0];
  create->set_start_revision(o.rev);
  if (args.size() == 2) {
    if (o.prefix) return "`range_end` and `--prefix` are mutually exclusive";
    create->set_range_end(args[1]);
  } else if (args.size() > 2) {
    return "too many arguments";
  }
  if (o.prefix) {
    if (key.empty()) {
      key = std::string("\0", 1);
      create->set_range_end(std::string("\0", 1));
    } else {
      create->set_range_end(PrefixRangeEnd(key));
    }
  }
  create->set_key(key);
  create->set_prev_kv(o.prev_kv);
  create->set_progress_notify(o.progress_notify);
  return "";
}

int Interactive(Context& ctx, const std::string& env_key, const std::string& env_range) {
  ctx.Client();
  std::string line;
  std::vector<std::thread> watches;
  while (std::getline(std::cin, line)) {
    std::vector<std::string> args = Argify(line);
    if (args.empty()) {
      std::fprintf(stderr, "Invalid command: %s (watch and progress supported)\n", line.c_str());
      continue;
    }
    if (args[0] == "progress") {
      RequestProgress();
      continue;
    }
    if (args[0] != "watch") {
      std::fprintf(stderr, "Invalid command %s (only support watch)\n", line.c_str());
      continue;
    }
    if (args.size() < 2 && env_key.empty()) {
      std::fprintf(stderr, "Invalid command %s (command type or key is not provided)\n", line.c_str());
      continue;
    }
    args.erase(args.begin());
    std::vector<std::string> exec_args;
    for (size_t k = 0; k < args.size(); ++k) {
      if (args[k] == "--") {
        exec_args.assign(args.begin() + static_cast<long>(k) + 1, args.end());
        args.resize(k);
        break;
      }
    }
    FlagSet fs;
    const WatchFlags saved = o;
    Define(&fs);
    o.interactive = true;
    std::vector<std::string> positional;
    std::string error;
    if (!fs.Parse(args, &positional, &error)) ExitWithError(kExitBadArgs, error);
    if (positional.empty() && !env_key.empty()) {
      positional.push_back(env_key);
      if (!env_range.empty()) positional.push_back(env_range);
    }
    etcdserverpb::WatchCreateRequest create;
    const std::string why = Validate(positional, &create);
    o = saved;
    if (!why.empty()) {
      std::fprintf(stderr, "Invalid command %s (%s)\n", line.c_str(), why.c_str());
      continue;
    }
    watches.emplace_back([&ctx, create, exec_args] { WatchLoop(ctx, create, exec_args); });
  }
  ExitWithError(kExitInvalidInput, "error reading watch request line: EOF");
}

int Run(Context& ctx) {
  const char* k = std::getenv("ETCDCTL_WATCH_KEY");
  const char* r = std::getenv("ETCDCTL_WATCH_RANGE_END");
  const std::string env_key = k ? k : "", env_range = r ? r : "";
  if (env_key.empty() && !env_range.empty()) {
    ExitWithError(kExitBadArgs,
                  "ETCDCTL_WATCH_KEY is empty but got ETCDCTL_WATCH_RANGE_END=" + GoQuoteArg(env_range));
  }
  if (o.interactive) return Interactive(ctx, env_key, env_range);
  std::vector<std::string> args = ctx.args;
  const std::vector<std::string>& exec_args = ctx.exec_args;
  if (ctx.has_separator && exec_args.empty()) {
    ExitWithError(kExitBadArgs, "bad number of arguments (found separator --, but no commands)");
  }
  if (!env_key.empty()) {
    if (!args.empty())
      ExitWithError(kExitBadArgs, "bad number of arguments (found conflicting environment key)");
    args.push_back(env_key);
    if (!env_range.empty()) args.push_back(env_range);
  }
  if (args.empty()) ExitWithError(kExitBadArgs, "bad number of arguments");
  etcdserverpb::WatchCreateRequest create;
  const std::string why = Validate(args, &create);
  if (!why.empty()) ExitWithError(kExitBadArgs, why);
  WatchLoop(ctx, create, exec_args);
  ExitWithError(kExitInterrupted, "watch is canceled by the server");
}

}  // namespace

std::vector<Command> WatchCommands() {
  return {{"watch", "watch [options] [key or prefix] [range_end] [--] [exec-command arg1 arg2 ...]",
           "Watches events stream on keys or prefixes", Define, Run}};
}

}  // namespace cairn::ctl

#include "ctl/ctl_main.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>

#include "ctl/commands.h"

namespace cairn::ctl {
namespace {

std::string Usage(const std::vector<Command>& cmds) {
  std::string s =
      "NAME:\n\tetcdctl - A simple command line client for etcd3.\n\nUSAGE:\n\tetcdctl [flags]\n\n"
      "VERSION:\n\t3.5.17\n\nAPI VERSION:\n\t3.5\n\n\nCOMMANDS:\n";
  for (const Command& c : cmds) s += "\t" + c.path + "\t" + c.short_help + "\n";
  s += "\nOPTIONS:\n";
  FlagSet fs;
  GlobalFlags g;
  DefineGlobalFlags(&fs, &g);
  for (const auto& f : fs.flags()) {
    s += std::string("      ") + (f.shorthand ? std::string("-") + f.shorthand + ", " : "") + "--" + f.name +
         "\t" + f.usage + "\n";
  }
  return s;
}

// cobra's error path, then etcdctl's ExitWithError: an unknown command names the help; a flag
// error is followed by the usage (etcdctl's usage function writes it to stdout, not reproduced
// here; cobra's Println of the empty UsageString leaves a blank line on stderr).
[[noreturn]] void CobraError(const std::string& msg, bool unknown_command) {
  std::fprintf(stderr, "Error: %s\n", msg.c_str());
  std::fputs(unknown_command ? "Run 'etcdctl --help' for usage.\n" : "\n", stderr);
  ExitWithError(kExitError, msg);
}

// Words that are values of a global flag given as "--flag value" (so not command words).
bool TakesValue(FlagSet& globals, const std::string& arg) {
  if (arg.size() < 2 || arg[0] != '-' || arg.find('=') != std::string::npos) return false;
  const FlagSet::Flag* f = nullptr;
  if (arg[1] == '-') {
    f = globals.Find(arg.substr(2));
  } else if (arg.size() == 2) {
    for (const auto& x : globals.flags())
      if (x.shorthand == arg[1]) f = &x;
  }
  return f != nullptr && f->kind != FlagSet::Kind::kBool;
}

}  // namespace

int CtlMain(int argc, char** argv) {
  if (const char* api = std::getenv("ETCDCTL_API");
      api != nullptr && *api != '\0' && std::strcmp(api, "3") != 0) {
    if (std::strcmp(api, "2") == 0) {
      std::fputs(
          "Error: ETCDCTL_API=2 is not supported: this etcdctl speaks only the v3 API (unset ETCDCTL_API or "
          "set it to 3)\n",
          stderr);
      return 1;
    }
    std::fprintf(stderr, "unsupported API version: %s\n", api);
    return 1;
  }
  unsetenv("ETCDCTL_API");
  const std::vector<Command> cmds = AllCommands();
  std::vector<std::string> args(argv + 1, argv + argc);

  Context ctx;
  DefineGlobalFlags(&ctx.flags, &ctx.g);

  // Find the command words (skipping global flags and their values).
  std::vector<size_t> word_idx;
  for (size_t i = 0; i < args.size() && word_idx.size() < 2; ++i) {
    if (args[i] == "--") break;
    if (!args[i].empty() && args[i][0] == '-' && args[i] != "-") {
      if (TakesValue(ctx.flags, args[i])) ++i;
      continue;
    }
    word_idx.push_back(i);
  }
  std::set<std::string> tops;
  for (const Command& c : cmds) tops.insert(c.path.substr(0, c.path.find(' ')));
  auto help_requested = [&] {
    for (const std::string& a : args)
      if (a == "-h" || a == "--help") return true;
    return false;
  };
  if (word_idx.empty() || args[word_idx[0]] == "help") {
    if (!word_idx.empty() || help_requested() || args.empty()) {
      std::fputs(Usage(cmds).c_str(), stdout);
      return 0;
    }
    // Only flags: cobra validates them, then shows the usage.
    std::vector<std::string> pos;
    std::string error;
    if (!ctx.flags.Parse(args, &pos, &error)) CobraError(error, false);
    std::fputs(Usage(cmds).c_str(), stdout);
    return 0;
  }
  // cobra.EnablePrefixMatching: a unique prefix of a command name selects it.
  auto match = [](const std::set<std::string>& names, const std::string& w) -> std::string {
    if (names.count(w)) return w;
    std::string found;
    for (const std::string& n : names) {
      if (n.rfind(w, 0) == 0) {
        if (!found.empty()) return "";
        found = n;
      }
    }
    return found;
  };
  const std::string top = match(tops, args[word_idx[0]]);
  if (top.empty()) CobraError("unknown command \"" + args[word_idx[0]] + "\" for \"etcdctl\"", true);
  std::set<std::string> subs;
  for (const Command& c : cmds)
    if (c.path.rfind(top + " ", 0) == 0) subs.insert(c.path.substr(top.size() + 1));
  std::string path = top;
  size_t consumed = 1;
  if (!subs.empty()) {
    std::string sub = word_idx.size() > 1 ? match(subs, args[word_idx[1]]) : "";
    if (sub.empty()) {
      // A parent command without (a known) subcommand prints its usage, as cobra does.
      std::string s = "Usage:\n  etcdctl " + top + " <subcommand> [flags]\n\nAvailable Commands:\n";
      for (const Command& c : cmds)
        if (c.path.rfind(top + " ", 0) == 0)
          s += "  " + c.path.substr(top.size() + 1) + "\t" + c.short_help + "\n";
      std::fputs(s.c_str(), stdout);
      return 0;
    }
    path = top + " " + sub;
    consumed = 2;
  }
  const Command* command = nullptr;
  for (const Command& c : cmds)
    if (c.path == path) command = &c;
  ctx.command = path;
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    if ((consumed >= 1 && i == word_idx[0]) || (consumed >= 2 && i == word_idx[1])) continue;
    rest.push_back(args[i]);
  }
  if (help_requested()) {
    std::fputs(("Usage:\n  etcdctl " + command->use + "\n\n" + command->short_help + "\n").c_str(), stdout);
    return 0;
  }
  ctx.raw_args = rest;
  if (command->own_flags) return command->run(ctx);
  if (path == "watch") {
    for (size_t i = 0; i < rest.size(); ++i) {
      if (rest[i] == "--") {
        ctx.has_separator = true;
        ctx.exec_args.assign(rest.begin() + static_cast<long>(i) + 1, rest.end());
        rest.resize(i);
        break;
      }
    }
  }
  if (command->define != nullptr) command->define(&ctx.flags);
  std::string error;
  if (!ctx.flags.Parse(rest, &ctx.args, &error)) CobraError(error, false);
  // flags.SetPflagsFromEnv("ETCDCTL", global flags): a variable fills a flag not given.
  FlagSet defaults;
  GlobalFlags unused;
  DefineGlobalFlags(&defaults, &unused);
  for (const auto& d : defaults.flags()) {
    std::string env = "ETCDCTL_" + d.name;
    for (char& c : env) c = c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const char* v = std::getenv(env.c_str());
    if (v == nullptr || ctx.flags.Changed(d.name)) continue;
    std::string ignored;
    ctx.flags.Set(d.name, v, &ignored);  // etcdctl ignores a bad value here
  }
  return command->run(ctx);
}

}  // namespace cairn::ctl

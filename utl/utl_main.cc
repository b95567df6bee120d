#include "utl/utl_main.h"

#include <cstdio>
#include <string>
#include <vector>

#include "utl/defrag.h"
#include "utl/snapshot.h"

namespace cairn::utl {
namespace {

constexpr char kUsage[] =
    "NAME:\n\tetcdutl - An administrative command line tool for etcd3.\n\n"
    "USAGE:\n\tetcdutl [flags]\n\n"
    "COMMANDS:\n"
    "\tdefrag\t\tDefragments the storage of the etcd\n"
    "\tsnapshot\tManages etcd node snapshots\n"
    "\tversion\t\tPrints the version of etcdutl\n";

int Fail(int code, const std::string& m) {
  std::fprintf(stderr, "Error: %s\n", m.c_str());
  return code;
}

int Defrag(const std::vector<std::string>& args) {
  std::string data_dir;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("--data-dir=", 0) == 0) {
      data_dir = a.substr(11);
    } else if (a == "--data-dir") {
      if (i + 1 >= args.size()) return Fail(1, "flag needs an argument: --data-dir");
      data_dir = args[++i];
    } else if (a.rfind("-", 0) == 0) {
      return Fail(1, "unknown flag: " + a);
    }
  }
  if (data_dir.empty()) return Fail(1, "required flag(s) \"data-dir\" not set");
  if (Status s = DefragDataDir(data_dir); !s.ok()) {
    return Fail(1, "Failed to defragment etcd data[" + data_dir + "] (" + s.message() + ")");
  }
  return 0;
}

}  // namespace

int UtlMain(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  const std::string cmd = args[0];
  args.erase(args.begin());
  if (cmd == "version") {
    std::fputs("etcdutl version: 3.5.17\nAPI version: 3.5\n", stdout);
    return 0;
  }
  if (cmd == "defrag") return Defrag(args);
  if (cmd == "snapshot") {
    if (args.empty() || (args[0] != "status" && args[0] != "restore")) {
      std::fputs("Usage: etcdutl snapshot status|restore <filename> [options]\n", stdout);
      return 0;
    }
    const std::string sub = args[0];
    args.erase(args.begin());
    return SnapshotCommand(sub, args);
  }
  std::fprintf(stderr, "Error: unknown command \"%s\" for \"etcdutl\"\nRun 'etcdutl --help' for usage.\n",
               cmd.c_str());
  return 1;
}

}  // namespace cairn::utl

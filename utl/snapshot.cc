#include "utl/snapshot.h"

#include <cstdio>

#include "server/snapshot/snapshot_main.h"

namespace cairn::utl {

int SnapshotCommand(const std::string& sub, const std::vector<std::string>& args) {
  // etcdutl 3.5's restore-only flags, checked as etcdutl checks them, then refused: rewriting
  // the latest revision after a restore is not implemented in this build.
  std::vector<std::string> rest;
  bool bump = false, mark = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      rest.insert(rest.end(), args.begin() + static_cast<long>(i), args.end());
      break;
    }
    if (a.rfind("--bump-revision", 0) == 0) {
      std::string v = a.size() > 15 && a[15] == '=' ? a.substr(16) : (i + 1 < args.size() ? args[++i] : "");
      bump = !v.empty() && v != "0";
      continue;
    }
    if (a == "--mark-compacted" || a == "--mark-compacted=true") {
      mark = true;
      continue;
    }
    if (a == "--mark-compacted=false") continue;
    if (a.rfind("--initial-memory-map-size", 0) == 0) {  // a bbolt tuning knob: no effect on Cairn's bolt
      if (a.find('=') == std::string::npos && i + 1 < args.size()) ++i;
      continue;
    }
    rest.push_back(a);
  }
  if (sub == "restore" && (bump != mark)) {
    std::fprintf(stderr, "Error: --mark-compacted required if --revision-bump > 0\n");
    return 128;
  }
  if (bump) {
    std::fprintf(stderr,
                 "Error: --bump-revision/--mark-compacted are not supported by this build of etcdutl\n");
    return 1;
  }
  std::vector<std::string> words = {"snapshot", sub};
  words.insert(words.end(), rest.begin(), rest.end());
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  return snapshot::RunSnapshot(static_cast<int>(words.size()), argv.data());
}

}  // namespace cairn::utl

#include "utl/snapshot.h"

#include <cstdio>
#include <cstdlib>

#include "server/snapshot/snapshot_main.h"
#include "utl/bump_revision.h"

namespace cairn::utl {

int SnapshotCommand(const std::string& sub, const std::vector<std::string>& args) {
  // etcdutl 3.5's restore-only flags, checked as etcdutl checks them; the bump is applied to the
  // restored db (bump_revision.h) once server/snapshot's restore has written it.
  std::vector<std::string> rest;
  bool bump = false, mark = false;
  uint64_t bump_amount = 0;
  std::string data_dir, name = "default";
  auto value_of = [&](size_t* i, const std::string& flag, std::string* out) {
    const std::string& a = args[*i];
    if (a == "--" + flag && *i + 1 < args.size()) {
      *out = args[*i + 1];
    } else if (a.rfind("--" + flag + "=", 0) == 0) {
      *out = a.substr(flag.size() + 3);
    }
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      rest.insert(rest.end(), args.begin() + static_cast<long>(i), args.end());
      break;
    }
    value_of(&i, "data-dir", &data_dir);
    value_of(&i, "name", &name);
    if (a.rfind("--bump-revision", 0) == 0) {
      std::string v = a.size() > 15 && a[15] == '=' ? a.substr(16) : (i + 1 < args.size() ? args[++i] : "");
      char* end = nullptr;
      bump_amount = std::strtoull(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0') {
        std::fprintf(
            stderr,
            "Error: invalid argument \"%s\" for \"--bump-revision\" flag: strconv.ParseUint: parsing "
            "\"%s\": invalid syntax\n",
            v.c_str(), v.c_str());
        return 1;
      }
      bump = bump_amount > 0;
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
  std::vector<std::string> words = {"snapshot", sub};
  words.insert(words.end(), rest.begin(), rest.end());
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  const int rc = snapshot::RunSnapshot(static_cast<int>(words.size()), argv.data());
  if (rc != 0 || !bump) return rc;
  if (data_dir.empty()) data_dir = name + ".etcd";
  int64_t rev = 0;
  if (Status s = BumpRevision(data_dir + "/member/snap/db", bump_amount, &rev); !s.ok()) {
    std::fprintf(stderr, "Error: %s\n", s.message().c_str());
    return 1;
  }
  return 0;
}

}  // namespace cairn::utl

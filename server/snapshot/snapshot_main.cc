#include "server/snapshot/snapshot_main.h"

#include <sys/stat.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "server/logging/logger.h"
#include "server/snapshot/restore.h"
#include "server/snapshot/status_format.h"
#include "storage/backend/bolt_snapshot_status.h"
#include "storage/bolt/db.h"
#include "storage/io/file.h"

namespace cairn::snapshot {
namespace {

// etcdctl's exit codes (etcdctl/ctlv3/command/error.go).
constexpr int kExitSuccess = 0;
constexpr int kExitError = 1;
constexpr int kExitBadFeature = 4;
constexpr int kExitBadArgs = 128;

constexpr char kUsage[] =
    "Usage: cairn snapshot <subcommand>\n"
    "\n"
    "Manages etcd node snapshots (etcdctl 3.4's `snapshot` command).\n"
    "\n"
    "Subcommands:\n"
    "  restore <filename> [options]  Restores an etcd member snapshot to an etcd directory\n"
    "  status <filename>             Gets backend snapshot status of a given file\n"
    "\n"
    "restore options:\n"
    "  --data-dir string                      Path to the data directory\n"
    "  --initial-advertise-peer-urls string   List of this member's peer URLs to advertise to the rest of "
    "the "
    "cluster (default \"http://localhost:2380\")\n"
    "  --initial-cluster string               Initial cluster configuration for restore bootstrap (default "
    "\"default=http://localhost:2380\")\n"
    "  --initial-cluster-token string         Initial cluster token for the etcd cluster during restore "
    "bootstrap (default \"etcd-cluster\")\n"
    "  --name string                          Human-readable name for this member (default \"default\")\n"
    "  --skip-hash-check                      Ignore snapshot integrity hash value (required if copied from "
    "data directory)\n"
    "  --wal-dir string                       Path to the WAL directory (use --data-dir if none given)\n"
    "\n"
    "status options:\n"
    "  -w, --write-out string   set the output format (fields, json, simple, table) (default \"simple\")\n";

int Fail(int code, const std::string& message) {
  std::fprintf(stderr, "Error: %s\n", message.c_str());
  return code;
}

struct FlagSpec {
  const char* name;
  char shorthand;  // 0: none
  bool is_bool;
  std::string* value;  // null: accepted and ignored
};

// etcdctl's global flags (ctlv3/ctl.go) that make no sense offline: accepted, ignored.
const char* const kIgnoredValueFlags[] = {
    "endpoints", "dial-timeout", "command-timeout", "keepalive-time", "keepalive-timeout", "cacert", "cert",
    "key",       "user",         "password",        "discovery-srv",  "discovery-srv-name"};
const char* const kIgnoredBoolFlags[] = {
    "help", "debug", "insecure-transport", "insecure-skip-tls-verify", "insecure-discovery", "hex"};

bool ParseBool(const std::string& text, bool* out) {
  // strconv.ParseBool.
  for (const char* t : {"1", "t", "T", "TRUE", "true", "True"}) {
    if (text == t) return *out = true, true;
  }
  for (const char* f : {"0", "f", "F", "FALSE", "false", "False"}) {
    if (text == f) return *out = false, true;
  }
  return false;
}

// pflag-style parsing of args[first..]: fills specs, collects positional arguments. Returns false
// with *error set (pflag's messages) on a bad flag.
bool ParseFlags(const std::vector<std::string>& args, size_t first, std::vector<FlagSpec> specs,
                std::map<std::string, bool>* bools, std::vector<std::string>* positional,
                std::string* error) {
  std::string ignored;
  for (const char* n : kIgnoredValueFlags) specs.push_back({n, 0, false, &ignored});
  for (const char* n : kIgnoredBoolFlags)
    specs.push_back({n, std::strcmp(n, "help") == 0 ? 'h' : '\0', true, nullptr});
  auto find_long = [&](const std::string& n) -> const FlagSpec* {
    for (const FlagSpec& s : specs)
      if (n == s.name) return &s;
    return nullptr;
  };
  auto find_short = [&](char c) -> const FlagSpec* {
    for (const FlagSpec& s : specs)
      if (s.shorthand != 0 && s.shorthand == c) return &s;
    return nullptr;
  };
  for (size_t i = first; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      positional->insert(positional->end(), args.begin() + static_cast<long>(i) + 1, args.end());
      return true;
    }
    if (a.size() < 2 || a[0] != '-') {
      positional->push_back(a);
      continue;
    }
    const FlagSpec* spec = nullptr;
    std::string shown;
    std::string value;
    bool has_value = false;
    if (a[1] == '-') {
      std::string body = a.substr(2);
      const size_t eq = body.find('=');
      if (eq != std::string::npos) {
        value = body.substr(eq + 1), has_value = true;
        body = body.substr(0, eq);
      }
      spec = find_long(body);
      shown = "--" + body;
      if (spec == nullptr) return *error = "unknown flag: " + shown, false;
    } else {
      spec = find_short(a[1]);
      shown = std::string("-") + a[1];
      if (spec == nullptr) {
        return *error = std::string("unknown shorthand flag: '") + a[1] + "' in " + a, false;
      }
      if (a.size() > 2) {
        value = a.substr(a[2] == '=' ? 3 : 2), has_value = true;
      }
      shown = "--" + std::string(spec->name);
    }
    if (spec->is_bool) {
      bool b = true;
      if (has_value && !ParseBool(value, &b)) {
        *error = "invalid argument \"";
        error->append(value).append("\" for \"").append(shown);
        error->append("\" flag: strconv.ParseBool: parsing \"").append(value).append("\": invalid syntax");
        return false;
      }
      (*bools)[spec->name] = b;
      continue;
    }
    if (!has_value) {
      if (i + 1 >= args.size()) return *error = "flag needs an argument: " + a, false;
      value = args[++i];
    }
    if (spec->value != nullptr) *spec->value = value;
  }
  return true;
}

int RunRestore(const std::vector<std::string>& args) {
  RestoreOptions o;
  std::string write_out = "simple";
  std::map<std::string, bool> bools;
  std::vector<std::string> positional;
  std::string error;
  if (!ParseFlags(args, 2,
                  {{"data-dir", 0, false, &o.data_dir},
                   {"wal-dir", 0, false, &o.wal_dir},
                   {"initial-cluster", 0, false, &o.initial_cluster},
                   {"initial-cluster-token", 0, false, &o.initial_cluster_token},
                   {"initial-advertise-peer-urls", 0, false, &o.initial_advertise_peer_urls},
                   {"name", 0, false, &o.name},
                   {"skip-hash-check", 0, true, nullptr},
                   {"write-out", 'w', false, &write_out}},
                  &bools, &positional, &error)) {
    return Fail(kExitError, error);
  }
  if (bools["help"]) return std::fputs(kUsage, stdout), kExitSuccess;
  if (positional.size() != 1) return Fail(kExitBadArgs, "snapshot restore requires exactly one argument");
  o.snapshot_path = positional[0];
  o.skip_hash_check = bools["skip-hash-check"];
  // etcdctl: data dir defaults to "<name>.etcd" (the name as given, even when empty).
  if (o.data_dir.empty()) o.data_dir = o.name + ".etcd";
  logging::Logger logger(std::make_shared<logging::FdSink>(2), logging::Level::kInfo);
  o.logger = &logger;
  if (Status st = Restore(o); !st.ok()) return Fail(kExitError, st.message());
  return kExitSuccess;
}

int RunStatus(const std::vector<std::string>& args) {
  std::string write_out = "simple";
  std::map<std::string, bool> bools;
  std::vector<std::string> positional;
  std::string error;
  if (!ParseFlags(args, 2, {{"write-out", 'w', false, &write_out}}, &bools, &positional, &error)) {
    return Fail(kExitError, error);
  }
  if (bools["help"]) return std::fputs(kUsage, stdout), kExitSuccess;
  if (positional.size() != 1) return Fail(kExitBadArgs, "snapshot status requires exactly one argument");
  // etcdctl picks the printer before reading the file; protobuf is a printer without DBStatus.
  StatusFormat format;
  bool protobuf = false;
  if (write_out == "simple") {
    format = StatusFormat::kSimple;
  } else if (write_out == "json") {
    format = StatusFormat::kJson;
  } else if (write_out == "table") {
    format = StatusFormat::kTable;
  } else if (write_out == "fields") {
    format = StatusFormat::kFields;
  } else if (write_out == "protobuf") {
    format = StatusFormat::kSimple, protobuf = true;
  } else {
    return Fail(kExitBadFeature, "unsupported output format");
  }
  const std::string& path = positional[0];
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    std::string text = std::strerror(errno);
    if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
    return Fail(kExitError, "stat " + path + ": " + text);
  }
  bolt::Options options;
  options.read_only = true;
  std::unique_ptr<bolt::DB> db;
  if (Status s = bolt::DB::Open(io::DefaultEnv(), path, options, &db); !s.ok()) {
    return Fail(kExitError, s.message());
  }
  if (Status s = db->Check(); !s.ok()) {
    return Fail(kExitError, "snapshot file integrity check failed. 1 errors found.\n" + s.message());
  }
  backend::SnapshotStatus status;
  if (Status s = backend::SnapshotStatusOf(db.get(), &status); !s.ok()) return Fail(kExitError, s.message());
  if (protobuf) return Fail(kExitBadFeature, "protobuf not supported as output format");
  const std::string out = FormatStatus(status, format);
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  return kExitSuccess;
}

}  // namespace

int RunSnapshot(int argc, char** argv) {
  const std::vector<std::string> args(argv, argv + argc);
  if (args.size() < 2 || args[1] == "-h" || args[1] == "--help" || args[1] == "help") {
    std::fputs(kUsage, stdout);
    return kExitSuccess;
  }
  if (args[1] == "restore") return RunRestore(args);
  if (args[1] == "status") return RunStatus(args);
  return Fail(kExitError, "unknown command \"" + args[1] + "\" for \"cairn snapshot\"");
}

}  // namespace cairn::snapshot

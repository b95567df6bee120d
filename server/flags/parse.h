// Turning argv, the environment and --config-file into a ServerConfig the way etcd 3.5 does:
//
//   1. Go-flag syntax over argv: `--flag value`, `--flag=value`, `-flag value`, `-flag=value`, bool
//      flags alone mean true, `--` ends flags. Syntax errors -> kUsageError (etcd prints the error
//      and its usage text to stderr and exits 2). `-h`/`--help` -> kHelp (stdout, exit 0).
//   2. A leftover word -> kConfigError "'word' is not a valid flag". `--version` -> kVersion.
//   3. If --config-file (or ETCD_CONFIG_FILE) is set, the YAML file alone decides; other flags and
//      ETCD_* variables are ignored (syntax errors in them still count, as in etcd).
//   4. Otherwise each flag not given on the command line is taken from ETCD_<FLAG_NAME> if set
//      and non-empty. A variable that duplicates a command-line flag is fatal in etcd -> kFatal
//      (etcd 3.5 logs {"level":"fatal",...,"msg":"conflicting environment variable is shadowed by
//      corresponding command-line flag (either unset environment variable or disable flag))",
//      "environment-variable":"ETCD_NAME"} and exits 1); unknown ETCD_* variables only warn.
//   5. Derived defaults (FinalizeServerConfig) and validation (ValidateServerConfig) with etcd's
//      messages -> kConfigError (etcd logs `failed to verify flags` with the error and exits 1).
//
// Parsing never aborts and never prints: the caller prints `message`, logs `notes`, and exits
// with ExitCode().
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "server/flags/server_config.h"

namespace cairn::flags {

// One message etcd would log while parsing; the caller logs it once its logger exists.
struct ParseNote {
  std::string level;  // "info" or "warn"
  std::string msg;    // etcd 3.5's zap message, e.g. "unrecognized environment variable"
  std::vector<std::pair<std::string, std::string>> fields;  // string fields, in order
};

using Environment = std::vector<std::pair<std::string, std::string>>;

// The process environment as an Environment.
Environment ProcessEnvironment();

struct ParseResult {
  enum class Outcome {
    kRun,           // config is ready to use
    kHelp,          // print HelpText() to stdout, exit 0
    kVersion,       // print the version text to stdout, exit 0
    kUsageError,    // print `message` to stderr, exit 2
    kConfigError,   // log warn "failed to verify flags" with error=`message`, exit 1
    kFatal,         // log `notes` (the last one has level "fatal"), exit 1
    kPrintedError,  // print `message` and a newline to stderr, exit 1 (etcd's raw config-file URL errors)
  };
  Outcome outcome = Outcome::kRun;
  // kUsageError: the full text for stderr (error line + usage). kConfigError: the error alone.
  // kFatal: etcd 3.4's one-line wording of the fatal error (3.5 logs the last note instead).
  std::string message;
  ServerConfig config;
  std::vector<ParseNote> notes;

  int ExitCode() const {
    switch (outcome) {
      case Outcome::kUsageError: return 2;
      case Outcome::kConfigError:
      case Outcome::kFatal:
      case Outcome::kPrintedError: return 1;
      default: return 0;
    }
  }
};

// args excludes the program name (argv[1..]).
ParseResult ParseServerFlags(const std::vector<std::string>& args, const Environment& env);

// etcd's post-parse defaults: data_dir "" -> "<name>.etcd"; a non-default name with the default
// --initial-cluster -> "<name>=<initial-advertise-peer-urls>".
void FinalizeServerConfig(ServerConfig* config);

// embed.Config.Validate() of etcd 3.5 (plus the compaction retention check etcd does at start).
// REQUIRES: FinalizeServerConfig already ran.
Status ValidateServerConfig(const ServerConfig& config);

// The prefix of LoadConfigFile errors that etcd prints raw to stderr instead of logging.
inline constexpr char kUrlSetupErrorPrefix[] = "unexpected error setting up ";

// Loads a --config-file YAML over the defaults (embed.ConfigFromFile): keys are flag names, TLS
// settings under client-transport-security / peer-transport-security, durations are integer
// nanoseconds, unknown keys ignored. Errors name the file and key as etcd does.
Status LoadConfigFile(const std::string& path, ServerConfig* config, std::vector<ParseNote>* notes);

// `--help`: usage plus every flag Cairn acts on with its default, then the flags accepted for
// compatibility without effect.
std::string HelpText();

// The short usage text etcd prints after a flag syntax error.
std::string UsageText();

}  // namespace cairn::flags

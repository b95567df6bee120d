// The flag front end of `etcd` / `cairn serve`: everything etcd 3.5 does between argv and a
// validated configuration, including what it prints and how it exits.
//
//   --help        -> help text on stdout, exit 0
//   --version     -> VersionText() on stdout, exit 0
//   syntax error  -> "<go flag error>\n<usage>" on stderr, exit 2
//   bad values    -> {"level":"warn",...,"msg":"failed to verify flags","error":"<etcd's text>"}, exit 1
//   shadowed env  -> {"level":"fatal",...,"environment-variable":"ETCD_NAME"}, exit 1
//   ok            -> logger configured from --log-level/--log-outputs, `Running: ` and the
//                    parse notes logged, returns true.
#pragma once

#include <string>
#include <vector>

#include "server/flags/parse.h"
#include "server/logging/logger.h"

namespace cairn::flags {

// argv includes the program name (etcd logs it in "Running: "). Returns true when the server
// should start with *config; otherwise *exit_code is what the process should exit with, and
// everything has been printed or logged already.
bool LoadServerConfig(const std::vector<std::string>& argv, const Environment& env, logging::Logger& logger,
                      ServerConfig* config, int* exit_code);

// Applies --log-level and --log-outputs to `logger`.
Status ConfigureLogger(const ServerConfig& config, logging::Logger& logger);

}  // namespace cairn::flags

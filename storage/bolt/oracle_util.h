// Runs the external bbolt oracle (//tests/bbolt_oracle, built from Debian's
// bbolt 1.3.6) and helper scripts from a test's runfiles.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace cairn::bolt::testing {

inline std::string Runfile(const std::string& workspace_path) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  std::string base = srcdir != nullptr ? srcdir : ".";
  return base + "/" + (workspace != nullptr ? workspace : "cairn") + "/" + workspace_path;
}

inline std::string OraclePath() { return Runfile("tests/bbolt_oracle/bbolt_oracle"); }

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
};

// Runs `command` through /bin/sh, capturing stdout (stderr goes to the test log).
inline CommandResult RunCommand(const std::string& command) {
  CommandResult r;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return r;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) r.out.append(buf, n);
  int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

inline CommandResult Oracle(const std::string& args) { return RunCommand(OraclePath() + " " + args); }

}  // namespace cairn::bolt::testing

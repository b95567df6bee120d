// etcdctl's exit codes (pkg/cobrautl/error.go) and ExitWithError: "Error: <message>" on stderr,
// then exit. Commands call it for every failure, as etcdctl's commands do.
#pragma once

#include <string>

namespace cairn::ctl {

enum ExitCode : int {
  kExitSuccess = 0,
  kExitError = 1,
  kExitBadConnection = 2,
  kExitInvalidInput = 3,  // txn, watch
  kExitBadFeature = 4,    // a valid flag with an unsupported value
  kExitInterrupted = 5,
  kExitIO = 6,
  kExitBadArgs = 128,
};

[[noreturn]] void ExitWithError(int code, const std::string& message);

}  // namespace cairn::ctl

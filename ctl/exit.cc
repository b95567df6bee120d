#include "ctl/exit.h"

#include <cstdio>
#include <cstdlib>

namespace cairn::ctl {

void ExitWithError(int code, const std::string& message) {
  std::fflush(stdout);
  std::fprintf(stderr, "Error: %s\n", message.c_str());
  std::exit(code);
}

}  // namespace cairn::ctl

#include "server/flags/go_oracle.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace cairn::flags::testing {

bool GoAvailable() { return access("/usr/bin/go", X_OK) == 0; }

std::vector<std::string> AskGo(const std::vector<std::string>& queries) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::string dir = tmp != nullptr ? tmp : "/tmp";
  std::string input = dir + "/go_oracle_input.txt";
  {
    std::ofstream out(input);
    for (const std::string& q : queries) out << q << "\n";
  }
  std::string cmd =
      "cd " + dir + " && env GOCACHE=" + dir + "/gocache GOPATH=" + dir +
      "/gopath GO111MODULE=off GOFLAGS= HOME=" + dir + " /usr/bin/go run " +
      std::string(getenv("TEST_SRCDIR") != nullptr ? std::string(getenv("TEST_SRCDIR")) + "/cairn/"
                                                   : std::string("")) +
      "server/flags/testdata/go_oracle.go < " + input;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return {};
  std::vector<std::string> lines;
  char* line = nullptr;
  size_t cap = 0;
  ssize_t n;
  while ((n = getline(&line, &cap, p)) > 0) lines.emplace_back(line, static_cast<size_t>(n - 1));
  free(line);
  if (pclose(p) != 0 || lines.size() != queries.size()) return {};
  return lines;
}

}  // namespace cairn::flags::testing

#include "bench/bench_tool_fixture.h"

#include <sys/wait.h>

#include <cstdio>

namespace cairn::bench::testing {

std::string RunCapture(const std::string& cmd, int* exit_code) {
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while (p != nullptr && (n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  const int status = p != nullptr ? pclose(p) : -1;
  *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

void BenchToolTest::SetUpTestSuite() {
  etcd_ = new EtcdProcess();
  const Status s = etcd_->Start();
  ASSERT_TRUE(s.ok()) << s.ToString();
}

void BenchToolTest::TearDownTestSuite() {
  delete etcd_;
  etcd_ = nullptr;
}

std::string BenchToolTest::RunBench(const std::string& args, int* exit_code) {
  return RunCapture("timeout 60 bench/bench_tool --endpoints " + etcd_->endpoint() + " " + args + " 2>" +
                        etcd_->dir() + "/bench.stderr",
                    exit_code);
}

}  // namespace cairn::bench::testing

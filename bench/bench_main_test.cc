// Command-line handling of BenchMain that needs no server (exit codes of usage errors).
#include "bench/bench_main.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

int RunBench(std::vector<std::string> args) {
  args.insert(args.begin(), "bench");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return cairn::bench::BenchMain(static_cast<int>(args.size()), argv.data());
}

TEST(BenchMain, HelpAndUsageErrors) {
  EXPECT_EQ(RunBench({"--help"}), 0);
  EXPECT_EQ(RunBench({"put", "--help"}), 0);
  EXPECT_EQ(RunBench({"help"}), 0);
  EXPECT_EQ(RunBench({}), 1);
  EXPECT_EQ(RunBench({"no-such-command"}), 1);
  EXPECT_EQ(RunBench({"put", "--no-such-flag"}), 1);
  EXPECT_EQ(RunBench({"put", "--total", "abc"}), 1);
  EXPECT_EQ(RunBench({"put", "extra-arg"}), 1);
  EXPECT_EQ(RunBench({"range"}), 1);
  EXPECT_EQ(RunBench({"range", "a", "b", "c"}), 1);
  EXPECT_EQ(RunBench({"range", "a", "--consistency", "x"}), 1);
  EXPECT_EQ(RunBench({"--conns", "0", "put"}), 1);
  EXPECT_EQ(RunBench({"put", "--output", "xml"}), 1);
  EXPECT_EQ(RunBench({"put", "--key-space-size", "0"}), 1);
  EXPECT_EQ(RunBench({"put", "--key-size", "1", "--key-space-size", "1000"}),
            1);  // key cannot hold the varint
  EXPECT_EQ(RunBench({"txn-put", "--txn-ops", "0"}), 1);
  EXPECT_EQ(RunBench({"--user", "nopassword", "--endpoints", "127.0.0.1:1", "put"}), 1);
}

}  // namespace

// Test helpers for black-box tests of bench_tool (the test's data dependency :bench_tool):
// RunCapture runs a shell command, BenchToolTest is a gtest fixture whose tests share one real
// etcd (etcd_process.h) started before the suite and killed after it.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "bench/etcd_process.h"

namespace cairn::bench::testing {

// Runs `cmd` with /bin/sh (popen); returns its stdout and sets *exit_code (-1 when it could not
// be started or did not exit normally).
std::string RunCapture(const std::string& cmd, int* exit_code);

class BenchToolTest : public ::testing::Test {
 protected:
  // Starts the suite's etcd (fails the suite when it does not serve within EtcdProcess's bound).
  static void SetUpTestSuite();
  // Kills etcd and removes its directory.
  static void TearDownTestSuite();

  // Runs "bench/bench_tool --endpoints <etcd> <args>" bounded by timeout(1) at 60 s; returns its
  // stdout (stderr goes to <etcd dir>/bench.stderr) and sets *exit_code.
  static std::string RunBench(const std::string& args, int* exit_code);

  static inline EtcdProcess* etcd_ = nullptr;
};

}  // namespace cairn::bench::testing

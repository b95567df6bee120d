// Helpers shared by the benchmark subcommands (commands.cc, txn_mixed.cc, watch*.cc).
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "bench/commands.h"
#include "bench/driver.h"
#include "bench/rate_limiter.h"
#include "bench/report.h"

namespace cairn::bench {

// This process's CPU time so far (getrusage(RUSAGE_SELF)).
ClientCpu CpuNow();
// after - before.
ClientCpu CpuSince(const ClientCpu& before);

// Cairn's line after etcd's report: "Client CPU time:\t0.1234 secs (user ..., system ...), 12.3% of
// one core.\n" (wall_ns <= 0 omits the percentage).
std::string CpuLine(const ClientCpu& cpu, int64_t wall_ns);

// Completion-queue threads for the driver: --cq-threads, else min(conns, cores).
int64_t CqThreads(const GlobalConfig& global);

// Checks --conns, --clients, --output.
Status ValidateGlobal(const GlobalConfig& global);

// Prints "Error: <message>" to err; returns exit code 1.
int Fail(FILE* err, const Status& status);

// etcd's --key-space-size check: when key_space_size <= 0, prints "expected positive
// --key-space-size, got (<n>)" to err (no newline, as etcd) and returns false.
bool CheckKeySpaceSize(int64_t key_space_size, FILE* err);

// VarintKey's error when the largest key number (key_space_size - 1) does not fit in key_size
// bytes. REQUIRES: key_space_size > 0.
Status CheckKeysFit(int64_t key_space_size, int64_t key_size);

// etcd's --consistency: "l" (linearizable) or "s" (serializable); InvalidArgument otherwise.
Status CheckConsistency(const std::string& consistency);

// Text output only: etcd's "bench with linearizable range" (or serializable) line, flushed.
void PrintConsistencyLine(const GlobalConfig& global, const std::string& consistency, FILE* out);

// nullptr for rate <= 0 (etcd: 0 means no limit).
std::unique_ptr<RateLimiter> MakeLimiter(int64_t rate, int64_t burst);

// Runs `calls` closed-loop (driver.h) for `total` requests, at most `rate` per second (<= 0: no
// limit), on CqThreads(global) threads; *cpu gets this process's CPU time during the run.
DriverResult RunMeasuredLoop(const GlobalConfig& global, const std::vector<std::unique_ptr<Call>>& calls,
                             int64_t total, int64_t rate, ClientCpu* cpu);

}  // namespace cairn::bench

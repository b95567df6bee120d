// Helpers shared by the benchmark subcommands (commands.cc, txn_mixed.cc, watch*.cc).
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "base/status.h"
#include "bench/commands.h"
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

// nullptr for rate <= 0 (etcd: 0 means no limit).
std::unique_ptr<RateLimiter> MakeLimiter(int64_t rate, int64_t burst);

}  // namespace cairn::bench

#include "bench/command_util.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "bench/go_format.h"

namespace cairn::bench {
namespace {

double TimevalSeconds(const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6; }

}  // namespace

ClientCpu CpuNow() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return {TimevalSeconds(ru.ru_utime), TimevalSeconds(ru.ru_stime)};
}

ClientCpu CpuSince(const ClientCpu& before) {
  const ClientCpu now = CpuNow();
  return {now.user_seconds - before.user_seconds, now.system_seconds - before.system_seconds};
}

std::string CpuLine(const ClientCpu& cpu, int64_t wall_ns) {
  const double used = cpu.user_seconds + cpu.system_seconds;
  std::string line = "Client CPU time:\t" + GoFormatF(used, 4, 4) + " secs (user " +
                     GoFormatF(cpu.user_seconds, 4, 4) + ", system " + GoFormatF(cpu.system_seconds, 4, 4) +
                     ")";
  if (wall_ns > 0) line += ", " + GoFormatF(100.0 * used / GoSeconds(wall_ns), 1, 1) + "% of one core";
  return line + ".\n";
}

int64_t CqThreads(const GlobalConfig& global) {
  if (global.cq_threads > 0) return global.cq_threads;
  const int64_t cores = std::max<unsigned>(1, std::thread::hardware_concurrency());
  return std::max<int64_t>(1, std::min(global.conns, cores));
}

Status ValidateGlobal(const GlobalConfig& global) {
  if (global.conns < 1) return Status::InvalidArgument("--conns must be at least 1");
  if (global.clients < 1) return Status::InvalidArgument("--clients must be at least 1");
  if (global.output != "simple" && global.output != "json") {
    return Status::InvalidArgument("--output must be simple or json, got \"" + global.output + "\"");
  }
  return Status::Ok();
}

int Fail(FILE* err, const Status& status) {
  std::fprintf(err, "Error: %s\n", status.message().c_str());
  return 1;
}

std::unique_ptr<RateLimiter> MakeLimiter(int64_t rate, int64_t burst) {
  if (rate <= 0) return nullptr;
  return std::make_unique<RateLimiter>(static_cast<double>(rate), burst, std::chrono::steady_clock::now());
}

}  // namespace cairn::bench

#include "bench/command_util.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "bench/go_format.h"
#include "bench/keys.h"

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

bool CheckKeySpaceSize(int64_t key_space_size, FILE* err) {
  if (key_space_size > 0) return true;
  std::fprintf(err, "expected positive --key-space-size, got (%lld)", static_cast<long long>(key_space_size));
  return false;
}

Status CheckKeysFit(int64_t key_space_size, int64_t key_size) {
  std::string probe;
  return VarintKey(key_space_size - 1, key_size, &probe);
}

Status CheckConsistency(const std::string& consistency) {
  if (consistency == "l" || consistency == "s") return Status::Ok();
  return Status::InvalidArgument("--consistency must be l (linearizable) or s (serializable)");
}

void PrintConsistencyLine(const GlobalConfig& global, const std::string& consistency, FILE* out) {
  if (global.output == "json") return;
  std::fprintf(out, "%s\n",
               consistency == "l" ? "bench with linearizable range" : "bench with serializable range");
  std::fflush(out);
}

std::unique_ptr<RateLimiter> MakeLimiter(int64_t rate, int64_t burst) {
  if (rate <= 0) return nullptr;
  return std::make_unique<RateLimiter>(static_cast<double>(rate), burst, std::chrono::steady_clock::now());
}

DriverResult RunMeasuredLoop(const GlobalConfig& global, const std::vector<std::unique_ptr<Call>>& calls,
                             int64_t total, int64_t rate, ClientCpu* cpu) {
  auto limiter = MakeLimiter(rate, 1);
  DriverOptions options;
  options.total = total;
  options.threads = CqThreads(global);
  options.limiter = limiter.get();
  const ClientCpu before = CpuNow();
  DriverResult result = RunClosedLoop(calls, options);
  *cpu = CpuSince(before);
  return result;
}

}  // namespace cairn::bench

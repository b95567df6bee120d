#include "server/metrics/process_metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace cairn::metrics {

namespace {

double RlimitValue(rlim_t v) {
  // Unlimited prints as Go's uint64 max, 1.8446744073709552e+19.
  return v == RLIM_INFINITY ? 18446744073709551615.0 : static_cast<double>(v);
}

}  // namespace

bool ReadProcessStats(ProcessStats* stats) {
  std::ifstream stat_file("/proc/self/stat");
  std::string stat;
  if (!std::getline(stat_file, stat)) return false;
  // Fields after the command name "(...)", which may contain spaces: field 3 onwards.
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream fields(stat.substr(close + 2));
  std::string f[50];
  for (int i = 3; i <= 24 && fields >> f[i]; i++) {
  }
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  stats->cpu_seconds = (std::stod(f[14]) + std::stod(f[15])) / ticks;  // utime + stime
  stats->virtual_memory_bytes = std::stod(f[23]);
  stats->resident_memory_bytes = std::stod(f[24]) * page;
  double btime = 0;
  std::ifstream proc_stat("/proc/stat");
  std::string line;
  while (std::getline(proc_stat, line)) {
    if (line.rfind("btime ", 0) == 0) btime = std::stod(line.substr(6));
  }
  stats->start_time_seconds = btime + std::stod(f[22]) / ticks;
  int open = 0;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] != '.') open++;
    }
    closedir(d);
    open--;  // the directory stream's own descriptor
  }
  stats->open_fds = open;
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  stats->max_fds = RlimitValue(lim.rlim_cur);
  getrlimit(RLIMIT_AS, &lim);
  stats->virtual_memory_max_bytes = RlimitValue(lim.rlim_cur);
  return true;
}

void RegisterProcessMetrics(Registry& r) {
  auto read = [](double ProcessStats::*field) {
    return [field] {
      ProcessStats s;
      return ReadProcessStats(&s) ? s.*field : 0.0;
    };
  };
  r.NewCounterFunc("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                   read(&ProcessStats::cpu_seconds));
  r.NewGaugeFunc("process_open_fds", "Number of open file descriptors.", read(&ProcessStats::open_fds));
  r.NewGaugeFunc("process_max_fds", "Maximum number of open file descriptors.", read(&ProcessStats::max_fds));
  r.NewGaugeFunc("process_resident_memory_bytes", "Resident memory size in bytes.",
                 read(&ProcessStats::resident_memory_bytes));
  r.NewGaugeFunc("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                 read(&ProcessStats::virtual_memory_bytes));
  r.NewGaugeFunc("process_virtual_memory_max_bytes", "Maximum amount of virtual memory available in bytes.",
                 read(&ProcessStats::virtual_memory_max_bytes));
  r.NewGaugeFunc("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
                 read(&ProcessStats::start_time_seconds));
}

}  // namespace cairn::metrics

// process_* metrics of Prometheus' Go process collector, read from /proc/self at scrape time:
// process_cpu_seconds_total, process_open_fds, process_max_fds, process_resident_memory_bytes,
// process_virtual_memory_bytes, process_virtual_memory_max_bytes, process_start_time_seconds.
#pragma once

#include "server/metrics/registry.h"

namespace cairn::metrics {

// Registers the process collector's metrics in `registry` (idempotent).
void RegisterProcessMetrics(Registry& registry);

struct ProcessStats {
  double cpu_seconds = 0;
  double resident_memory_bytes = 0;
  double virtual_memory_bytes = 0;
  double start_time_seconds = 0;
  double open_fds = 0;
  double max_fds = 0;
  double virtual_memory_max_bytes = 0;
};

// Reads /proc/self/stat, /proc/stat (btime), /proc/self/fd and the rlimits. False on failure.
bool ReadProcessStats(ProcessStats* stats);

}  // namespace cairn::metrics

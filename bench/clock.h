// Clock readings in nanoseconds for the benchmarks' latency samples: the steady clock measures
// durations, the system (Unix) clock stamps when a request started (etcd's report time series).
#pragma once

#include <chrono>
#include <cstdint>

namespace cairn::bench {

inline int64_t SteadyNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

inline int64_t UnixNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace cairn::bench

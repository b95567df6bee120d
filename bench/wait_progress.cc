#include "bench/wait_progress.h"

#include <chrono>
#include <thread>

#include "bench/clock.h"

namespace cairn::bench {

bool WaitWithProgress(const std::function<bool()>& pred, const std::function<int64_t()>& progress,
                      int64_t idle_timeout_ns) {
  int64_t last = progress();
  int64_t last_change = SteadyNowNs();
  while (!pred()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    const int64_t p = progress();
    const int64_t now = SteadyNowNs();
    if (p != last) {
      last = p;
      last_change = now;
    } else if (now - last_change > idle_timeout_ns) {
      return false;
    }
  }
  return true;
}

}  // namespace cairn::bench

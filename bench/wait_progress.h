// A bounded wait for background work that reports progress as a counter (events received,
// watches created): it gives up only when the work stalls, not after a fixed total time.
#pragma once

#include <cstdint>
#include <functional>

namespace cairn::bench {

// Polls every 2 ms until pred() holds (returns true) or `idle_timeout_ns` passes without
// progress() changing (returns false). pred and progress must be safe to call from this thread
// while the work runs (atomics or their own locking).
bool WaitWithProgress(const std::function<bool()>& pred, const std::function<int64_t()>& progress,
                      int64_t idle_timeout_ns);

}  // namespace cairn::bench

#include "bench/rate_limiter.h"

#include <algorithm>
#include <cassert>

namespace cairn::bench {

RateLimiter::RateLimiter(double rate_per_second, int64_t burst, Clock::time_point now)
    : rate_per_second_(rate_per_second), burst_(static_cast<double>(burst)), tokens_(burst_), last_(now) {
  assert(rate_per_second > 0);
  assert(burst >= 1);
}

RateLimiter::Clock::time_point RateLimiter::Reserve(Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  if (now > last_) {
    const double elapsed_seconds = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed_seconds * rate_per_second_);
    last_ = now;
  }
  tokens_ -= 1;
  if (tokens_ >= 0) return std::max(now, last_);
  // In debt: wait until the bucket has refilled to zero.
  const auto wait = std::chrono::duration<double>(-tokens_ / rate_per_second_);
  return last_ + std::chrono::duration_cast<Clock::duration>(wait);
}

}  // namespace cairn::bench

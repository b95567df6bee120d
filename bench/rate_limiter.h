// Token-bucket rate limiter with the semantics of Go's golang.org/x/time/rate.Limiter as etcd's
// benchmark uses it (Wait with a reservation): `rate_per_second` tokens accrue continuously up to
// `burst`; the bucket starts full; each Reserve() takes one token and returns when the caller may
// proceed (now, or later when the bucket is in debt).
//
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>

namespace cairn::bench {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  // REQUIRES: rate_per_second > 0, burst >= 1.
  RateLimiter(double rate_per_second, int64_t burst, Clock::time_point now);

  // Takes one token; returns the time at which the caller may proceed (>= now).
  Clock::time_point Reserve(Clock::time_point now);

 private:
  std::mutex mu_;
  const double rate_per_second_;
  const double burst_;
  double tokens_;
  Clock::time_point last_;
};

}  // namespace cairn::bench

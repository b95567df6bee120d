#include "bench/rate_limiter.h"

#include <gtest/gtest.h>

namespace cairn::bench {
namespace {

using std::chrono::milliseconds;

TEST(RateLimiter, BurstOneSpacesRequests) {
  const auto t0 = RateLimiter::Clock::time_point() + std::chrono::hours(1);
  RateLimiter limiter(100, 1, t0);  // 100/s: one token every 10 ms
  EXPECT_EQ(limiter.Reserve(t0), t0);
  EXPECT_EQ(limiter.Reserve(t0), t0 + milliseconds(10));
  EXPECT_EQ(limiter.Reserve(t0), t0 + milliseconds(20));
  // Long idle: the bucket refills only up to the burst of 1.
  const auto t1 = t0 + std::chrono::seconds(5);
  EXPECT_EQ(limiter.Reserve(t1), t1);
  EXPECT_EQ(limiter.Reserve(t1), t1 + milliseconds(10));
}

TEST(RateLimiter, BurstAllowsInitialBatch) {
  const auto t0 = RateLimiter::Clock::time_point() + std::chrono::hours(1);
  RateLimiter limiter(10, 3, t0);
  EXPECT_EQ(limiter.Reserve(t0), t0);
  EXPECT_EQ(limiter.Reserve(t0), t0);
  EXPECT_EQ(limiter.Reserve(t0), t0);
  EXPECT_EQ(limiter.Reserve(t0), t0 + milliseconds(100));
}

}  // namespace
}  // namespace cairn::bench

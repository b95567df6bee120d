#include <vector>

#include "gtest/gtest.h"
#include "server/allocator/release.h"

namespace cairn::allocator {
namespace {

TEST(ScopedEagerReleaseNoopTest, WithoutMimallocNothingIsTunedAndWindowsAreHarmless) {
  EXPECT_FALSE(Tunable());
  ScopedEagerRelease window;
  std::vector<char> burst(1 << 20);
  EXPECT_EQ(burst.size(), 1u << 20);
}

}  // namespace
}  // namespace cairn::allocator

#include "server/allocator/release.h"

#include <mimalloc.h>

#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace cairn::allocator {
namespace {

TEST(ScopedEagerReleaseTest, OptionNumberingMatchesTheLinkedMimalloc) {
  ASSERT_TRUE(Tunable());
  // The enum value release.cc hard-codes is the one of the linked header.
  EXPECT_EQ(static_cast<int>(mi_option_decommit_delay), 15);
}

TEST(ScopedEagerReleaseTest, WindowZeroesTheDelayAndRestoresIt) {
  mi_option_set(mi_option_decommit_delay, 25);
  {
    ScopedEagerRelease window;
    EXPECT_EQ(mi_option_get(mi_option_decommit_delay), 0);
    {
      ScopedEagerRelease nested;
      EXPECT_EQ(mi_option_get(mi_option_decommit_delay), 0);
    }
    EXPECT_EQ(mi_option_get(mi_option_decommit_delay), 0);  // the outer window is still open
  }
  EXPECT_EQ(mi_option_get(mi_option_decommit_delay), 25);
}

TEST(ScopedEagerReleaseTest, OverlappingWindowsFromThreads) {
  mi_option_set(mi_option_decommit_delay, 7);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([] {
      for (int i = 0; i < 1000; ++i) {
        ScopedEagerRelease window;
        std::vector<char> burst(1 << 16);  // allocates and frees inside the window
        EXPECT_EQ(mi_option_get(mi_option_decommit_delay), 0);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(mi_option_get(mi_option_decommit_delay), 7);
}

}  // namespace
}  // namespace cairn::allocator

#include "storage/io/slow_sync_env.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace cairn::io {
namespace {

TEST(SlowSyncEnv, UnsetIsTheDefaultEnv) {
  ASSERT_TRUE(InitServerEnv(nullptr).ok());
  EXPECT_EQ(ServerEnv(), DefaultEnv());
  ASSERT_TRUE(InitServerEnv("0").ok());
  EXPECT_EQ(ServerEnv(), DefaultEnv());
}

TEST(SlowSyncEnv, BadValueIsRefused) {
  EXPECT_EQ(InitServerEnv("1s").message(),
            "invalid CAIRN_FAULT_FSYNC_DELAY_MS \"1s\": want a number of milliseconds");
}

TEST(SlowSyncEnv, SyncIsDelayed) {
  ASSERT_TRUE(InitServerEnv("50").ok());
  EXPECT_EQ(FsyncDelay(), std::chrono::milliseconds(50));
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/f";
  std::unique_ptr<File> f;
  ASSERT_TRUE(ServerEnv()->Open(path, OpenMode::kCreateReadWrite, &f).ok());
  const std::byte b{1};
  ASSERT_TRUE(f->WriteAt(0, std::span<const std::byte>(&b, 1)).ok());
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(f->Sync().ok());
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(50));
  ASSERT_TRUE(InitServerEnv(nullptr).ok());
}

}  // namespace
}  // namespace cairn::io

#include "storage/io/fault_env.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace cairn::io {
namespace {

std::span<const std::byte> Bytes(const std::string& s) {
  return std::as_bytes(std::span<const char>(s.data(), s.size()));
}

std::string ReadAll(Env* env, const std::string& path) {
  std::unique_ptr<File> file;
  EXPECT_TRUE(env->Open(path, OpenMode::kReadOnly, &file).ok());
  uint64_t size = 0;
  EXPECT_TRUE(file->Size(&size).ok());
  std::string out(size, '\0');
  EXPECT_TRUE(file->ReadAt(0, std::as_writable_bytes(std::span<char>(out.data(), out.size()))).ok());
  return out;
}

class FaultEnvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/fault_env_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/f";
  }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }

  std::string dir_;
  std::string path_;
  FaultEnv env_{DefaultEnv()};
};

TEST_F(FaultEnvTest, CrashRollsBackOnlyUnsyncedWrites) {
  std::unique_ptr<File> file;
  ASSERT_TRUE(env_.Open(path_, OpenMode::kCreateReadWrite, &file).ok());
  ASSERT_TRUE(file->WriteAt(0, Bytes("hello")).ok());
  ASSERT_TRUE(file->Sync().ok());
  ASSERT_TRUE(file->WriteAt(0, Bytes("J")).ok());          // overwrite inside
  ASSERT_TRUE(file->WriteAt(5, Bytes(" world")).ok());     // extend
  EXPECT_EQ(ReadAll(DefaultEnv(), path_), "Jello world");  // visible before crash
  ASSERT_TRUE(env_.Crash().ok());
  EXPECT_EQ(ReadAll(DefaultEnv(), path_), "hello");
}

TEST_F(FaultEnvTest, CrashAtStepFailsThatStepAndAllLater) {
  std::unique_ptr<File> file;
  ASSERT_TRUE(env_.Open(path_, OpenMode::kCreateReadWrite, &file).ok());
  env_.SetCrashAtStep(3);
  EXPECT_TRUE(file->WriteAt(0, Bytes("ab")).ok());         // step 1
  EXPECT_TRUE(file->Sync().ok());                          // step 2
  EXPECT_TRUE(file->WriteAt(2, Bytes("cd")).IsIOError());  // step 3: crash
  EXPECT_TRUE(file->Sync().IsIOError());
  EXPECT_TRUE(env_.crashed());
  ASSERT_TRUE(env_.Crash().ok());
  EXPECT_EQ(ReadAll(DefaultEnv(), path_), "ab");
}

TEST_F(FaultEnvTest, UnsyncedTruncateIsUndone) {
  std::unique_ptr<File> file;
  ASSERT_TRUE(env_.Open(path_, OpenMode::kCreateReadWrite, &file).ok());
  ASSERT_TRUE(file->WriteAt(0, Bytes("0123456789")).ok());
  ASSERT_TRUE(file->Sync().ok());
  ASSERT_TRUE(file->Truncate(4).ok());
  ASSERT_TRUE(file->Truncate(20).ok());
  ASSERT_TRUE(env_.Crash().ok());
  EXPECT_EQ(ReadAll(DefaultEnv(), path_), "0123456789");
}

TEST_F(FaultEnvTest, RenamedOpenFileIsStillRolledBack) {
  std::unique_ptr<File> file;
  ASSERT_TRUE(env_.Open(path_, OpenMode::kCreateReadWrite, &file).ok());
  ASSERT_TRUE(file->WriteAt(0, Bytes("kept")).ok());
  ASSERT_TRUE(file->Sync().ok());
  const std::string renamed = dir_ + "/g";
  ASSERT_TRUE(env_.Rename(path_, renamed).ok());
  ASSERT_TRUE(file->WriteAt(4, Bytes(" lost")).ok());  // through the handle opened before the rename
  ASSERT_TRUE(env_.Crash().ok());
  EXPECT_EQ(ReadAll(DefaultEnv(), renamed), "kept");
}

}  // namespace
}  // namespace cairn::io

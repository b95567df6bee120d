#include "server/snapshot/snapshot_file.h"

#include <gtest/gtest.h>
#include <openssl/sha.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace cairn::snapshot {
namespace {

std::string Sha(const std::string& bytes) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), d);
  return std::string(reinterpret_cast<const char*>(d), sizeof d);
}

std::string DbBytes(size_t pages) {
  std::string db(pages * 4096, '\0');
  for (size_t i = 0; i < db.size(); ++i) db[i] = static_cast<char>((i * 7919) >> 3);
  return db;
}

std::string TempDir() {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string dir = std::string(base ? base : "/tmp") + "/snapfile_" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(SnapshotFileTest, TrailerDetectionIsEtcds) {
  EXPECT_TRUE(HasSha256Trailer(20480 + 32));
  EXPECT_TRUE(HasSha256Trailer(32));
  EXPECT_FALSE(HasSha256Trailer(20480));
  EXPECT_FALSE(HasSha256Trailer(20480 + 31));
  EXPECT_FALSE(HasSha256Trailer(20480 + 33));
}

TEST(SnapshotFileTest, VerifyGoodMissingAndMismatch) {
  const std::string db = DbBytes(3);
  uint64_t n = 0;
  EXPECT_TRUE(VerifySnapshotBytes(db + Sha(db), false, &n).ok());
  EXPECT_EQ(n, db.size());

  EXPECT_EQ(VerifySnapshotBytes(db, false, &n).message(),
            "snapshot missing hash but --skip-hash-check=false");
  EXPECT_TRUE(VerifySnapshotBytes(db, true, &n).ok());
  EXPECT_EQ(n, db.size());

  std::string bad = db + Sha(db);
  bad[100] ^= 1;
  const Status st = VerifySnapshotBytes(bad, false, &n);
  ASSERT_FALSE(st.ok());
  // etcd: fmt.Errorf("expected sha256 %v, got %v", sha, dbsha) with []byte printed in decimal.
  EXPECT_EQ(st.message(),
            "expected sha256 " + GoByteList(Sha(db)) + ", got " + GoByteList(Sha(bad.substr(0, db.size()))));
  EXPECT_EQ(st.message().rfind("expected sha256 [", 0), 0u);
  EXPECT_TRUE(VerifySnapshotBytes(bad, true, &n).ok());
}

TEST(SnapshotFileTest, GoByteList) {
  EXPECT_EQ(GoByteList(std::string("\x00\x01\xff", 3)), "[0 1 255]");
  EXPECT_EQ(GoByteList(""), "[]");
}

TEST(SnapshotFileTest, CopyCutsTrailerAndChecksHash) {
  const std::string dir = TempDir();
  const std::string db = DbBytes(300);  // > the 1 MiB copy buffer
  WriteFile(dir + "/snap", db + Sha(db));
  ASSERT_TRUE(CopySnapshotDb(dir + "/snap", dir + "/db1", false).ok());
  EXPECT_EQ(ReadFile(dir + "/db1"), db);
  // Never over an existing file.
  EXPECT_FALSE(CopySnapshotDb(dir + "/snap", dir + "/db1", false).ok());

  std::string bad = db + Sha(db);
  bad[1 << 20] ^= 0x40;
  WriteFile(dir + "/bad", bad);
  const Status st = CopySnapshotDb(dir + "/bad", dir + "/db2", false);
  EXPECT_EQ(st.message().rfind("expected sha256 [", 0), 0u) << st.message();
  ASSERT_TRUE(CopySnapshotDb(dir + "/bad", dir + "/db3", true).ok());
  EXPECT_EQ(ReadFile(dir + "/db3"), bad.substr(0, db.size()));

  WriteFile(dir + "/raw", db);
  EXPECT_EQ(CopySnapshotDb(dir + "/raw", dir + "/db4", false).message(),
            "snapshot missing hash but --skip-hash-check=false");
  EXPECT_FALSE(std::filesystem::exists(dir + "/db4"));
  ASSERT_TRUE(CopySnapshotDb(dir + "/raw", dir + "/db5", true).ok());
  EXPECT_EQ(ReadFile(dir + "/db5"), db);

  EXPECT_EQ(CopySnapshotDb(dir + "/nope", dir + "/db6", false).message(),
            "open " + dir + "/nope: no such file or directory");
  WriteFile(dir + "/tiny", "0123456789");
  EXPECT_EQ(CopySnapshotDb(dir + "/tiny", dir + "/db7", true).message(),
            "seek " + dir + "/tiny: invalid argument");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cairn::snapshot

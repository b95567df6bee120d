#include "certs/x509/pem_file.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>

namespace cairn::certs {
namespace {

std::string TempDir() {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string dir = std::string(base != nullptr ? base : "/tmp") + "/pem_file_XXXXXX";
  return mkdtemp(dir.data());
}

mode_t ModeOf(const std::string& path) {
  struct stat st;
  EXPECT_EQ(stat(path.c_str(), &st), 0);
  return st.st_mode & 0777;
}

TEST(PemFile, WritesWithModeCreatesDirsAndLeavesNoTemp) {
  const std::string dir = TempDir();
  const std::string key = dir + "/etcd/ca.key";
  const std::string cert = dir + "/etcd/ca.crt";
  ASSERT_TRUE(WriteFileAtomically(key, "secret", kKeyFileMode).ok());
  ASSERT_TRUE(WriteFileAtomically(cert, "public", kCertFileMode).ok());
  EXPECT_EQ(ModeOf(key), 0600u);
  EXPECT_EQ(ModeOf(cert), 0644u);
  ASSERT_TRUE(WriteFileAtomically(cert, "replaced", kCertFileMode).ok());
  std::string text;
  ASSERT_TRUE(ReadWholeFile(cert, &text).ok());
  EXPECT_EQ(text, "replaced");
  int entries = 0;
  DIR* d = opendir((dir + "/etcd").c_str());
  while (dirent* e = readdir(d)) entries += e->d_name[0] != '.';
  closedir(d);
  EXPECT_EQ(entries, 2);  // no temporary file left behind
}

TEST(PemFile, ErrorsNameThePath) {
  std::string text;
  Status st = ReadWholeFile("/nonexistent/x.pem", &text);
  EXPECT_TRUE(st.IsNotFound());
  EXPECT_NE(st.message().find("/nonexistent/x.pem"), std::string::npos);
  st = WriteFileAtomically("/proc/cairn-no/x.pem", "x", kCertFileMode);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("/proc/cairn-no"), std::string::npos);
}

}  // namespace
}  // namespace cairn::certs

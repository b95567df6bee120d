#include "server/tls/cert_expiry.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <string>

#include "server/tls/self_signed.h"

namespace cairn::tls {
namespace {

std::string TmpDir(const std::string& name) {
  const char* base = std::getenv("TEST_TMPDIR");
  return std::string(base != nullptr ? base : "/tmp") + "/" + name;
}

TEST(CertExpiryTest, SelfSignedCertificateExpiresInItsValidity) {
  std::string cert, key;
  ASSERT_TRUE(EnsureSelfSignedCert(TmpDir("expiry"), {"127.0.0.1"}, 1, false, &cert, &key).ok());
  int64_t not_after = 0;
  ASSERT_TRUE(CertificateNotAfter(cert, &not_after).ok());
  const int64_t now = std::time(nullptr);
  // --self-signed-cert-validity 1: one year from now (give or take a day and the backdating).
  EXPECT_GT(not_after, now + 364 * 86400);
  EXPECT_LT(not_after, now + 367 * 86400);
}

TEST(CertExpiryTest, BadFilesAreErrorsNamingTheFile) {
  int64_t not_after = 0;
  Status st = CertificateNotAfter(TmpDir("missing.pem"), &not_after);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("missing.pem"), std::string::npos);
  std::ofstream(TmpDir("garbage.pem")) << "not a certificate\n";
  st = CertificateNotAfter(TmpDir("garbage.pem"), &not_after);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("no valid PEM certificate"), std::string::npos);
}

}  // namespace
}  // namespace cairn::tls

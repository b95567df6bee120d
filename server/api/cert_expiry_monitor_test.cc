#include "server/api/cert_expiry_monitor.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <string>

namespace cairn::api {
namespace {

std::string TmpPath(const std::string& name) {
  const char* base = std::getenv("TEST_TMPDIR");
  return std::string(base != nullptr ? base : "/tmp") + "/" + name;
}

// A self-signed EC certificate valid from now for `days`, written as PEM to `path`.
void WriteCert(const std::string& path, long days) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  ASSERT_NE(key, nullptr);
  X509* cert = X509_new();
  ASSERT_EQ(X509_set_version(cert, 2), 1);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert), days * 86400);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("test"), -1, -1, 0);
  X509_set_issuer_name(cert, X509_get_subject_name(cert));
  X509_set_pubkey(cert, key);
  ASSERT_GT(X509_sign(cert, key, EVP_sha256()), 0);
  FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  PEM_write_X509(f, cert);
  std::fclose(f);
  X509_free(cert);
  EVP_PKEY_free(key);
}

struct Fixture {
  std::shared_ptr<logging::MemorySink> sink = std::make_shared<logging::MemorySink>();
  logging::Logger lg{sink, logging::Level::kInfo};
  metrics::Registry registry;
  CertExpiryMonitor monitor{lg, registry};
};

TEST(CertExpiryMonitorTest, GaugeHoldsNotAfterAndFarExpiryDoesNotWarn) {
  Fixture f;
  const std::string path = TmpPath("far.pem");
  WriteCert(path, 365);
  f.monitor.Check(path);
  const std::string text = f.registry.Render();
  const std::string series = "cairn_tls_certificate_expiry_timestamp_seconds{file=\"" + path + "\"} ";
  const size_t at = text.find(series);
  ASSERT_NE(at, std::string::npos) << text;
  const double value = std::strtod(text.c_str() + at + series.size(), nullptr);
  const double expected = static_cast<double>(std::time(nullptr)) + 365.0 * 86400;
  EXPECT_NEAR(value, expected, 120);
  EXPECT_TRUE(f.sink->Lines().empty());
}

TEST(CertExpiryMonitorTest, WarnsWithin30DaysAndWhenExpired) {
  Fixture f;
  const std::string soon = TmpPath("soon.pem");
  WriteCert(soon, 10);
  f.monitor.Check(soon);
  const std::string expired = TmpPath("expired.pem");
  WriteCert(expired, -1);
  f.monitor.Check(expired);
  const std::vector<std::string> lines = f.sink->Lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("\"msg\":\"certificate expires soon\""), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find(soon), std::string::npos);
  EXPECT_NE(lines[1].find("\"msg\":\"certificate has expired\""), std::string::npos) << lines[1];
}

TEST(CertExpiryMonitorTest, UnreadableFileWarnsAndSetsNoSeries) {
  Fixture f;
  f.monitor.Check(TmpPath("absent.pem"));
  EXPECT_EQ(f.registry.Render().find("absent.pem"), std::string::npos);
  const std::vector<std::string> lines = f.sink->Lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("failed to read certificate expiry"), std::string::npos);
}

}  // namespace
}  // namespace cairn::api

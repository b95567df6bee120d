#include "server/tls/names.h"

#include <gtest/gtest.h>
#include <openssl/ssl.h>

namespace cairn::tls {
namespace {

TEST(NamesTest, GoCipherNamesMapToOpenSsl) {
  std::string list;
  ASSERT_TRUE(OpenSslCipherList({"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
                                 "TLS_AES_128_GCM_SHA256"},
                                &list)
                  .ok());
  EXPECT_EQ(list, "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305");  // TLS 1.3 names: fixed
  Status st = OpenSslCipherList({"TLS_BOGUS"}, &list);
  EXPECT_EQ(st.message(), "unexpected TLS cipher suite \"TLS_BOGUS\"");
}

TEST(NamesTest, VersionsAndEtcdValidationMessages) {
  int v = 0;
  ASSERT_TRUE(ParseTlsVersion("TLS1.3", &v).ok());
  EXPECT_EQ(v, TLS1_3_VERSION);
  EXPECT_EQ(ParseTlsVersion("TLS1.1", &v).message(), "unexpected TLS version \"TLS1.1\" (must be one of: TLS1.2, TLS1.3)");
  EXPECT_EQ(ValidateTlsFlags("TLS1.3", "TLS1.2", {}).message(),
            "min version (TLS1.3) is greater than max version (TLS1.2)");
  EXPECT_EQ(ValidateTlsFlags("TLS1.3", "", {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}).message(),
            "cipher suites cannot be configured when only TLS1.3 is enabled");
  EXPECT_TRUE(ValidateTlsFlags("TLS1.2", "", {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}).ok());
  EXPECT_TRUE(ValidateTlsFlags("", "", {}).ok());
}

// Every Go name we map must be one OpenSSL knows (else a valid etcd flag would fail at start-up).
TEST(NamesTest, EveryModernMappedSuiteIsAvailable) {
  for (const char* go : {"TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_GCM_SHA384",
                         "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
                         "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"}) {
    std::string list;
    ASSERT_TRUE(OpenSslCipherList({go}, &list).ok()) << go;
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    EXPECT_EQ(SSL_CTX_set_cipher_list(ctx, list.c_str()), 1) << go << " -> " << list;
    SSL_CTX_free(ctx);
  }
}

}  // namespace
}  // namespace cairn::tls

// ServerContext's start-up errors name the flag and the file; --auto-tls makes a usable pair.
#include "server/tls/server_context.h"

#include <gtest/gtest.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "server/tls/self_signed.h"

namespace cairn::tls {
namespace {

class ServerContextTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const char* tmp = getenv("TEST_TMPDIR");
    dir_ = new std::string(std::string(tmp ? tmp : "/tmp") + "/server_context_test");
    std::filesystem::remove_all(*dir_);
    ok_ = std::system(("sh server/tls/testdata/make_certs.sh " + *dir_ + " >/dev/null 2>&1").c_str()) == 0;
  }
  void SetUp() override { ASSERT_TRUE(ok_) << "make_certs.sh failed"; }
  static std::string P(const std::string& name) { return *dir_ + "/" + name; }
  static std::string* dir_;
  static bool ok_;
};
std::string* ServerContextTest::dir_ = nullptr;
bool ServerContextTest::ok_ = false;

std::string CreateError(const ServerTlsOptions& o) {
  std::shared_ptr<ServerContext> ctx;
  return ServerContext::Create(o, &ctx).message();
}

TEST_F(ServerContextTest, BadFilesAreNamedInOneLine) {
  ServerTlsOptions o;
  o.cert_file = P("server.pem");
  o.key_file = P("nope.pem");
  EXPECT_EQ(CreateError(o), "--key-file " + P("nope.pem") + ": open " + P("nope.pem") + ": no such file or directory");
  o.key_file = P("client-key.pem");
  EXPECT_EQ(CreateError(o), "--key-file " + P("client-key.pem") + " does not match --cert-file " + P("server.pem") +
                                ": tls: private key does not match public key");
  o.key_file = P("server-key.pem");
  o.cert_file = P("ca.cnf");
  EXPECT_EQ(CreateError(o).rfind("--cert-file " + P("ca.cnf") + ": no valid PEM certificate", 0), 0u)
      << CreateError(o);
  o.cert_file = P("server.pem");
  o.crl_file = P("ca.cnf");
  EXPECT_EQ(CreateError(o).rfind("--client-crl-file " + P("ca.cnf") + ":", 0), 0u) << CreateError(o);
  o.crl_file = P("crl.pem");
  o.cipher_suites = {"TLS_NOPE"};
  EXPECT_EQ(CreateError(o), "unexpected TLS cipher suite \"TLS_NOPE\"");
  o.cipher_suites.clear();
  EXPECT_EQ(CreateError(o), "");
}

TEST_F(ServerContextTest, FilesAreReloadedWhenTheyChange) {
  const std::string cert = P("reload-cert.pem"), key = P("reload-key.pem");
  std::filesystem::copy_file(P("server.pem"), cert, std::filesystem::copy_options::overwrite_existing);
  std::filesystem::copy_file(P("server-key.pem"), key, std::filesystem::copy_options::overwrite_existing);
  ServerTlsOptions o;
  o.cert_file = cert;
  o.key_file = key;
  std::shared_ptr<ServerContext> ctx;
  ASSERT_TRUE(ServerContext::Create(o, &ctx).ok());
  std::string err;
  SSL_free(ctx->NewSsl(&err));
  EXPECT_EQ(ctx->reloads(), 0);
  // A half-written rotation (new cert, old key) keeps the old context and says why, once.
  std::filesystem::copy_file(P("server2.pem"), cert + ".new");
  std::filesystem::rename(cert + ".new", cert);
  SSL_free(ctx->NewSsl(&err));
  EXPECT_NE(err.find("does not match"), std::string::npos) << err;
  err.clear();
  SSL_free(ctx->NewSsl(&err));
  EXPECT_EQ(err, "");
  EXPECT_EQ(ctx->reloads(), 0);
  std::filesystem::copy_file(P("server2-key.pem"), key + ".new");
  std::filesystem::rename(key + ".new", key);
  SSL* ssl = ctx->NewSsl(&err);
  EXPECT_EQ(ctx->reloads(), 1);
  X509* served = SSL_get_certificate(ssl);
  char cn[64] = "";
  X509_NAME_get_text_by_NID(X509_get_subject_name(served), NID_commonName, cn, sizeof(cn));
  EXPECT_STREQ(cn, "server2");
  SSL_free(ssl);
}

TEST_F(ServerContextTest, AutoTlsMakesAVerifiableSelfSignedPairAndReusesIt) {
  const std::string d = P("fixtures/client");
  std::string cert, key;
  ASSERT_TRUE(EnsureSelfSignedCert(d, {"127.0.0.1:2379", "localhost:2379"}, 2, false, &cert, &key).ok());
  ServerTlsOptions o;
  o.cert_file = cert;
  o.key_file = key;
  EXPECT_EQ(CreateError(o), "");
  // The real openssl CLI agrees: self-signed, SANs, ~2 years.
  std::string cmd = "openssl verify -CAfile " + cert + " " + cert + " >/dev/null && openssl x509 -in " + cert +
                    " -noout -ext subjectAltName | grep -q 'IP Address:127.0.0.1, DNS:localhost'";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_EQ(std::system(("openssl x509 -in " + cert + " -noout -checkend $((365*86400)) >/dev/null").c_str()), 0);
  auto before = std::filesystem::last_write_time(cert);
  ASSERT_TRUE(EnsureSelfSignedCert(d, {"127.0.0.1:2379"}, 2, false, &cert, &key).ok());
  EXPECT_EQ(std::filesystem::last_write_time(cert), before);  // reused, as etcd does
}

}  // namespace
}  // namespace cairn::tls

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "server/auth/simple_token.h"
#include "server/auth/token_provider.h"

namespace cairn::auth {
namespace {

using std::chrono::seconds;
using std::chrono::system_clock;

struct FakeClock {
  system_clock::time_point now = system_clock::now();
  WallClock fn() {
    return [this] { return now; };
  }
};

TEST(SimpleToken, ShapeTtlRefreshAndInvalidation) {
  FakeClock clock;
  SimpleTokenProvider p(seconds(10), clock.fn());
  p.Enable();
  const std::string prefix = p.GenTokenPrefix();
  EXPECT_EQ(prefix.size(), 16u);
  std::string token;
  ASSERT_TRUE(p.Assign("alice", 3, prefix, 42, &token).ok());
  EXPECT_EQ(token, prefix + ".42");
  AuthInfo info;
  ASSERT_TRUE(p.Info(token, 7, &info));
  EXPECT_EQ(info.username, "alice");
  EXPECT_EQ(info.revision, 7u);  // simple tokens hold no revision: the store's current one
  clock.now += seconds(8);
  EXPECT_TRUE(p.Info(token, 7, &info));  // used: TTL restarts
  clock.now += seconds(8);
  EXPECT_TRUE(p.Info(token, 7, &info));
  clock.now += seconds(11);
  EXPECT_FALSE(p.Info(token, 7, &info));  // expired
  ASSERT_TRUE(p.Assign("alice", 3, prefix, 43, &token).ok());
  p.InvalidateUser("alice");
  EXPECT_FALSE(p.Info(token, 7, &info));
  ASSERT_TRUE(p.Assign("bob", 3, prefix, 44, &token).ok());
  p.Disable();
  EXPECT_FALSE(p.Info(token, 7, &info));
  EXPECT_FALSE(p.Info("no-dot", 7, &info));
  EXPECT_FALSE(p.Info("a.b", 7, &info));
}

TEST(TokenProvider, BadSpecsAreRefused) {
  std::unique_ptr<TokenProvider> p;
  EXPECT_TRUE(NewTokenProvider("simple", seconds(300), system_clock::now, &p).ok());
  EXPECT_FALSE(NewTokenProvider("plain", seconds(300), system_clock::now, &p).ok());
  EXPECT_FALSE(NewTokenProvider("jwt,sign-method=RS256", seconds(300), system_clock::now, &p).ok());
  EXPECT_FALSE(
      NewTokenProvider("jwt,sign-method=XX256,priv-key=/x", seconds(300), system_clock::now, &p).ok());
  EXPECT_FALSE(NewTokenProvider("jwt,sign-method", seconds(300), system_clock::now, &p).ok());
  EXPECT_FALSE(
      NewTokenProvider("jwt,sign-method=HS256,sign-method=HS256", seconds(300), system_clock::now, &p).ok());
  Status st =
      NewTokenProvider("jwt,sign-method=RS256,priv-key=/nonexistent/k", seconds(300), system_clock::now, &p);
  EXPECT_NE(st.message().find("/nonexistent/k"), std::string::npos) << st.message();
}

std::string TmpFile(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir != nullptr ? dir : "/tmp") + "/" + name;
}

// Keys made by the openssl CLI (an external oracle for the PEM formats).
void OpenSsl(const std::string& args) {
  ASSERT_EQ(std::system(("openssl " + args + " 2>/dev/null").c_str()), 0);
}

class JwtTest : public ::testing::TestWithParam<std::string> {};

TEST_P(JwtTest, SignVerifyExpireAndForge) {
  const std::string alg = GetParam();
  const std::string priv = TmpFile(alg + ".key");
  const std::string pub = TmpFile(alg + ".pub");
  if (alg[0] == 'E') {
    const char* curve = alg == "ES256" ? "P-256" : alg == "ES384" ? "P-384" : "P-521";
    OpenSsl(std::string("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:") + curve + " -out " + priv);
  } else if (alg[0] == 'H') {
    std::ofstream(priv) << "a shared secret";
  } else {
    OpenSsl("genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " + priv);
  }
  std::string spec = "jwt,priv-key=" + priv + ",sign-method=" + alg + ",ttl=1m";
  if (alg[0] != 'H') {
    OpenSsl("pkey -in " + priv + " -pubout -out " + pub);
    spec += ",pub-key=" + pub;
  }
  FakeClock clock;
  std::unique_ptr<TokenProvider> p;
  Status st = NewTokenProvider(spec, seconds(300), clock.fn(), &p);
  ASSERT_TRUE(st.ok()) << st.message();
  std::string token;
  ASSERT_TRUE(p->Assign("ali\"ce", 9, "", 0, &token).ok());
  AuthInfo info;
  ASSERT_TRUE(p->Info(token, 100, &info));
  EXPECT_EQ(info.username, "ali\"ce");
  EXPECT_EQ(info.revision, 9u);  // a JWT carries its revision
  std::string forged = token;
  forged[forged.size() / 2] = forged[forged.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(p->Info(forged, 100, &info));
  clock.now += seconds(61);
  EXPECT_FALSE(p->Info(token, 100, &info));
}

INSTANTIATE_TEST_SUITE_P(Algs, JwtTest,
                         ::testing::Values("RS256", "RS512", "PS256", "PS384", "ES256", "ES384", "ES512",
                                           "HS256"));

}  // namespace
}  // namespace cairn::auth

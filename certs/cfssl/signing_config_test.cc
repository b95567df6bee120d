#include "certs/cfssl/signing_config.h"

#include <gtest/gtest.h>
#include <openssl/obj_mac.h>

#include "certs/x509/cert_spec.h"

namespace cairn::certs::cfssl {
namespace {

TEST(SigningConfig, RunbookProfiles) {
  SigningConfig c;
  ASSERT_TRUE(ParseSigningConfig(R"({"signing":{"default":{"expiry":"100000h"},"profiles":{
      "server":{"usages":["signing","key encipherment","server auth"],"expiry":"100000h"},
      "client":{"usages":["signing","key encipherment","client auth"],"expiry":"8760h"}}}})",
                                 &c)
                  .ok());
  const SigningProfile* p = nullptr;
  ASSERT_TRUE(c.Profile("server", &p).ok());
  EXPECT_EQ(p->key_usage, kDigitalSignature | kKeyEncipherment);
  EXPECT_EQ(p->ext_key_usage, std::vector<int>{NID_server_auth});
  EXPECT_EQ(p->expiry_seconds, 100000LL * 3600);
  ASSERT_TRUE(c.Profile("client", &p).ok());
  EXPECT_EQ(p->ext_key_usage, std::vector<int>{NID_client_auth});
  ASSERT_TRUE(c.Profile("", &p).ok());
  EXPECT_EQ(p->expiry_seconds, 100000LL * 3600);
  EXPECT_EQ(c.Profile("peer", &p).message(), "unknown profile \"peer\"");
}

TEST(SigningConfig, DefaultConfigIsCfssls) {
  const SigningConfig c = DefaultSigningConfig();
  EXPECT_EQ(c.default_profile.expiry_seconds, 8760LL * 3600);
  EXPECT_EQ(c.default_profile.key_usage, kDigitalSignature | kKeyEncipherment);
  EXPECT_EQ(c.default_profile.ext_key_usage, (std::vector<int>{NID_server_auth, NID_client_auth}));
}

TEST(SigningConfig, BadConfigs) {
  SigningConfig c;
  EXPECT_EQ(ParseSigningConfig(R"({"signing":{"default":{"usages":["signing","bogus"],"expiry":"1h"}}})", &c)
                .message(),
            "profile default: unknown usage \"bogus\"");
  EXPECT_EQ(ParseSigningConfig(R"({"signing":{"profiles":{"p":{"usages":["signing"]}}}})", &c).message(),
            "profile p: empty expiry string");
  EXPECT_EQ(
      ParseSigningConfig(R"({"signing":{"default":{"usages":["signing"],"expiry":"10y"}}})", &c).message(),
      "time: unknown unit \"y\" in duration \"10y\"");
  EXPECT_FALSE(ParseSigningConfig("{}", &c).ok());
  EXPECT_FALSE(ParseSigningConfig("{", &c).ok());
}

}  // namespace
}  // namespace cairn::certs::cfssl

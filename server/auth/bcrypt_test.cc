#include "server/auth/bcrypt.h"

#include <gtest/gtest.h>

namespace cairn::auth {
namespace {

TEST(Bcrypt, HashHasGoShapeAndVerifies) {
  std::string h;
  ASSERT_TRUE(BcryptHash("pw", 4, &h).ok());
  EXPECT_EQ(h.size(), 60u);
  EXPECT_EQ(h.substr(0, 7), "$2a$04$");
  EXPECT_TRUE(BcryptVerify(h, "pw"));
  EXPECT_FALSE(BcryptVerify(h, "pW"));
  EXPECT_FALSE(BcryptVerify("", "pw"));
  EXPECT_FALSE(BcryptVerify("$2a$04$short", "pw"));
}

TEST(Bcrypt, VerifiesAHashWrittenByGo) {
  // Printed by golang.org/x/crypto/bcrypt.GenerateFromPassword([]byte("password"), 4) (Debian's
  // golang-golang-x-crypto-dev), the code etcd hashes with.
  const std::string go_hash = "$2a$04$vCgRMKI/oqLUFCjvVU.CfeXEmq.99GAaplsBDLGaF8oM//qPp/wGG";
  EXPECT_TRUE(BcryptVerify(go_hash, "password"));
  EXPECT_FALSE(BcryptVerify(go_hash, "passwore"));
}

TEST(Bcrypt, RejectsBadCost) {
  std::string h;
  EXPECT_FALSE(BcryptHash("pw", 3, &h).ok());
  EXPECT_FALSE(BcryptHash("pw", 32, &h).ok());
}

}  // namespace
}  // namespace cairn::auth

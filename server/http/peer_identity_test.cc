#include "server/http/peer_identity.h"

#include <gtest/gtest.h>

namespace cairn::http {
namespace {

TEST(PeerIdentityTest, RegisteredFdAnswersItsCommonName) {
  RegisterPeerIdentity(17, "kube-apiserver-etcd-client");
  EXPECT_EQ(PeerCommonName("fd:17"), "kube-apiserver-etcd-client");
  ForgetPeerIdentity(17);
  EXPECT_EQ(PeerCommonName("fd:17"), "");
}

TEST(PeerIdentityTest, OtherPeerShapesAreUnknown) {
  RegisterPeerIdentity(5, "root");
  EXPECT_EQ(PeerCommonName("ipv4:127.0.0.1:5"), "");
  EXPECT_EQ(PeerCommonName("fd:5x"), "");
  EXPECT_EQ(PeerCommonName("fd:"), "");
  EXPECT_EQ(PeerCommonName("fd:6"), "");
  ForgetPeerIdentity(5);
}

TEST(PeerIdentityTest, AStaleGenerationDoesNotForgetANewerEntry) {
  uint64_t old_generation = RegisterPeerIdentity(9, "old");
  uint64_t new_generation = RegisterPeerIdentity(9, "new");  // fd 9 reused by a newer connection
  ForgetPeerIdentity(9, old_generation);
  EXPECT_EQ(PeerCommonName("fd:9"), "new");
  ForgetPeerIdentity(9, new_generation);
  EXPECT_EQ(PeerCommonName("fd:9"), "");
}

}  // namespace
}  // namespace cairn::http

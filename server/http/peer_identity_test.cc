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

}  // namespace
}  // namespace cairn::http

#include "raft/transport/peer_url.h"

#include <gtest/gtest.h>

#include "raft/transport/credentials.h"

namespace cairn::raft::transport {
namespace {

TEST(PeerUrl, Parses) {
  PeerUrl u;
  ASSERT_TRUE(ParsePeerUrl("http://127.0.0.1:2380", &u).ok());
  EXPECT_EQ(u.scheme, PeerUrl::Scheme::kHttp);
  EXPECT_EQ(u.address, "127.0.0.1:2380");
  ASSERT_TRUE(ParsePeerUrl("https://node1.example:2380/", &u).ok());
  EXPECT_TRUE(u.tls());
  EXPECT_EQ(u.address, "node1.example:2380");
  ASSERT_TRUE(ParsePeerUrl("http://[::1]:2380", &u).ok());
  EXPECT_EQ(u.address, "[::1]:2380");
  ASSERT_TRUE(ParsePeerUrl("unix:///run/cairn/peer.sock", &u).ok());
  EXPECT_EQ(u.scheme, PeerUrl::Scheme::kUnix);
  EXPECT_EQ(u.address, "unix:/run/cairn/peer.sock");
  ASSERT_TRUE(ParsePeerUrl("unix:peer.sock", &u).ok());
  EXPECT_EQ(u.address, "unix:peer.sock");
}

TEST(PeerUrl, Rejects) {
  PeerUrl u;
  for (const char* bad : {"", "ftp://a:1", "http://host", "http://host:", "http://:2380", "http://h:12x",
                          "http://h:1/path", "unix:", "127.0.0.1:2380"}) {
    Status s = ParsePeerUrl(bad, &u);
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << bad;
  }
}

TEST(Credentials, HttpsNeedsCertificateFiles) {
  PeerUrl u;
  ASSERT_TRUE(ParsePeerUrl("https://h:1", &u).ok());
  std::shared_ptr<grpc::ChannelCredentials> c;
  EXPECT_EQ(MakeChannelCredentials(u, {}, &c).code(), Status::Code::kInvalidArgument);
  TlsOptions missing;
  missing.trusted_ca_file = "/nonexistent/ca.crt";
  missing.cert_file = "/nonexistent/peer.crt";
  missing.key_file = "/nonexistent/peer.key";
  Status s = MakeChannelCredentials(u, missing, &c);
  EXPECT_TRUE(s.IsIOError()) << s.ToString();
  EXPECT_NE(s.message().find("/nonexistent/ca.crt"), std::string::npos);
  std::shared_ptr<grpc::ServerCredentials> sc;
  EXPECT_TRUE(MakeServerCredentials(u, missing, &sc).IsIOError());
  ASSERT_TRUE(ParsePeerUrl("http://h:1", &u).ok());
  EXPECT_TRUE(MakeChannelCredentials(u, {}, &c).ok());
  EXPECT_NE(c, nullptr);
}

}  // namespace
}  // namespace cairn::raft::transport

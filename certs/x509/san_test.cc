#include "certs/x509/san.h"

#include <gtest/gtest.h>

namespace cairn::certs {
namespace {

TEST(San, ParseIpAsGoMarshalsIt) {
  std::string b;
  ASSERT_TRUE(ParseIp("127.0.0.1", &b));
  EXPECT_EQ(b, std::string("\x7f\x00\x00\x01", 4));
  ASSERT_TRUE(ParseIp("::1", &b));
  EXPECT_EQ(b.size(), 16u);
  EXPECT_EQ(IpText(b), "::1");
  ASSERT_TRUE(ParseIp("::ffff:10.0.0.1", &b));  // IPv4-mapped: Go writes 4 bytes
  EXPECT_EQ(IpText(b), "10.0.0.1");
  EXPECT_FALSE(ParseIp("10.0.0.256", &b));
  EXPECT_FALSE(ParseIp("localhost", &b));
  EXPECT_FALSE(ParseIp("", &b));
}

TEST(San, DnsNames) {
  EXPECT_TRUE(IsDnsName("node-1"));
  EXPECT_TRUE(IsDnsName("etcd.example.com"));
  EXPECT_TRUE(IsDnsName("*.example.com"));
  EXPECT_FALSE(IsDnsName("Node1"));  // RFC 1123 subdomains are lower case
  EXPECT_FALSE(IsDnsName("-a"));
  EXPECT_FALSE(IsDnsName("a..b"));
  EXPECT_FALSE(IsDnsName(""));
  EXPECT_FALSE(IsDnsName("a_b"));
}

}  // namespace
}  // namespace cairn::certs

#include "bench/keys.h"

#include <gtest/gtest.h>

#include "bench/commands.h"
#include "bench/connections.h"

namespace cairn::bench {
namespace {

std::string Hex(const std::string& s) {
  std::string out;
  char buf[4];
  for (unsigned char c : s) {
    std::snprintf(buf, sizeof(buf), "%02x", c);
    out += buf;
  }
  return out;
}

TEST(VarintKey, MatchesGoPutVarint) {
  std::string key;
  // Go: k := make([]byte, 8); binary.PutVarint(k, n)
  ASSERT_TRUE(VarintKey(0, 8, &key).ok());
  EXPECT_EQ(Hex(key), "0000000000000000");
  ASSERT_TRUE(VarintKey(1, 8, &key).ok());
  EXPECT_EQ(Hex(key), "0200000000000000");
  ASSERT_TRUE(VarintKey(-1, 8, &key).ok());
  EXPECT_EQ(Hex(key), "0100000000000000");
  ASSERT_TRUE(VarintKey(64, 8, &key).ok());
  EXPECT_EQ(Hex(key), "8001000000000000");
  ASSERT_TRUE(VarintKey(99999, 4, &key).ok());
  EXPECT_EQ(Hex(key), "be9a0c00");
  EXPECT_FALSE(VarintKey(99999, 2, &key).ok());
  EXPECT_FALSE(VarintKey(64, 1, &key).ok());
}

TEST(RandomBytes, Size) {
  std::mt19937_64 rng(1);
  EXPECT_EQ(RandomBytes(0, &rng).size(), 0u);
  EXPECT_EQ(RandomBytes(33, &rng).size(), 33u);
}

TEST(GoErrorString, EtcdErrorsAndGrpcErrors) {
  EXPECT_EQ(GoErrorString(grpc::Status(grpc::StatusCode::OUT_OF_RANGE,
                                       "etcdserver: mvcc: required revision has been compacted")),
            "etcdserver: mvcc: required revision has been compacted");
  EXPECT_EQ(GoErrorString(grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection refused")),
            "rpc error: code = Unavailable desc = connection refused");
  EXPECT_EQ(GoErrorString(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "x")),
            "rpc error: code = DeadlineExceeded desc = x");
}

TEST(HumanizeBytes, GoHumanize) {
  EXPECT_EQ(HumanizeBytes(0), "0 B");
  EXPECT_EQ(HumanizeBytes(9), "9 B");
  EXPECT_EQ(HumanizeBytes(82854982), "83 MB");
  EXPECT_EQ(HumanizeBytes(20480), "20 kB");
  EXPECT_EQ(HumanizeBytes(1500), "1.5 kB");
  EXPECT_EQ(HumanizeBytes(25165824), "25 MB");
}

}  // namespace
}  // namespace cairn::bench

#include "base/crc32c.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace cairn::crc32c {
namespace {

// Known answers: the CRC catalogue check value and RFC 3720 appendix B.4.
TEST(Crc32cTest, KnownVectors) {
  EXPECT_EQ(Value(std::string_view("123456789")), 0xE3069283u);
  std::vector<uint8_t> buf(32, 0x00);
  EXPECT_EQ(Value(buf.data(), buf.size()), 0x8A9136AAu);
  std::fill(buf.begin(), buf.end(), 0xFF);
  EXPECT_EQ(Value(buf.data(), buf.size()), 0x62A8AB43u);
  for (int i = 0; i < 32; ++i) buf[i] = static_cast<uint8_t>(i);
  EXPECT_EQ(Value(buf.data(), buf.size()), 0x46DD794Eu);
  for (int i = 0; i < 32; ++i) buf[i] = static_cast<uint8_t>(31 - i);
  EXPECT_EQ(Value(buf.data(), buf.size()), 0x113FDB5Cu);
  EXPECT_EQ(Value(std::string_view("")), 0u);
}

TEST(Crc32cTest, PortableMatchesKnownVectors) {
  EXPECT_EQ(ExtendPortable(0, "123456789", 9), 0xE3069283u);
  std::vector<uint8_t> buf(32);
  for (int i = 0; i < 32; ++i) buf[i] = static_cast<uint8_t>(i);
  EXPECT_EQ(ExtendPortable(0, buf.data(), buf.size()), 0x46DD794Eu);
}

TEST(Crc32cTest, ExtendEqualsWholeAndPathsAgree) {
  std::mt19937 rng(42);
  std::vector<uint8_t> data(1000);
  for (auto& b : data) b = static_cast<uint8_t>(rng());
  for (size_t len : {0u, 1u, 7u, 8u, 9u, 63u, 64u, 65u, 999u, 1000u}) {
    uint32_t whole = Value(data.data(), len);
    EXPECT_EQ(whole, ExtendPortable(0, data.data(), len)) << len;
    for (size_t split = 0; split <= len; split += 13) {
      EXPECT_EQ(Extend(Value(data.data(), split), data.data() + split, len - split), whole) << len;
    }
  }
}

TEST(Crc32cTest, SingleBitFlipChangesValue) {
  std::string s(100, 'x');
  uint32_t base = Value(s);
  for (size_t bit = 0; bit < s.size() * 8; ++bit) {
    std::string t = s;
    t[bit / 8] = static_cast<char>(t[bit / 8] ^ (1 << (bit % 8)));
    EXPECT_NE(Value(t), base) << bit;
  }
}

}  // namespace
}  // namespace cairn::crc32c

#include "server/flags/go_values.h"

#include <gtest/gtest.h>

namespace cairn::flags {
namespace {

using std::chrono::nanoseconds;

TEST(GoValuesTest, BoolAcceptsGoSpellingsOnly) {
  bool b = false;
  std::string why;
  for (const char* t : {"1", "t", "T", "TRUE", "true", "True"}) {
    EXPECT_TRUE(ParseGoBool(t, &b, &why)) << t;
    EXPECT_TRUE(b);
  }
  for (const char* f : {"0", "f", "F", "FALSE", "false", "False"}) {
    EXPECT_TRUE(ParseGoBool(f, &b, &why)) << f;
    EXPECT_FALSE(b);
  }
  EXPECT_FALSE(ParseGoBool("yes", &b, &why));
  EXPECT_EQ(why, "parse error");
}

TEST(GoValuesTest, UintBasesAndErrors) {
  uint64_t v = 0;
  std::string why;
  ASSERT_TRUE(ParseGoUint("100000", 64, &v, &why));
  EXPECT_EQ(v, 100000u);
  ASSERT_TRUE(ParseGoUint("0x10", 64, &v, &why));
  EXPECT_EQ(v, 16u);
  ASSERT_TRUE(ParseGoUint("010", 64, &v, &why));
  EXPECT_EQ(v, 8u);
  ASSERT_TRUE(ParseGoUint("0b1_0", 64, &v, &why));
  EXPECT_EQ(v, 2u);
  EXPECT_FALSE(ParseGoUint("-1", 64, &v, &why));
  EXPECT_EQ(why, "parse error");
  ASSERT_TRUE(ParseGoUint("1_000", 64, &v, &why));  // Go allows separators with base 0
  EXPECT_EQ(v, 1000u);
  EXPECT_FALSE(ParseGoUint("1__0", 64, &v, &why));
  EXPECT_FALSE(ParseGoUint("_1", 64, &v, &why));
  EXPECT_FALSE(ParseGoUint("", 64, &v, &why));
  EXPECT_FALSE(ParseGoUint("abc", 64, &v, &why));
  EXPECT_FALSE(ParseGoUint("18446744073709551616", 64, &v, &why));
  EXPECT_EQ(why, "value out of range");
  EXPECT_FALSE(ParseGoUint("4294967296", 32, &v, &why));
  EXPECT_EQ(why, "value out of range");
}

TEST(GoValuesTest, IntSignAndRange) {
  int64_t v = 0;
  std::string why;
  ASSERT_TRUE(ParseGoInt("-1", 64, &v, &why));
  EXPECT_EQ(v, -1);
  ASSERT_TRUE(ParseGoInt("+7", 64, &v, &why));
  EXPECT_EQ(v, 7);
  ASSERT_TRUE(ParseGoInt("-9223372036854775808", 64, &v, &why));
  EXPECT_EQ(v, INT64_MIN);
  EXPECT_FALSE(ParseGoInt("9223372036854775808", 64, &v, &why));
  EXPECT_EQ(why, "value out of range");
  EXPECT_FALSE(ParseGoInt("1.5", 64, &v, &why));
  EXPECT_EQ(why, "parse error");
}

TEST(GoValuesTest, DurationParsesGoSyntax) {
  nanoseconds d;
  std::string why;
  ASSERT_TRUE(ParseGoDuration("100ms", &d, &why));
  EXPECT_EQ(d, std::chrono::milliseconds(100));
  ASSERT_TRUE(ParseGoDuration("1h30m", &d, &why));
  EXPECT_EQ(d, std::chrono::minutes(90));
  ASSERT_TRUE(ParseGoDuration("1.5s", &d, &why));
  EXPECT_EQ(d, std::chrono::milliseconds(1500));
  ASSERT_TRUE(ParseGoDuration("0", &d, &why));
  EXPECT_EQ(d.count(), 0);
  ASSERT_TRUE(ParseGoDuration("-2us", &d, &why));
  EXPECT_EQ(d.count(), -2000);
  ASSERT_TRUE(ParseGoDuration("3\xC2\xB5s", &d, &why));
  EXPECT_EQ(d.count(), 3000);
  EXPECT_FALSE(ParseGoDuration("10", &d, &why));  // missing unit
  EXPECT_EQ(why, "parse error");
  EXPECT_FALSE(ParseGoDuration("", &d, &why));
  EXPECT_FALSE(ParseGoDuration("5x", &d, &why));
  EXPECT_FALSE(ParseGoDuration(".s", &d, &why));
}

TEST(GoValuesTest, DurationStringMatchesGo) {
  EXPECT_EQ(GoDurationString(nanoseconds(0)), "0s");
  EXPECT_EQ(GoDurationString(std::chrono::seconds(1)), "1s");
  EXPECT_EQ(GoDurationString(std::chrono::milliseconds(100)), "100ms");
  EXPECT_EQ(GoDurationString(std::chrono::milliseconds(1500)), "1.5s");
  EXPECT_EQ(GoDurationString(std::chrono::minutes(10)), "10m0s");
  EXPECT_EQ(GoDurationString(std::chrono::hours(2) + std::chrono::seconds(3)), "2h0m3s");
  EXPECT_EQ(GoDurationString(nanoseconds(907633)), "907.633\xC2\xB5s");
  EXPECT_EQ(GoDurationString(nanoseconds(12)), "12ns");
  EXPECT_EQ(GoDurationString(nanoseconds(-1500000)), "-1.5ms");
}

}  // namespace
}  // namespace cairn::flags

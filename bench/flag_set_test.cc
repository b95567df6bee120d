#include "bench/flag_set.h"

#include <gtest/gtest.h>

namespace cairn::bench {
namespace {

TEST(ParseGoDuration, GoSyntax) {
  int64_t ns = -1;
  ASSERT_TRUE(ParseGoDuration("0", &ns).ok());
  EXPECT_EQ(ns, 0);
  ASSERT_TRUE(ParseGoDuration("5m", &ns).ok());
  EXPECT_EQ(ns, 300000000000);
  ASSERT_TRUE(ParseGoDuration("1h2m3.5s", &ns).ok());
  EXPECT_EQ(ns, 3723500000000);
  ASSERT_TRUE(ParseGoDuration("300ms", &ns).ok());
  EXPECT_EQ(ns, 300000000);
  ASSERT_TRUE(ParseGoDuration("2us", &ns).ok());
  EXPECT_EQ(ns, 2000);
  ASSERT_TRUE(ParseGoDuration("-1.5s", &ns).ok());
  EXPECT_EQ(ns, -1500000000);
  EXPECT_FALSE(ParseGoDuration("5", &ns).ok());
  EXPECT_FALSE(ParseGoDuration("", &ns).ok());
  EXPECT_FALSE(ParseGoDuration("1x", &ns).ok());
  EXPECT_FALSE(ParseGoDuration("s", &ns).ok());
}

TEST(FlagSet, PflagSemantics) {
  FlagSet flags;
  bool precise = false, sample = true;
  int64_t total = 10000;
  std::string consistency = "l";
  std::vector<std::string> endpoints = {"127.0.0.1:2379"};
  int64_t interval = 0;
  flags.Bool("precise", &precise, "");
  flags.Bool("sample", &sample, "");
  flags.Int("total", &total, "");
  flags.String("consistency", &consistency, "");
  flags.StringSlice("endpoints", &endpoints, "");
  flags.Duration("compact-interval", &interval, "");
  std::vector<std::string> positional;
  ASSERT_TRUE(
      flags
          .Parse({"--endpoints=a:1,b:2", "foo", "--precise", "--sample=false", "--total", "42", "--endpoints",
                  "c:3", "-consistency=s", "--compact-interval=1m", "bar", "--", "--not-a-flag"},
                 &positional)
          .ok());
  EXPECT_TRUE(precise);
  EXPECT_FALSE(sample);
  EXPECT_EQ(total, 42);
  EXPECT_EQ(consistency, "s");
  EXPECT_EQ(endpoints, (std::vector<std::string>{"a:1", "b:2", "c:3"}));
  EXPECT_EQ(interval, 60000000000);
  EXPECT_EQ(positional, (std::vector<std::string>{"foo", "bar", "--not-a-flag"}));
}

TEST(FlagSet, Errors) {
  FlagSet flags;
  int64_t total = 1;
  flags.Int("total", &total, "help text");
  std::vector<std::string> positional;
  EXPECT_EQ(flags.Parse({"--nope"}, &positional).message(), "unknown flag: --nope");
  EXPECT_EQ(flags.Parse({"--total"}, &positional).message(), "flag needs an argument: --total");
  EXPECT_EQ(flags.Parse({"--total=abc"}, &positional).message(), "invalid argument \"abc\" for \"--total\"");
  EXPECT_NE(flags.Usage().find("--total\thelp text (default 1)"), std::string::npos) << flags.Usage();
}

}  // namespace
}  // namespace cairn::bench

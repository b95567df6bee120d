#include <gtest/gtest.h>

#include "certs/flag_set.h"
#include "certs/go_duration.h"

namespace cairn::certs {
namespace {

int64_t Seconds(const char* text) {
  int64_t s = -1;
  EXPECT_TRUE(ParseGoDuration(text, &s).ok()) << text;
  return s;
}

TEST(GoDuration, CfsslExpiries) {
  EXPECT_EQ(Seconds("8760h"), 8760LL * 3600);
  EXPECT_EQ(Seconds("876000h"), 876000LL * 3600);
  EXPECT_EQ(Seconds("100000h"), 100000LL * 3600);
  EXPECT_EQ(Seconds("1h30m"), 5400);
  EXPECT_EQ(Seconds("1.5h"), 5400);
  EXPECT_EQ(Seconds("90s"), 90);
  EXPECT_EQ(Seconds("0"), 0);
}

TEST(GoDuration, GoErrors) {
  int64_t s;
  EXPECT_EQ(ParseGoDuration("10", &s).message(), "time: missing unit in duration \"10\"");
  EXPECT_EQ(ParseGoDuration("abc", &s).message(), "time: invalid duration \"abc\"");
  EXPECT_EQ(ParseGoDuration("10y", &s).message(), "time: unknown unit \"y\" in duration \"10y\"");
  EXPECT_FALSE(ParseGoDuration("", &s).ok());
}

struct Argv {
  std::vector<std::string> words;
  std::vector<char*> ptrs;
  explicit Argv(std::vector<std::string> w) : words(std::move(w)) {
    for (auto& s : words) ptrs.push_back(s.data());
  }
  int argc() { return static_cast<int>(ptrs.size()); }
  char** argv() { return ptrs.data(); }
};

TEST(FlagSet, GoAndPflagSyntax) {
  Argv a({"gencert", "-ca", "ca.pem", "--ca-key=ca-key.pem", "-initca", "-hostname=a,b", "--sans", "x,y",
          "--sans=z", "req.json", "--", "-not-a-flag"});
  std::string ca, ca_key, hostname;
  bool initca = false;
  std::vector<std::string> sans, args;
  FlagSet f;
  f.String("ca", &ca);
  f.String("ca-key", &ca_key);
  f.String("hostname", &hostname);
  f.Bool("initca", &initca);
  f.List("sans", &sans);
  ASSERT_TRUE(f.Parse(a.argc(), a.argv(), 1, &args).ok());
  EXPECT_EQ(ca, "ca.pem");
  EXPECT_EQ(ca_key, "ca-key.pem");
  EXPECT_EQ(hostname, "a,b");
  EXPECT_TRUE(initca);
  EXPECT_TRUE(f.Seen("hostname"));
  EXPECT_FALSE(f.Seen("nope"));
  EXPECT_EQ(sans, (std::vector<std::string>{"x", "y", "z"}));
  EXPECT_EQ(args, (std::vector<std::string>{"req.json", "-not-a-flag"}));
}

TEST(FlagSet, Errors) {
  std::string v;
  bool b;
  std::vector<std::string> args;
  FlagSet f;
  f.String("ca", &v);
  f.Bool("bare", &b);
  Argv unknown({"x", "-nope"});
  EXPECT_EQ(f.Parse(unknown.argc(), unknown.argv(), 1, &args).message(),
            "flag provided but not defined: -nope");
  Argv missing({"x", "-ca"});
  EXPECT_EQ(f.Parse(missing.argc(), missing.argv(), 1, &args).message(), "flag needs an argument: -ca");
  Argv badbool({"x", "-bare=maybe"});
  EXPECT_EQ(f.Parse(badbool.argc(), badbool.argv(), 1, &args).message(),
            "invalid boolean value \"maybe\" for -bare");
  Argv stdin_arg({"x", "-"});
  args.clear();
  ASSERT_TRUE(f.Parse(stdin_arg.argc(), stdin_arg.argv(), 1, &args).ok());
  EXPECT_EQ(args, (std::vector<std::string>{"-"}));
}

}  // namespace
}  // namespace cairn::certs

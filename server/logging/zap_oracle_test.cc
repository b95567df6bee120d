// Logger lines against zap's own JSON encoder configured as etcd 3.5 configures it
// (testdata/zap_oracle.go, run with Debian's golang-go.uber-zap-dev). Everything but the "ts"
// and "caller" values must be byte-identical.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <regex>

#include "server/logging/logger.h"

namespace cairn::logging {
namespace {

constexpr char kZapDir[] = "/usr/share/gocode/src/go.uber.org/zap";

std::string Hex(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += kHex[c >> 4];
    out += kHex[c & 0xF];
  }
  return out;
}

struct Case {
  std::string level;
  std::string msg;
  std::vector<Field> ours;
  std::string zap_fields;  // encoded for zap_oracle.go
};

std::string Normalize(const std::string& line) {
  static const std::regex ts("\"ts\":\"[^\"]*\"");
  static const std::regex caller("\"caller\":\"[^\"]*\"");
  return std::regex_replace(std::regex_replace(line, ts, "\"ts\":\"T\""), caller, "\"caller\":\"C\"");
}

TEST(ZapOracleTest, LinesMatchZapExceptTimeAndCaller) {
  if (access("/usr/bin/go", X_OK) != 0 || access(kZapDir, R_OK) != 0)
    GTEST_SKIP() << "go or zap sources missing";
  auto s = [](const std::string& k, const std::string& v) { return "s:" + Hex(k) + ":" + Hex(v); };
  auto i = [](const std::string& k, int64_t v) { return "i:" + Hex(k) + ":" + Hex(std::to_string(v)); };
  auto u = [](const std::string& k, uint64_t v) { return "u:" + Hex(k) + ":" + Hex(std::to_string(v)); };
  auto b = [](const std::string& k, bool v) { return "b:" + Hex(k) + ":" + Hex(v ? "true" : "false"); };
  auto d = [](const std::string& k, int64_t ns) { return "d:" + Hex(k) + ":" + Hex(std::to_string(ns)); };
  auto f = [](const std::string& k, double v) {
    char buf[64];
    snprintf(buf, sizeof(buf), "%.17g", v);
    return "f:" + Hex(k) + ":" + Hex(buf);
  };
  auto a = [](const std::string& k, const std::vector<std::string>& items) {
    std::string joined;
    for (const auto& it : items) joined += (joined.empty() ? "" : ",") + Hex(it);
    return "a:" + Hex(k) + ":" + joined;
  };
  std::vector<std::string> urls = {"http://127.0.0.1:2379", "http://[::1]:2379"};
  std::vector<std::string> none;
  std::vector<Case> cases = {
      {"info",
       "ready to serve client requests",
       {String("address", "127.0.0.1:2379")},
       s("address", "127.0.0.1:2379")},
      {"warn",
       "slow fdatasync",
       {Duration("took", std::chrono::nanoseconds(1234567890)),
        Duration("expected-duration", std::chrono::seconds(1))},
       d("took", 1234567890) + " " + d("expected-duration", 1000000000)},
      {"info",
       "starting an etcd server",
       {Int("max-cpu-set", 2), Uint("snapshot-count", 100000), Bool("pre-vote", true), Strings("urls", urls),
        Strings("empty", none), Int("neg", -42), Uint("big", 18446744073709551615ULL)},
       i("max-cpu-set", 2) + " " + u("snapshot-count", 100000) + " " + b("pre-vote", true) + " " +
           a("urls", urls) + " " + a("empty", none) + " " + i("neg", -42) + " " +
           u("big", 18446744073709551615ULL)},
      {"debug",
       "escapes \"quoted\" \\ back\nnew\ttab\x01<&>\x7f \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80",
       {String("bad-utf8",
               "a\xff"
               "b\xC3"
               "c\xED\xA0\x80"
               "d"),
        String("k\"ey", "v")},
       s("bad-utf8",
         "a\xff"
         "b\xC3"
         "c\xED\xA0\x80"
         "d") +
           " " + s("k\"ey", "v")},
      {"info",
       "floats",
       {Double("half", 0.5), Double("third", 1.0 / 3), Double("big", 1e21), Double("tiny", 1e-7),
        Double("int", 3)},
       f("half", 0.5) + " " + f("third", 1.0 / 3) + " " + f("big", 1e21) + " " + f("tiny", 1e-7) + " " +
           f("int", 3)},
      {"info",
       "durations",
       {Duration("a", std::chrono::nanoseconds(0)), Duration("b", std::chrono::nanoseconds(999)),
        Duration("c", std::chrono::microseconds(1500)), Duration("e", std::chrono::minutes(61))},
       d("a", 0) + " " + d("b", 999) + " " + d("c", 1500000) + " " + d("e", 3660000000000LL)},
  };

  const char* tmp = std::getenv("TEST_TMPDIR");
  std::string dir = tmp != nullptr ? tmp : "/tmp";
  std::string input = dir + "/zap_input.txt";
  {
    std::ofstream out(input);
    for (const Case& c : cases)
      out << c.level << " " << Hex(c.msg) << (c.zap_fields.empty() ? "" : " ") << c.zap_fields << "\n";
  }
  const char* srcdir = std::getenv("TEST_SRCDIR");
  std::string program = (srcdir != nullptr ? std::string(srcdir) + "/cairn/" : std::string()) +
                        "server/logging/testdata/zap_oracle.go";
  std::string cmd = "cd " + dir + " && env GOPATH=/usr/share/gocode GO111MODULE=off GOFLAGS= GOCACHE=" + dir +
                    "/gocache HOME=" + dir + " /usr/bin/go run " + program + " < " + input;
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::vector<std::string> zap_lines;
  char* line = nullptr;
  size_t cap = 0;
  ssize_t n;
  while ((n = getline(&line, &cap, p)) > 0) zap_lines.emplace_back(line, static_cast<size_t>(n));
  free(line);
  ASSERT_EQ(pclose(p), 0);
  ASSERT_EQ(zap_lines.size(), cases.size());

  Logger logger(std::make_shared<MemorySink>(), Level::kDebug);
  for (size_t k = 0; k < cases.size(); k++) {
    Level level;
    ASSERT_TRUE(ParseLevel(cases[k].level, &level).ok());
    std::string ours;
    // FormatLine takes an initializer_list; expand the vector through With().
    Logger with = logger;
    for (const Field& fld : cases[k].ours) with = with.With({fld});
    ours = with.FormatLine(level, cases[k].msg, {}, "x/y.cc", 1);
    EXPECT_EQ(Normalize(ours), Normalize(zap_lines[k])) << "case " << k;
  }
}

}  // namespace
}  // namespace cairn::logging

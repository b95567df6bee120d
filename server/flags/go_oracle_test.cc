// Cairn's Go-compatible parsers and formatters against Go 1.19's standard library itself.
#include "server/flags/go_oracle.h"

#include <gtest/gtest.h>

#include "server/flags/go_values.h"
#include "server/flags/urls.h"

namespace cairn::flags {
namespace {

std::string OurUint(const std::string& s) {
  uint64_t v;
  std::string why;
  return ParseGoUint(s, 64, &v, &why) ? "ok " + std::to_string(v) : "err " + why;
}

std::string OurInt(const std::string& s) {
  int64_t v;
  std::string why;
  return ParseGoInt(s, 64, &v, &why) ? "ok " + std::to_string(v) : "err " + why;
}

std::string OurBool(const std::string& s) {
  bool v;
  std::string why;
  return ParseGoBool(s, &v, &why) ? std::string("ok ") + (v ? "true" : "false") : "err " + why;
}

std::string OurDuration(const std::string& s) {
  std::chrono::nanoseconds v;
  std::string why;
  return ParseGoDuration(s, &v, &why) ? "ok " + std::to_string(v.count()) : "err";
}

std::string OurUrls(const std::string& s) {
  std::vector<Url> urls;
  Status st = ParseUrlList(s, &urls);
  return st.ok() ? "ok " + UrlListString(urls) : "err " + st.message();
}

class GoOracleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::GoAvailable()) GTEST_SKIP() << "go not installed";
  }
  // Asks Go about every input of one kind and compares with `ours`.
  template <class F>
  void Compare(const std::string& kind, const std::vector<std::string>& inputs, F ours) {
    std::vector<std::string> queries;
    for (const std::string& in : inputs) queries.push_back(kind + "\t" + in);
    std::vector<std::string> go = testing::AskGo(queries);
    ASSERT_EQ(go.size(), inputs.size()) << "go run failed";
    for (size_t i = 0; i < inputs.size(); i++) EXPECT_EQ(ours(inputs[i]), go[i]) << kind << " " << inputs[i];
  }
};

TEST_F(GoOracleTest, Integers) {
  std::vector<std::string> inputs = {"0",
                                     "7",
                                     "100000",
                                     "-1",
                                     "+1",
                                     "010",
                                     "08",
                                     "0x1f",
                                     "0X1F",
                                     "0o17",
                                     "0b101",
                                     "1_000",
                                     "0x_1f",
                                     "1__0",
                                     "_1",
                                     "1_",
                                     "0x",
                                     "",
                                     "abc",
                                     "1.5",
                                     " 1",
                                     "18446744073709551615",
                                     "18446744073709551616",
                                     "9223372036854775807",
                                     "9223372036854775808",
                                     "-9223372036854775808",
                                     "-9223372036854775809"};
  Compare("uint", inputs, OurUint);
  Compare("int", inputs, OurInt);
}

TEST_F(GoOracleTest, Bools) {
  Compare(
      "bool",
      {"1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False", "yes", "tRue", ""},
      OurBool);
}

TEST_F(GoOracleTest, Durations) {
  Compare("dur", {"0",    "100ms",    "1h30m",    "1.5s", "-2us",  "3\xC2\xB5s",  "3\xCE\xBCs",
                  "10",   "",         "5x",       ".s",   "1.s",   ".5s",         "+5m",
                  "1h1h", "2562047h", "2562048h", "1e3s", "10m0s", "0.000000001s"},
          OurDuration);
  std::vector<std::string> ns = {"0",
                                 "1",
                                 "999",
                                 "1000",
                                 "907633",
                                 "1000000",
                                 "1500000",
                                 "100000000",
                                 "1000000000",
                                 "1500000000",
                                 "60000000000",
                                 "600000000000",
                                 "3600000000000",
                                 "3723000000000",
                                 "-1500000",
                                 "9223372036854775807"};
  Compare("durs", ns,
          [](const std::string& s) { return GoDurationString(std::chrono::nanoseconds(std::stoll(s))); });
}

TEST_F(GoOracleTest, EtcdUrlLists) {
  Compare(
      "urls",
      {"http://localhost:2379", "http://b:2, HTTP://a:1", "https://[::1]:2379", "unix://localhost:1", "foo",
       "localhost:2379", "http://a:b:c", "http://[::1]x", "http://localhost:2379/", "http://localhost", "",
       ":2379", "http://a:1,ftp://b:2", "http://[::1", "http://a b:1", "http://user@h:1", "http://h:1?x=y"},
      OurUrls);
}

}  // namespace
}  // namespace cairn::flags

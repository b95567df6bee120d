// FormatFloat against Go's strconv.FormatFloat(f, 'g', -1, 64), which Prometheus' Go client uses
// for every sample value and bucket bound.
#include <gtest/gtest.h>

#include <cstdio>

#include "server/flags/go_oracle.h"
#include "server/metrics/registry.h"

namespace cairn::metrics {
namespace {

TEST(GoFloatOracleTest, SameTextAsGo) {
  if (!flags::testing::GoAvailable()) GTEST_SKIP() << "go not installed";
  std::vector<double> values = {0,
                                1,
                                -1,
                                0.5,
                                0.001,
                                0.0001,
                                0.00001,
                                1e-7,
                                8.192,
                                0.002123828,
                                12.5,
                                99999,
                                100000,
                                999999,
                                1000000,
                                1048576,
                                2147483648.0,
                                1.79540543907e+09,
                                18446744073709551615.0,
                                1e21,
                                1e22,
                                123456789.125,
                                3.14159265358979,
                                1.0 / 3,
                                2.0 / 3,
                                1e300,
                                5e-324,
                                -0.25,
                                409.6,
                                655.36,
                                0.1 + 0.2};
  for (double v : ExponentialBuckets(0.0001, 2, 30)) values.push_back(v);
  for (double v : ExponentialBuckets(0.1, 2, 13)) values.push_back(v);
  std::vector<std::string> queries;
  for (double v : values) {
    char buf[64];
    snprintf(buf, sizeof(buf), "%.17g", v);  // exact round trip into Go's ParseFloat
    queries.push_back(std::string("float\t") + buf);
  }
  std::vector<std::string> go = flags::testing::AskGo(queries);
  ASSERT_EQ(go.size(), values.size()) << "go run failed";
  for (size_t i = 0; i < values.size(); i++) EXPECT_EQ(FormatFloat(values[i]), go[i]) << queries[i];
}

}  // namespace
}  // namespace cairn::metrics

#include "server/metrics/registry.h"

#include <gtest/gtest.h>

#include <thread>

namespace cairn::metrics {
namespace {

TEST(FormatFloatTest, GoShortestG) {
  EXPECT_EQ(FormatFloat(0), "0");
  EXPECT_EQ(FormatFloat(1), "1");
  EXPECT_EQ(FormatFloat(0.001), "0.001");
  EXPECT_EQ(FormatFloat(8.192), "8.192");
  EXPECT_EQ(FormatFloat(0.002123828), "0.002123828");
  EXPECT_EQ(FormatFloat(20000), "20000");
  EXPECT_EQ(FormatFloat(524288), "524288");
  EXPECT_EQ(FormatFloat(1048576), "1.048576e+06");
  EXPECT_EQ(FormatFloat(2147483648.0), "2.147483648e+09");
  EXPECT_EQ(FormatFloat(1.79540543907e+09), "1.79540543907e+09");
  EXPECT_EQ(FormatFloat(18446744073709551615.0), "1.8446744073709552e+19");
  EXPECT_EQ(FormatFloat(0.0001), "0.0001");
  EXPECT_EQ(FormatFloat(0.00001), "1e-05");
  EXPECT_EQ(FormatFloat(-3.5), "-3.5");
  EXPECT_EQ(FormatFloat(1.0 / 0.0), "+Inf");
}

TEST(RegistryTest, ExpositionGolden) {
  Registry r;
  r.NewCounter("b_total", "A counter.\nSecond line \\ backslash.").Add(3);
  r.NewGauge("a_gauge", "A gauge.").Set(-1.5);
  Histogram& h = r.NewHistogram("c_seconds", "A histogram.", {0.1, 1});
  h.Observe(0.05);
  h.Observe(0.1);  // le is inclusive
  h.Observe(5);
  CounterVec v = r.NewCounterVec("d_total", "Labelled.", {"zeta", "alpha"});
  v.With({"z2", "a\"1\n"}).Inc();
  v.With({"z1", "a2"}).Add(2);
  r.NewCounterVec("e_total", "No children: not printed.", {"x"});
  r.NewGaugeFunc("f_bytes", "A callback.", [] { return 2147483648.0; });
  EXPECT_EQ(r.Render(),
            "# HELP a_gauge A gauge.\n"
            "# TYPE a_gauge gauge\n"
            "a_gauge -1.5\n"
            "# HELP b_total A counter.\\nSecond line \\\\ backslash.\n"
            "# TYPE b_total counter\n"
            "b_total 3\n"
            "# HELP c_seconds A histogram.\n"
            "# TYPE c_seconds histogram\n"
            "c_seconds_bucket{le=\"0.1\"} 2\n"
            "c_seconds_bucket{le=\"1\"} 2\n"
            "c_seconds_bucket{le=\"+Inf\"} 3\n"
            "c_seconds_sum 5.15\n"
            "c_seconds_count 3\n"
            "# HELP d_total Labelled.\n"
            "# TYPE d_total counter\n"
            "d_total{alpha=\"a\\\"1\\n\",zeta=\"z2\"} 1\n"
            "d_total{alpha=\"a2\",zeta=\"z1\"} 2\n"
            "# HELP f_bytes A callback.\n"
            "# TYPE f_bytes gauge\n"
            "f_bytes 2.147483648e+09\n");
}

TEST(RegistryTest, LabelledHistogramPutsLeLast) {
  Registry r;
  HistogramVec v = r.NewHistogramVec("h", "H.", {"op"}, {1});
  v.With({"put"}).Observe(2);
  EXPECT_EQ(r.Render(),
            "# HELP h H.\n# TYPE h histogram\n"
            "h_bucket{op=\"put\",le=\"1\"} 0\n"
            "h_bucket{op=\"put\",le=\"+Inf\"} 1\n"
            "h_sum{op=\"put\"} 2\n"
            "h_count{op=\"put\"} 1\n");
}

TEST(RegistryTest, SameNameReturnsSameMetric) {
  Registry r;
  Counter& a = r.NewCounter("x_total", "X.");
  Counter& b = r.NewCounter("x_total", "X.");
  EXPECT_EQ(&a, &b);
  CounterVec v = r.NewCounterVec("y_total", "Y.", {"l"});
  EXPECT_EQ(&v.With({"1"}), &v.With({"1"}));
}

TEST(RegistryTest, ConcurrentUpdatesAreNotLost) {
  Registry r;
  Counter& c = r.NewCounter("n_total", "N.");
  Histogram& h = r.NewHistogram("h_seconds", "H.", ExponentialBuckets(0.001, 2, 14));
  CounterVec v = r.NewCounterVec("v_total", "V.", {"t"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; t++) {
    threads.emplace_back([&, t] {
      Counter& mine = v.With({std::to_string(t % 2)});
      for (int i = 0; i < 10000; i++) {
        c.Inc();
        h.Observe(0.003);
        mine.Inc();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.Value(), 40000);
  EXPECT_EQ(h.Count(), 40000u);
  EXPECT_EQ(h.CumulativeCounts()[1], 0u);      // le 0.002
  EXPECT_EQ(h.CumulativeCounts()[2], 40000u);  // le 0.004
  EXPECT_EQ(v.With({"0"}).Value() + v.With({"1"}).Value(), 40000);
}

TEST(BucketsTest, ExponentialAndLinear) {
  EXPECT_EQ(ExponentialBuckets(1, 2, 4), (std::vector<double>{1, 2, 4, 8}));
  EXPECT_EQ(LinearBuckets(0, 5, 3), (std::vector<double>{0, 5, 10}));
}

}  // namespace
}  // namespace cairn::metrics

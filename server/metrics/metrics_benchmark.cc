// Hot-path cost of metric updates: `bazel run //server/metrics:metrics_benchmark`.
#include <benchmark/benchmark.h>

#include "server/metrics/etcd_metrics.h"

namespace cairn::metrics {
namespace {

void BM_CounterInc(benchmark::State& state) {
  static Registry r;
  static Counter& c = r.NewCounter("bench_total", "B.");
  for (auto _ : state) c.Inc();
}
BENCHMARK(BM_CounterInc)->Threads(1)->Threads(2);

void BM_HistogramObserve(benchmark::State& state) {
  static Registry r;
  static Histogram& h = r.NewHistogram("bench_seconds", "B.", ExponentialBuckets(0.001, 2, 14));
  double v = 0.0005;
  for (auto _ : state) {
    h.Observe(v);
    v = v > 10 ? 0.0005 : v * 1.7;
  }
}
BENCHMARK(BM_HistogramObserve)->Threads(1)->Threads(2);

void BM_VecWith(benchmark::State& state) {
  static Registry r;
  static CounterVec v = r.NewCounterVec("bench_vec_total", "B.", {"grpc_method"});
  for (auto _ : state) v.With({"Range"}).Inc();
}
BENCHMARK(BM_VecWith);

void BM_RenderEtcdRegistry(benchmark::State& state) {
  Registry r;
  EtcdMetrics m(r);
  for (const char* method : {"Range", "Put", "DeleteRange", "Txn", "Compact"}) {
    m.InitializeGrpcMethod("etcdserverpb.KV", method, "unary");
  }
  for (auto _ : state) benchmark::DoNotOptimize(r.Render());
}
BENCHMARK(BM_RenderEtcdRegistry);

}  // namespace
}  // namespace cairn::metrics

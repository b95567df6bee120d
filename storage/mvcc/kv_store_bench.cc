// Throughput of the MVCC layer over the in-memory backend (no disk): an upper bound for what the
// bolt-backed store can do, and a guard against regressions in index/encoding costs.
//   bazel run -c opt //storage/mvcc:kv_store_bench
#include <benchmark/benchmark.h>

#include "storage/backend/mem_backend.h"
#include "storage/mvcc/kv_store.h"
#include "storage/mvcc/watchable_store.h"

namespace cairn::mvcc {
namespace {

std::string Key(int i) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "/registry/pods/default/pod-%08d", i);
  return buf;
}

void BM_Put(benchmark::State& state) {
  backend::MemBackend b;
  std::unique_ptr<KvStore> s;
  KvStore::Open(&b, {}, &s);
  const std::string value(state.range(0), 'v');
  int i = 0;
  for (auto _ : state) {
    PutRequest p;
    p.key = Key(i++ % 10000);
    p.value = value;
    PutResponse r;
    s->Put(p, &r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Put)->Arg(128)->Arg(4096);

void BM_RangePrefix(benchmark::State& state) {
  backend::MemBackend b;
  std::unique_ptr<KvStore> s;
  KvStore::Open(&b, {}, &s);
  const int n = static_cast<int>(state.range(0));
  for (int i = 0; i < n; ++i) {
    PutRequest p;
    p.key = Key(i);
    p.value = std::string(512, 'v');
    PutResponse r;
    s->Put(p, &r);
  }
  RangeRequest req;
  req.key = "/registry/pods/";
  req.range_end = PrefixEnd(req.key);
  for (auto _ : state) {
    RangeResponse r;
    s->Range(req, &r);
    if (static_cast<int>(r.kvs.size()) != n) state.SkipWithError("wrong range size");
    benchmark::DoNotOptimize(r.kvs.data());
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_RangePrefix)->Arg(100)->Arg(10000);

void BM_PutWithWatchers(benchmark::State& state) {
  backend::MemBackend b;
  std::unique_ptr<KvStore> s;
  KvStore::Open(&b, {}, &s);
  WatchableStore ws(s.get(), WatchableStore::Options{.stream_responses_max = 1 << 20});
  std::vector<std::unique_ptr<WatchStream>> streams;
  for (int i = 0; i < state.range(0); ++i) {
    streams.push_back(ws.NewStream());
    WatchOptions o;
    o.key = "/registry/";
    o.end = PrefixEnd(o.key);
    WatchId id;
    streams.back()->Watch(kAutoWatchId, o, &id);
  }
  int i = 0;
  for (auto _ : state) {
    PutRequest p;
    p.key = Key(i++ % 10000);
    p.value = "v";
    PutResponse r;
    s->Put(p, &r);
    if (i % 1000 == 0) {
      state.PauseTiming();
      WatchResponse wr;
      for (auto& st : streams) {
        while (st->Poll(&wr)) {
        }
      }
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PutWithWatchers)->Arg(1)->Arg(100);

}  // namespace
}  // namespace cairn::mvcc

// Memory and speed of the key index (TreeIndex + KeyIndex), on mimalloc as in the server.
//   bazel run //storage/mvcc:tree_index_bench
// bytes_per_key counts the heap blocks in use (with mimalloc's size-class rounding) for an index of range(0) keys, each put once (the "RSS after" workload's shape).
#include <benchmark/benchmark.h>
#include <mimalloc.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "storage/mvcc/tree_index.h"

namespace {

// Bytes in use in this thread's mimalloc heap (blocks in use times their size class).
int64_t HeapBytesInUse() {
  int64_t total = 0;
  mi_heap_visit_blocks(
      mi_heap_get_default(), false,
      [](const mi_heap_t*, const mi_heap_area_t* area, void*, size_t, void* arg) {
        *static_cast<int64_t*>(arg) += static_cast<int64_t>(area->used * area->full_block_size);
        return true;
      },
      &total);
  return total;
}

}  // namespace

namespace cairn::mvcc {
namespace {

// The benchmark tool's 8-byte sequential keys, or Kubernetes-like ones (longer than SSO).
std::string Key(int64_t i, bool k8s) {
  char buf[64];
  if (k8s) {
    std::snprintf(buf, sizeof(buf), "/registry/pods/default/pod-%08lld", static_cast<long long>(i));
  } else {
    std::snprintf(buf, sizeof(buf), "%08lld", static_cast<long long>(i));
  }
  return buf;
}

// range(1): 0 = 8-byte keys put in order, 1 = Kubernetes-like keys in order, 2 = 8-byte keys put
// in a random order.
void BM_IndexMemory(benchmark::State& state) {
  const int64_t n = state.range(0);
  const bool k8s = state.range(1) == 1;
  std::vector<int64_t> order(n);
  for (int64_t i = 0; i < n; ++i) order[i] = i;
  if (state.range(1) == 2) std::shuffle(order.begin(), order.end(), std::mt19937_64(1));
  double per_key = 0;
  for (auto _ : state) {
    const int64_t before = HeapBytesInUse();
    auto* index = new TreeIndex();
    for (int64_t i = 0; i < n; ++i) index->Put(Key(order[i], k8s), RevisionPair{i + 2, 0});
    per_key = static_cast<double>(HeapBytesInUse() - before) / static_cast<double>(n);
    delete index;
  }
  state.counters["bytes_per_key"] = per_key;
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_IndexMemory)->Args({100000, 0})->Args({100000, 1})->Args({100000, 2})->Unit(benchmark::kMillisecond);

void BM_IndexGet(benchmark::State& state) {
  const int64_t n = 100000;
  TreeIndex index;
  for (int64_t i = 0; i < n; ++i) index.Put(Key(i, false), RevisionPair{i + 2, 0});
  int64_t i = 0;
  KeyIndex::GetResult g;
  for (auto _ : state) {
    benchmark::DoNotOptimize(index.Get(Key(i++ % n, false), n + 2, &g));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_IndexGet);

void BM_IndexRevisions(benchmark::State& state) {
  const int64_t n = 100000;
  TreeIndex index;
  for (int64_t i = 0; i < n; ++i) index.Put(Key(i, false), RevisionPair{i + 2, 0});
  const std::string first = Key(0, false), end = Key(n, false);
  const KeyRange all{first, end};
  for (auto _ : state) {
    int64_t total = 0;
    benchmark::DoNotOptimize(index.Revisions(all, n + 2, 0, &total));
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_IndexRevisions)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace cairn::mvcc

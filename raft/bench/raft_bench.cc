// Micro-benchmark of the Raft core: proposals committed per second through a
// 3-node in-memory cluster (the testing::Cluster harness: MemoryStorage,
// in-process message queue, no I/O), and heap bytes/allocations per committed
// entry, counted by replacing the global operator new in this binary.
//
//   bazel run -c opt //raft/bench:raft_bench
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

#include "raft/testing/cluster.h"

namespace {
std::atomic<uint64_t> g_alloc_count{0};
std::atomic<uint64_t> g_alloc_bytes{0};
}  // namespace

void* operator new(std::size_t n) {
  g_alloc_count.fetch_add(1, std::memory_order_relaxed);
  g_alloc_bytes.fetch_add(n, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
// GCC 12 inlines these replacements into callers of the (assumed builtin) operator new and then
// reports free() on its result as a mismatch (-Wmismatched-new-delete); here both sides are
// malloc/free, so the warning is a false positive.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

namespace cairn::raft {
namespace {

// Arg 0: proposals per round, proposed as one batch (ProposeBatch) as a
// driver that drains its proposal queue would; arg 1: payload bytes.
void BM_CommitThreeNodes(benchmark::State& state) {
  const int batch = static_cast<int>(state.range(0));
  const std::string payload(static_cast<size_t>(state.range(1)), 'x');
  testing::Cluster c({1, 2, 3}, {}, [](Config* cfg) {
    cfg->max_msg_bytes = 1 << 20;
    cfg->max_inflight_msgs = 256;
  });
  c.Elect(1);
  uint64_t round = 0;
  uint64_t start_applied = c.committed_entries_applied();
  uint64_t a0 = g_alloc_count.load(), b0 = g_alloc_bytes.load();
  for (auto _ : state) {
    if (batch == 1) {
      c.Propose(1, payload);
    } else {
      c.node(1).ProposeBatch(std::vector<std::string>(static_cast<size_t>(batch), payload));
    }
    c.Stabilize();
    // Keep memory bounded: compact the logs now and then.
    if (++round % 64 == 0) {
      for (NodeId id : {1, 2, 3}) {
        Index applied = c.raft(id).log().applied();
        c.storage(id).Compact(applied);
      }
    }
  }
  uint64_t applied = c.committed_entries_applied() - start_applied;
  // Each entry is applied on all three nodes; count it once.
  double entries = static_cast<double>(applied) / 3.0;
  state.counters["entries_committed_per_s"] = benchmark::Counter(entries, benchmark::Counter::kIsRate);
  state.counters["alloc_bytes_per_entry"] =
      entries > 0 ? static_cast<double>(g_alloc_bytes.load() - b0) / entries : 0;
  state.counters["allocs_per_entry"] =
      entries > 0 ? static_cast<double>(g_alloc_count.load() - a0) / entries : 0;
}
BENCHMARK(BM_CommitThreeNodes)->Args({1, 128})->Args({16, 128})->Args({256, 128})->Args({64, 1024});

}  // namespace
}  // namespace cairn::raft

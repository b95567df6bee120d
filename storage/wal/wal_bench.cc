// WAL throughput with real fdatasync: appends/s and MB/s by batch size
// (1, 8, 64, 512 entries of 256 B per Append), io_uring vs pwrite+fdatasync,
// and group commit of concurrent single-entry appenders; then (issue 6) the
// latency of small appends at a single appender: p50/p90/p99 per Append for
// pwrite+fdatasync, io_uring and the adaptive default (BM_AppendLatency), and
// the same paths appended to alternately (BM_AppendPaired, the precise one).
//
//   bazel run //storage/wal:wal_bench -- --benchmark_min_time=0.5 --benchmark_repetitions=5
//       --benchmark_enable_random_interleaving=true      (all on one command line)
//   WAL_BENCH_DIR=/path/on/real/disk (default /var/tmp/cairn_wal_bench; not tmpfs!)
// Interleaving matters on a shared machine: fdatasync latency dominates and
// drifts with other disk traffic.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "storage/wal/wal.h"

namespace cairn::wal {
namespace {

constexpr size_t kEntryDataBytes = 256;

std::string BenchDir(const std::string& name) {
  const char* root = std::getenv("WAL_BENCH_DIR");
  std::filesystem::path dir = std::filesystem::path(root ? root : "/var/tmp/cairn_wal_bench") / name;
  std::filesystem::remove_all(dir);
  return dir.string();
}

std::unique_ptr<Wal> OpenOrDie(const std::string& dir, bool use_io_uring, benchmark::State& state) {
  Options options;
  options.use_io_uring = use_io_uring;
  options.io_uring_min_group_bytes = 0;  // uring:1 means every group through io_uring
  options.log = [](std::string_view) {};
  std::unique_ptr<Wal> wal;
  Status s = Wal::Open(dir, options, &wal);
  if (!s.ok()) state.SkipWithError(s.ToString().c_str());
  if (use_io_uring && wal && wal->io_path() != IoPath::kIoUring) state.SkipWithError("io_uring unavailable");
  return wal;
}

// Args: entries per batch, use_io_uring.
void BM_AppendBatch(benchmark::State& state) {
  const auto batch_entries = static_cast<uint64_t>(state.range(0));
  const bool use_io_uring = state.range(1) != 0;
  const std::string dir = BenchDir("batch");
  std::unique_ptr<Wal> wal = OpenOrDie(dir, use_io_uring, state);
  if (!wal) return;
  Batch batch;
  batch.entries.resize(batch_entries);
  for (Entry& entry : batch.entries) entry.data.assign(kEntryDataBytes, 'x');
  uint64_t next = 1;
  for (auto _ : state) {
    for (Entry& entry : batch.entries) entry = Entry{next++, 1, std::move(entry.data)};
    batch.hard_state = HardState{1, 1, next - 1};
    Status s = wal->Append(batch);
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * batch_entries));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * EncodedBytes(batch)));
  state.counters["fdatasyncs/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.SetLabel(use_io_uring ? "io_uring" : "pwrite+fdatasync");
  wal.reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_AppendBatch)
    ->ArgsProduct({{1, 8, 64, 512}, {1, 0}})
    ->ArgNames({"entries", "uring"})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// Concurrent callers, one 256 B entry each (all at index 1: a legal
// overwrite, so callers need no coordination); shows group commit coalescing
// many Appends into one write+fdatasync.
std::unique_ptr<Wal> g_shared_wal;
std::atomic<uint64_t> g_syncs{0};

void BM_GroupCommit(benchmark::State& state) {
  const bool use_io_uring = state.range(0) != 0;
  const bool adaptive = state.range(0) == 2;
  if (state.thread_index() == 0) {
    const std::string dir = BenchDir("group");
    Options options;
    options.use_io_uring = use_io_uring;
    options.io_uring_min_group_bytes = adaptive ? kDefaultIoUringMinGroupBytes : 0;
    options.log = [](std::string_view) {};
    options.on_sync = [](std::chrono::nanoseconds) { g_syncs.fetch_add(1); };
    g_syncs = 0;
    Status s = Wal::Open(dir, options, &g_shared_wal);
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
  }
  Batch batch;
  batch.entries.push_back(Entry{1, 1, std::string(kEntryDataBytes, 'x')});
  for (auto _ : state) {
    if (!g_shared_wal->Append(batch).ok()) {
      state.SkipWithError("append failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    g_shared_wal.reset();
    state.counters["fdatasyncs"] = benchmark::Counter(static_cast<double>(g_syncs.load()));
    state.SetLabel(adaptive ? "adaptive" : use_io_uring ? "io_uring" : "pwrite+fdatasync");
  }
}
// Arg uring: 0 pwrite+fdatasync, 1 io_uring for every group, 2 adaptive (the default).
BENCHMARK(BM_GroupCommit)
    ->Arg(1)
    ->Arg(0)
    ->Arg(2)
    ->ArgName("uring")
    ->Threads(1)
    ->Threads(8)
    ->Threads(32)
    ->Threads(64)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// ---- Issue 6: latency of one small Append at a single appender -------------
// The server has one appender (the Raft loop, one Append per Ready), so what
// matters is the latency of small groups. Entries of ~300 B (payload 300 B:
// index, term, 284 data bytes) plus a hard state, like one etcd put.

constexpr size_t kPutDataBytes = 284;

enum BenchPath : int64_t {
  kPathPwrite = 0,    // use_io_uring = false
  kPathIoUring = 1,   // io_uring for every group (io_uring_min_group_bytes = 0)
  kPathAdaptive = 2,  // the default: pwrite+fdatasync below kDefaultIoUringMinGroupBytes
};

const char* BenchPathName(int64_t path) {
  switch (path) {
    case kPathPwrite: return "pwrite+fdatasync";
    case kPathIoUring: return "io_uring";
    default: return "adaptive";
  }
}

struct LatencyWal {
  std::string dir;
  std::unique_ptr<Wal> wal;
  Batch batch;
  uint64_t next = 1;
  std::vector<double> us;

  LatencyWal(const std::string& name, int64_t path, uint64_t batch_entries, benchmark::State& state)
      : dir(BenchDir(name)) {
    Options options;
    options.use_io_uring = path != kPathPwrite;
    options.io_uring_min_group_bytes = path == kPathIoUring ? 0 : kDefaultIoUringMinGroupBytes;
    options.log = [](std::string_view) {};
    Status s = Wal::Open(dir, options, &wal);
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      return;
    }
    if (path != kPathPwrite && wal->io_path() != IoPath::kIoUring)
      state.SkipWithError("io_uring unavailable");
    batch.entries.resize(batch_entries);
    for (Entry& entry : batch.entries) entry.data.assign(kPutDataBytes, 'x');
  }
  ~LatencyWal() {
    wal.reset();
    std::filesystem::remove_all(dir);
  }
  bool AppendTimed() {
    for (Entry& entry : batch.entries) entry = Entry{next++, 1, std::move(entry.data)};
    batch.hard_state = HardState{1, 1, next - 1};
    const auto start = std::chrono::steady_clock::now();
    const bool ok = wal->Append(batch).ok();
    us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
    return ok;
  }
};

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  const size_t k = std::min(values.size() - 1, static_cast<size_t>(p * static_cast<double>(values.size())));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
  return values[k];
}

// Back-to-back appends of one batch; p50/p90/p99 us per Append and appends/s.
// Args: entries per batch, BenchPath.
void BM_AppendLatency(benchmark::State& state) {
  const auto batch_entries = static_cast<uint64_t>(state.range(0));
  const int64_t path = state.range(1);
  LatencyWal w("latency", path, batch_entries, state);
  if (state.error_occurred()) return;
  for (auto _ : state) {
    if (!w.AppendTimed()) {
      state.SkipWithError("append failed");
      break;
    }
  }
  state.counters["p50_us"] = Percentile(w.us, 0.50);
  state.counters["p90_us"] = Percentile(w.us, 0.90);
  state.counters["p99_us"] = Percentile(w.us, 0.99);
  state.counters["appends/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["group_bytes"] = static_cast<double>(EncodedBytes(w.batch));
  state.counters["uring_frac"] = static_cast<double>(w.wal->stats().io_uring_writes) /
                                 static_cast<double>(std::max<uint64_t>(1, w.wal->stats().groups));
  state.SetLabel(BenchPathName(path));
}
BENCHMARK(BM_AppendLatency)
    ->ArgsProduct({{1, 16, 64, 256}, {kPathPwrite, kPathIoUring, kPathAdaptive}})
    ->ArgNames({"entries", "path"})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// Two WALs (separate directories) appended to alternately, ABBA order, so the
// drifting fdatasync latency of a shared disk hits both equally; reports each
// side's p50 and b - a. The most precise comparison of two paths.
// Args: entries per batch, BenchPath a, BenchPath b.
void BM_AppendPaired(benchmark::State& state) {
  const auto batch_entries = static_cast<uint64_t>(state.range(0));
  LatencyWal a("paired_a", state.range(1), batch_entries, state);
  LatencyWal b("paired_b", state.range(2), batch_entries, state);
  if (state.error_occurred()) return;
  for (auto _ : state) {
    const bool a_first = a.us.size() % 2 == 0;
    const bool ok = a_first ? a.AppendTimed() && b.AppendTimed() : b.AppendTimed() && a.AppendTimed();
    if (!ok) {
      state.SkipWithError("append failed");
      break;
    }
  }
  const double p50_a = Percentile(a.us, 0.5);
  const double p50_b = Percentile(b.us, 0.5);
  state.counters["a_p50_us"] = p50_a;
  state.counters["b_p50_us"] = p50_b;
  state.counters["b_minus_a_us"] = p50_b - p50_a;
  state.SetLabel(std::string(BenchPathName(state.range(1))) + " vs " + BenchPathName(state.range(2)));
}
BENCHMARK(BM_AppendPaired)
    ->ArgsProduct({{1, 16, 64, 256, 1024, 4096}, {kPathPwrite}, {kPathIoUring}})
    ->Args({1, kPathAdaptive, kPathIoUring})
    ->Args({16, kPathAdaptive, kPathIoUring})
    ->Args({1, kPathPwrite, kPathPwrite})  // control: b - a must be ~0
    ->ArgNames({"entries", "a", "b"})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace cairn::wal

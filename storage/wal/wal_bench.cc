// WAL throughput with real fdatasync: appends/s and MB/s by batch size
// (1, 8, 64, 512 entries of 256 B per Append), io_uring vs pwrite+fdatasync,
// and group commit of concurrent single-entry appenders.
//
//   bazel run //storage/wal:wal_bench -- --benchmark_min_time=0.5 --benchmark_repetitions=5
//       --benchmark_enable_random_interleaving=true      (all on one command line)
//   WAL_BENCH_DIR=/path/on/real/disk (default /var/tmp/cairn_wal_bench; not tmpfs!)
// Interleaving matters on a shared machine: fdatasync latency dominates and
// drifts with other disk traffic.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string>

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
  if (state.thread_index() == 0) {
    const std::string dir = BenchDir("group");
    Options options;
    options.use_io_uring = use_io_uring;
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
    state.SetLabel(use_io_uring ? "io_uring" : "pwrite+fdatasync");
  }
}
BENCHMARK(BM_GroupCommit)
    ->Arg(1)
    ->Arg(0)
    ->ArgName("uring")
    ->Threads(1)
    ->Threads(8)
    ->Threads(32)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace cairn::wal

// Benchmarks of the bolt backend (not a test):
//   bazel run -c opt //storage/backend:bolt_backend_bench   (BOLT_BENCH_DIR: a real disk, default /var/tmp)
//
//   BM_KvPutBatched     KvStore::Put of 256-byte values through the BufferedBackend over a BoltStore,
//                       committed (fdatasync x2) every `batch` puts, as the apply loop does.
//   BM_ApplyOneKey      one BoltStore::Apply of one 256-byte key: bolt commit latency.
//   BM_SnapshotStream   StreamSnapshot (WriteTo + 32 KiB chunks + sha256) of a ~64 MiB db.
//   BM_Defragment       Defragment of a ~64 MiB db of which half the keys were deleted.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>

#include "storage/backend/bolt_backend.h"
#include "storage/backend/bolt_snapshot.h"
#include "storage/mvcc/kv_store.h"

namespace cairn::backend {
namespace {

std::string BenchDir(const std::string& name) {
  const char* base = std::getenv("BOLT_BENCH_DIR");
  std::string dir = std::string(base != nullptr ? base : "/var/tmp") + "/cairn_bolt_backend_bench_" + name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

std::string Key8(uint64_t i) {
  std::string k(8, '\0');
  for (int b = 0; b < 8; ++b) k[b] = static_cast<char>(i >> (56 - 8 * b));
  return k;
}

void BM_KvPutBatched(benchmark::State& state) {
  const int batch = static_cast<int>(state.range(0));
  const std::string dir = BenchDir("put");
  std::unique_ptr<BufferedBackend> b;
  BoltBackendOptions o;
  o.batch_limit = batch;
  if (!OpenBoltBackend(io::DefaultEnv(), dir + "/db", o, &b).ok()) std::abort();
  std::unique_ptr<mvcc::KvStore> kv;
  if (!mvcc::KvStore::Open(b.get(), {}, &kv).ok()) std::abort();
  const std::string value(256, 'v');
  uint64_t i = 0;
  for (auto _ : state) {
    mvcc::PutRequest p;
    p.key = "/registry/pods/default/pod-" + std::to_string(i++ % 100000);
    p.value = value;
    mvcc::PutResponse r;
    if (!kv->Put(p, &r).ok()) std::abort();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["file_bytes"] = static_cast<double>(b->size_bytes());
  kv.reset();
  b.reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_KvPutBatched)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

void BM_ApplyOneKey(benchmark::State& state) {
  const std::string dir = BenchDir("apply");
  std::unique_ptr<BoltStore> store;
  if (!BoltStore::Open(io::DefaultEnv(), dir + "/db", {}, &store).ok()) std::abort();
  WriteBatch create;
  create.created_buckets = {"key"};
  if (!store->Apply(create).ok()) std::abort();
  uint64_t i = 0;
  for (auto _ : state) {
    WriteBatch w;
    w.ops["key"][Key8(i++)] = std::string(256, 'v');
    if (!store->Apply(w).ok()) std::abort();
  }
  store.reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_ApplyOneKey)->Unit(benchmark::kMicrosecond);

// A ~64 MiB store: 200k keys of 256 bytes in the key bucket; with `delete_half`, every other key
// deleted afterwards (free pages for defrag to drop).
std::unique_ptr<BoltStore> FillStore(const std::string& path, bool delete_half) {
  std::unique_ptr<BoltStore> store;
  BoltStoreOptions o;
  o.bolt.no_sync = true;  // setup only
  if (!BoltStore::Open(io::DefaultEnv(), path, o, &store).ok()) std::abort();
  constexpr uint64_t kKeys = 200000;
  for (uint64_t start = 0; start < kKeys; start += 10000) {
    WriteBatch w;
    if (start == 0) w.created_buckets = {"key"};
    for (uint64_t i = start; i < start + 10000; ++i) w.ops["key"][Key8(i)] = std::string(256, 'v');
    if (!store->Apply(w).ok()) std::abort();
  }
  if (delete_half) {
    WriteBatch d;
    for (uint64_t i = 0; i < kKeys; i += 2) d.ops["key"][Key8(i)] = std::nullopt;
    if (!store->Apply(d).ok()) std::abort();
  }
  return store;
}

void BM_SnapshotStream(benchmark::State& state) {
  const std::string dir = BenchDir("snap");
  std::unique_ptr<BoltStore> store = FillStore(dir + "/db", false);
  uint64_t bytes = 0;
  for (auto _ : state) {
    SnapshotStreamInfo info;
    Status s = StreamSnapshot(
        store.get(),
        [](std::string_view blob, uint64_t) {
          benchmark::DoNotOptimize(blob.data());
          return Status::Ok();
        },
        &info);
    if (!s.ok()) std::abort();
    bytes += info.db_bytes;
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  store.reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_SnapshotStream)->Unit(benchmark::kMillisecond);

void BM_Defragment(benchmark::State& state) {
  const std::string dir = BenchDir("defrag");
  for (auto _ : state) {
    state.PauseTiming();
    std::filesystem::remove(dir + "/db");
    std::unique_ptr<BoltStore> store = FillStore(dir + "/db", true);
    state.ResumeTiming();
    DefragResult r;
    if (!store->Defragment(&r).ok()) std::abort();
    state.counters["before_bytes"] = static_cast<double>(r.size_before_bytes);
    state.counters["after_bytes"] = static_cast<double>(r.size_after_bytes);
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_Defragment)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace cairn::backend

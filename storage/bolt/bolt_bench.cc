// Benchmarks for storage/bolt, the same workloads as `bbolt_oracle bench`
// (tests/bbolt_oracle/bench.go) so the two can be compared side by side:
//   keys:   100000 8-byte big-endian integers, sequential (0..N-1) or uniformly
//           random (seeded PRNG); one bucket "bench"; 256-byte random values
//   put_seq_batched / put_rand_batched: 1000 puts per committed tx, fresh file
//   get_rand:   100000 point gets, keys drawn uniformly with replacement, one read tx
//   scan:       one cursor pass over all keys of the sequential file
//   commit_latency: 1000 txs of one sequential put each, each timed
// Defaults as bbolt: 4096-byte pages, fill percent 0.5, fdatasync on every
// commit (two per commit). Files live in $BOLT_BENCH_DIR (default /var/tmp;
// must not be tmpfs for fdatasync to mean anything).
//
// Run: bazel run -c opt //storage/bolt:bolt_bench
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "storage/bolt/db.h"

namespace cairn::bolt {
namespace {

constexpr int kKeys = 100000;
constexpr int kValueBytes = 256;
constexpr int kBatch = 1000;
constexpr int kCommits = 1000;

std::string Dir() {
  const char* d = std::getenv("BOLT_BENCH_DIR");
  std::string dir = std::string(d != nullptr ? d : "/var/tmp") + "/cairn_bolt_bench";
  std::filesystem::create_directories(dir);
  return dir;
}

std::string Key(uint64_t n) {
  std::string k(8, '\0');
  for (int i = 0; i < 8; ++i) k[i] = static_cast<char>(n >> (56 - 8 * i));
  return k;
}

struct Data {
  std::string value;
  std::vector<std::string> seq_keys;
  std::vector<std::string> rand_keys;
  Data() {
    std::mt19937_64 rng(1);
    value.resize(kValueBytes);
    for (auto& c : value) c = static_cast<char>(rng());
    for (int i = 0; i < kKeys; ++i) seq_keys.push_back(Key(i));
    for (int i = 0; i < kKeys; ++i) rand_keys.push_back(Key(rng()));
  }
};

const Data& GetData() {
  static const Data* data = new Data();
  return *data;
}

std::unique_ptr<DB> OpenFresh(const std::string& path) {
  std::filesystem::remove(path);
  std::unique_ptr<DB> db;
  Status s = DB::Open(io::DefaultEnv(), path, Options(), &db);
  if (!s.ok()) std::abort();
  std::unique_ptr<Tx> tx;
  if (!db->Begin(true, &tx).ok() || !tx->CreateBucket("bench").ok() || !tx->Commit().ok()) std::abort();
  return db;
}

void PutBatched(benchmark::State& state, const std::vector<std::string>& keys, const std::string& path) {
  const Data& data = GetData();
  for (auto _ : state) {
    auto db = OpenFresh(path);
    auto start = std::chrono::steady_clock::now();
    for (size_t i = 0; i < keys.size(); i += kBatch) {
      std::unique_ptr<Tx> tx;
      if (!db->Begin(true, &tx).ok()) std::abort();
      Bucket* b = tx->Bucket("bench");
      for (size_t j = i; j < std::min(keys.size(), i + kBatch); ++j) {
        if (!b->Put(keys[j], data.value).ok()) std::abort();
      }
      if (!tx->Commit().ok()) std::abort();
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.SetIterationTime(secs);
    state.counters["ops_per_s"] = keys.size() / secs;
    state.counters["ns_per_op"] = secs * 1e9 / keys.size();
    state.counters["file_bytes"] = static_cast<double>(std::filesystem::file_size(path));
  }
}

void BM_PutSeqBatched(benchmark::State& state) { PutBatched(state, GetData().seq_keys, Dir() + "/seq.db"); }
void BM_PutRandBatched(benchmark::State& state) {
  PutBatched(state, GetData().rand_keys, Dir() + "/rand.db");
}

void BM_GetRand(benchmark::State& state) {
  const Data& data = GetData();
  std::string path = Dir() + "/rand.db";
  if (!std::filesystem::exists(path)) PutBatched(state, data.rand_keys, path);
  std::mt19937_64 rng(2);
  std::vector<int> order(kKeys);
  for (auto& i : order) i = static_cast<int>(rng() % kKeys);
  std::unique_ptr<DB> db;
  if (!DB::Open(io::DefaultEnv(), path, Options(), &db).ok()) std::abort();
  for (auto _ : state) {
    std::unique_ptr<Tx> tx;
    if (!db->Begin(false, &tx).ok()) std::abort();
    Bucket* b = tx->Bucket("bench");
    auto start = std::chrono::steady_clock::now();
    for (int i : order) {
      auto v = b->Get(data.rand_keys[i]);
      if (!v || v->size() != kValueBytes) std::abort();
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.SetIterationTime(secs);
    state.counters["ops_per_s"] = order.size() / secs;
    state.counters["ns_per_op"] = secs * 1e9 / order.size();
  }
}

void BM_Scan(benchmark::State& state) {
  std::string path = Dir() + "/seq.db";
  if (!std::filesystem::exists(path)) PutBatched(state, GetData().seq_keys, path);
  std::unique_ptr<DB> db;
  if (!DB::Open(io::DefaultEnv(), path, Options(), &db).ok()) std::abort();
  for (auto _ : state) {
    std::unique_ptr<Tx> tx;
    if (!db->Begin(false, &tx).ok()) std::abort();
    auto start = std::chrono::steady_clock::now();
    Cursor c = tx->Bucket("bench")->NewCursor();
    size_t n = 0, value_bytes = 0;
    for (bool ok = c.First(); ok; ok = c.Next()) {
      ++n;
      value_bytes += c.value().size();
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (n != kKeys || value_bytes != size_t{kKeys} * kValueBytes) std::abort();
    state.SetIterationTime(secs);
    state.counters["ops_per_s"] = n / secs;
    state.counters["ns_per_op"] = secs * 1e9 / n;
  }
}

void BM_CommitLatency(benchmark::State& state) {
  const Data& data = GetData();
  std::string path = Dir() + "/commit.db";
  for (auto _ : state) {
    auto db = OpenFresh(path);
    std::vector<double> lat_us;
    double total = 0;
    for (int i = 0; i < kCommits; ++i) {
      auto start = std::chrono::steady_clock::now();
      std::unique_ptr<Tx> tx;
      if (!db->Begin(true, &tx).ok()) std::abort();
      if (!tx->Bucket("bench")->Put(data.seq_keys[i], data.value).ok()) std::abort();
      if (!tx->Commit().ok()) std::abort();
      double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
      lat_us.push_back(us);
      total += us;
    }
    std::sort(lat_us.begin(), lat_us.end());
    state.SetIterationTime(total / 1e6);
    state.counters["mean_us"] = total / kCommits;
    state.counters["p50_us"] = lat_us[lat_us.size() / 2];
    state.counters["p99_us"] = lat_us[static_cast<size_t>(0.99 * (lat_us.size() - 1))];
    state.counters["max_us"] = lat_us.back();
    state.counters["file_bytes"] = static_cast<double>(std::filesystem::file_size(path));
  }
}

BENCHMARK(BM_PutSeqBatched)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PutRandBatched)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GetRand)->Iterations(3)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Scan)->Iterations(3)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CommitLatency)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace cairn::bolt

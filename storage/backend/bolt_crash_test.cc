// Crash points (CRAFT.md §7) of BoltStore under FaultEnv (storage/io/fault_env.h): a power loss at
// every mutating step of a sequence of Apply()s, and of a Defragment(), must leave a file that
// opens, passes Check, and holds exactly the batches whose Apply returned ok (Apply) or exactly
// the contents before the defrag (Defragment), with no temp file left after reopening.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "storage/backend/bolt_store.h"
#include "storage/backend/bolt_test_util.h"
#include "storage/bolt/dump.h"
#include "storage/io/fault_env.h"
#include "storage/io/no_sync_env.h"

namespace cairn::backend {
namespace {

constexpr int kBatches = 6;

// Batch i of a deterministic sequence: bucket creates, revision-like appends, overwrites of
// large values (overflow pages), deletes.
WriteBatch MakeBatch(int i) {
  std::mt19937_64 rng(1000 + i);
  WriteBatch b;
  if (i == 0) b.created_buckets = {"key", "meta", "lease"};
  if (i == 3) b.created_buckets = {"members"};
  for (int n = 0; n < 150; ++n) {
    char rev[32];
    std::snprintf(rev, sizeof rev, "%016d_%d", i * 1000 + n, 0);
    b.ops["key"][rev] = std::string(rng() % 300, static_cast<char>('a' + n % 26));
  }
  b.ops["meta"]["consistent_index"] = std::to_string(i);
  b.ops["lease"]["l" + std::to_string(rng() % 5)] = std::string(5000 + rng() % 5000, 'L');
  if (i > 0) b.ops["lease"]["l" + std::to_string(rng() % 5)] = std::nullopt;
  if (i > 1) {
    for (int n = 0; n < 100; ++n) {
      char rev[32];
      std::snprintf(rev, sizeof rev, "%016d_%d", (i - 2) * 1000 + n, 0);
      b.ops["key"][rev] = std::nullopt;
    }
  }
  if (i >= 3) b.ops["members"]["m" + std::to_string(i)] = "peer";
  return b;
}

BoltStoreOptions SyncedOptions() { return BoltStoreOptions{}; }  // no_sync = false: FaultEnv sees Syncs

// Applies batches until one fails; returns how many succeeded.
int RunBatches(io::Env* env, const std::string& path) {
  std::unique_ptr<BoltStore> store;
  if (!BoltStore::Open(env, path, SyncedOptions(), &store).ok()) return 0;
  for (int i = 0; i < kBatches; ++i) {
    if (!store->Apply(MakeBatch(i)).ok()) return i;
  }
  return kBatches;
}

std::string DumpFile(const std::string& path) {
  std::unique_ptr<bolt::DB> db;
  bolt::Options o;
  o.no_sync = true;
  Status s = bolt::DB::Open(io::DefaultEnv(), path, o, &db);
  if (!s.ok()) return "open failed: " + s.ToString();
  s = db->Check();
  if (!s.ok()) return "check failed: " + s.ToString();
  return bolt::Dump(db.get());
}

TEST(BoltCrashTest, EveryStepOfApplyRecoversToLastAppliedBatch) {
  const std::string dir = testing::TempDir("crash_apply");
  io::NoSyncEnv no_sync;
  std::vector<std::string> expected;  // expected[n]: the file after n batches
  uint64_t total_steps = 0;
  {
    const std::string ref = dir + "/ref";
    std::unique_ptr<BoltStore> store;
    io::FaultEnv env(&no_sync);
    ASSERT_TRUE(BoltStore::Open(&env, ref, SyncedOptions(), &store).ok());
    store.reset();
    expected.push_back(DumpFile(ref));
    ASSERT_TRUE(BoltStore::Open(&env, ref, SyncedOptions(), &store).ok());
    for (int i = 0; i < kBatches; ++i) {
      ASSERT_TRUE(store->Apply(MakeBatch(i)).ok());
      expected.push_back(DumpFile(ref));
    }
    store.reset();
    total_steps = env.steps();
  }
  std::printf("%d batches take %llu steps\n", kBatches, static_cast<unsigned long long>(total_steps));
  int unopenable = 0;
  for (uint64_t step = 1; step <= total_steps + 1; ++step) {
    const std::string path = dir + "/db" + std::to_string(step);
    int done = 0;
    {
      io::FaultEnv env(&no_sync);
      env.SetCrashAtStep(step);
      done = RunBatches(&env, path);
      ASSERT_TRUE(env.Crash().ok());
    }
    if (step > total_steps) {
      ASSERT_EQ(done, kBatches);
    }
    if (done == 0 && !std::filesystem::exists(path)) {
      ++unopenable;  // crashed while creating the file
      continue;
    }
    std::unique_ptr<BoltStore> store;
    BoltStoreOptions reopen;
    reopen.bolt.no_sync = true;
    Status s = BoltStore::Open(io::DefaultEnv(), path, reopen, &store);
    if (done == 0 && !s.ok()) {
      ++unopenable;  // a new file whose first metas never became durable
      continue;
    }
    ASSERT_TRUE(s.ok()) << "step " << step << ": " << s.ToString();
    store.reset();
    ASSERT_EQ(DumpFile(path), expected[done]) << "step " << step << " after " << done << " batches";
    // The recovered file takes the next batch.
    ASSERT_TRUE(BoltStore::Open(io::DefaultEnv(), path, reopen, &store).ok());
    if (done < kBatches) {
      ASSERT_TRUE(store->Apply(MakeBatch(done)).ok()) << "step " << step;
    }
    store.reset();
    std::filesystem::remove(path);
  }
  EXPECT_LE(unopenable, 3);  // only crashes inside the creation of the empty file
}

TEST(BoltCrashTest, EveryStepOfDefragmentKeepsTheContents) {
  const std::string dir = testing::TempDir("crash_defrag");
  const std::string base = dir + "/base";
  {
    std::unique_ptr<BoltStore> store;
    ASSERT_TRUE(BoltStore::Open(io::DefaultEnv(), base, SyncedOptions(), &store).ok());
    for (int i = 0; i < kBatches; ++i) ASSERT_TRUE(store->Apply(MakeBatch(i)).ok());
  }
  const std::string want = DumpFile(base);
  io::NoSyncEnv no_sync;
  bool finished = false;
  uint64_t step = 1;
  for (; !finished; ++step) {
    ASSERT_LT(step, 10000u);
    const std::string path = dir + "/db" + std::to_string(step);
    std::filesystem::copy_file(base, path);
    {
      io::FaultEnv env(&no_sync);
      std::unique_ptr<BoltStore> store;
      ASSERT_TRUE(BoltStore::Open(&env, path, SyncedOptions(), &store).ok());
      std::unique_ptr<ReadView> reader = store->Snapshot();  // a reader across the defrag
      env.SetCrashAtStep(env.steps() + step);
      DefragResult r;
      Status s = store->Defragment(&r);
      finished = s.ok() && !env.crashed();
      if (finished) {
        EXPECT_LT(r.size_after_bytes, r.size_before_bytes);
      }
      std::string_view v;
      ASSERT_TRUE(reader->UnsafeGet("meta", "consistent_index", &v));
      EXPECT_EQ(v, std::to_string(kBatches - 1));
      reader.reset();
      store.reset();
      ASSERT_TRUE(env.Crash().ok());
    }
    ASSERT_EQ(DumpFile(path), want) << "step " << step;
    std::unique_ptr<BoltStore> store;
    BoltStoreOptions reopen;
    reopen.bolt.no_sync = true;
    Status s = BoltStore::Open(io::DefaultEnv(), path, reopen, &store);
    ASSERT_TRUE(s.ok()) << "step " << step << ": " << s.ToString();
    EXPECT_FALSE(std::filesystem::exists(store->temp_path())) << "step " << step;
    ASSERT_TRUE(store->Apply(MakeBatch(1)).ok());
    store.reset();
    std::filesystem::remove(path);
  }
  std::printf("defrag takes %llu steps\n", static_cast<unsigned long long>(step - 2));
  EXPECT_GT(step, 3u);
}

}  // namespace
}  // namespace cairn::backend

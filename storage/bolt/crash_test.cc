// Crash safety: for a workload of several commits, crash at every mutating
// file step (each WriteAt / Sync / Truncate / Allocate) and require the file to
// reopen, with the real Env, to exactly the last committed transaction and to
// pass Check (docs/bolt_format.md "Commit order").
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/bolt/db.h"
#include "storage/bolt/dump.h"
#include "storage/bolt/test_util.h"
#include "storage/io/fault_env.h"
#include "storage/io/no_sync_env.h"

namespace cairn::bolt {
namespace {

using testing::DumpModel;
using testing::RandomWorkload;
using testing::TempDir;

constexpr int kCommits = 10;

constexpr uint64_t kSeed = 77;

// Runs the workload through env until it fails or finishes. Returns the
// number of transactions run to completion and the model dump after each.
int RunWorkload(io::Env* env, const std::string& path, std::vector<std::string>* dumps) {
  std::unique_ptr<DB> db;
  if (!DB::Open(env, path, Options(), &db).ok()) return 0;
  RandomWorkload work(kSeed);
  dumps->assign(1, DumpModel(work.model()));
  for (int i = 0; i < kCommits; ++i) {
    if (!work.RunTx(db.get(), i % 3 == 0 ? 300 : 30).ok()) return i;
    dumps->push_back(DumpModel(work.model()));
  }
  return kCommits;
}

TEST(CrashTest, EveryStepOfEveryCommitRecoversToLastCommit) {
  std::string dir = TempDir("crash");
  io::NoSyncEnv no_sync_env;
  // A reference run without crashes: how many steps the workload takes.
  uint64_t total_steps = 0;
  std::vector<std::string> expected;
  {
    io::FaultEnv env(&no_sync_env);
    ASSERT_EQ(RunWorkload(&env, dir + "/ref", &expected), kCommits);
    total_steps = env.steps();
  }
  ASSERT_GT(total_steps, uint64_t{kCommits});
  std::printf("workload takes %llu steps\n", static_cast<unsigned long long>(total_steps));
  for (uint64_t step = 1; step <= total_steps + 1; ++step) {
    std::string path = dir + "/db" + std::to_string(step);
    std::vector<std::string> dumps;
    int done = 0;
    {
      io::FaultEnv env(&no_sync_env);
      env.SetCrashAtStep(step);
      done = RunWorkload(&env, path, &dumps);
      ASSERT_TRUE(env.Crash().ok());
    }
    std::unique_ptr<DB> db;
    Options reopen;
    reopen.no_sync = true;  // the commit after recovery only has to work
    Status s = DB::Open(io::DefaultEnv(), path, reopen, &db);
    ASSERT_TRUE(s.ok()) << "step " << step << ": " << s.ToString();
    s = db->Check();
    ASSERT_TRUE(s.ok()) << "step " << step << ": " << s.ToString();
    ASSERT_FALSE(dumps.empty() && done > 0 && dumps.size() != static_cast<size_t>(done) + 1);
    std::string want = dumps.empty() ? "" : dumps[done];
    ASSERT_EQ(Dump(db.get()), want) << "step " << step << " after " << done << " transactions";
    if (step > total_steps) {
      ASSERT_EQ(done, kCommits);
    }
    // The recovered file must take new commits.
    std::unique_ptr<Tx> tx;
    ASSERT_TRUE(db->Begin(true, &tx).ok());
    ASSERT_TRUE(tx->CreateBucketIfNotExists("after").ok());
    ASSERT_TRUE(tx->Commit().ok());
    ASSERT_TRUE(db->Check().ok());
    db.reset();
    std::filesystem::remove(path);
  }
}

}  // namespace
}  // namespace cairn::bolt

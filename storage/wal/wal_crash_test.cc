// Crash safety through storage/io's FaultEnv: a crash at any mutating step
// loses only unacknowledged batches, and the WAL always reopens.
#include <gtest/gtest.h>

#include <algorithm>
#include <string_view>

#include "storage/io/fault_env.h"
#include "storage/wal/log_state.h"
#include "storage/wal/segment.h"
#include "storage/wal/test_util.h"
#include "storage/wal/wal.h"

namespace cairn::wal {
namespace {

using testing::EntriesBatch;

constexpr uint64_t kTestSegmentBytes = 64 * 1024;

Options FaultOptions(io::Env* env) {
  Options options;
  options.env = env;
  options.segment_bytes = kTestSegmentBytes;
  options.use_io_uring = false;               // the fallback goes through the Env, so FaultEnv sees it
  options.preallocate_in_background = false;  // deterministic step numbers
  options.log = [](std::string_view) {};
  return options;
}

// ~2 KiB entries in 64 KiB segments: several cuts, an overwrite that reaches
// into an older segment, hard states and a snapshot marker.
std::vector<Batch> Workload() {
  std::vector<Batch> batches;
  uint64_t next = 1;
  for (int i = 0; i < 30; ++i) {
    Batch batch = EntriesBatch(next, next + 2, 1, 2000);
    next += 3;
    if (i % 4 == 0) batch.hard_state = HardState{1, 1, next - 1};
    batches.push_back(std::move(batch));
  }
  batches.push_back(EntriesBatch(next - 40, next - 38, 2, 2000));  // conflict overwrite
  next = next - 37;
  Batch snapshot;
  snapshot.snapshot = SnapshotMarker{next + 10, 2};
  snapshot.hard_state = HardState{2, 1, next + 10};
  batches.push_back(snapshot);
  next += 11;
  for (int i = 0; i < 6; ++i) {
    batches.push_back(EntriesBatch(next, next + 1, 2, 2000));
    next += 2;
  }
  return batches;
}

ReplayResult Model(const std::vector<Batch>& batches, size_t acknowledged) {
  LogState state(0, 1);
  for (size_t i = 0; i < acknowledged; ++i) EXPECT_TRUE(state.ApplyBatch(batches[i]).ok());
  ReplayResult result;
  result.snapshot = state.snapshot();
  result.hard_state = state.hard_state();
  result.entries = state.entries();
  result.last_index = state.last_index();
  return result;
}

void ExpectSameLog(const ReplayResult& got, const ReplayResult& want, const std::string& context) {
  EXPECT_EQ(got.snapshot, want.snapshot) << context;
  EXPECT_EQ(got.hard_state, want.hard_state) << context;
  EXPECT_EQ(got.last_index, want.last_index) << context;
  ASSERT_EQ(got.entries.size(), want.entries.size()) << context;
  for (size_t i = 0; i < got.entries.size(); ++i) ASSERT_EQ(got.entries[i], want.entries[i]) << context;
}

// Runs the workload until the first failure; returns how many batches were acknowledged.
size_t RunUntilCrash(io::FaultEnv* env, const std::string& dir, const std::vector<Batch>& batches) {
  std::unique_ptr<Wal> wal;
  if (!Wal::Open(dir, FaultOptions(env), &wal).ok()) return 0;
  size_t acknowledged = 0;
  for (const Batch& batch : batches) {
    Status s = wal->Append(batch);
    if (!s.ok()) {
      EXPECT_TRUE(s.IsIOError()) << s.ToString();
      // The WAL refuses to continue after an I/O error (state on disk unknown).
      EXPECT_TRUE(wal->Append(Batch{}).IsIOError());
      break;
    }
    ++acknowledged;
  }
  return acknowledged;
}

std::string FileContents(const std::string& path) {
  std::vector<char> bytes = testing::ReadFile(path);
  return std::string(bytes.begin(), bytes.end());
}

TEST(WalCrashTest, CrashBetweenWriteAndFdatasyncLosesOnlyThatBatch) {
  const std::string dir = testing::ScratchDir(testing::TestName());
  io::FaultEnv env(testing::NoSync());
  std::unique_ptr<Wal> wal;
  ASSERT_TRUE(Wal::Open(dir, FaultOptions(&env), &wal).ok());
  Batch first = EntriesBatch(1, 2, 1);
  ASSERT_TRUE(wal->Append(first).ok());
  // Next steps: 1. WriteAt of the batch, 2. Sync. Crash at the Sync.
  env.SetCrashAtStep(env.steps() + 2);
  Batch second = EntriesBatch(3, 3, 1);
  second.entries[0].data = "UNSYNCED-RECORD-PAYLOAD";
  EXPECT_TRUE(wal->Append(second).IsIOError());
  const std::string segment = dir + "/" + SegmentFileName(0, 1);
  // The write did reach the file (page cache) before the crash...
  EXPECT_NE(FileContents(segment).find("UNSYNCED-RECORD-PAYLOAD"), std::string::npos);
  wal.reset();
  ASSERT_TRUE(env.Crash().ok());
  // ...and the power loss took it away again.
  EXPECT_EQ(FileContents(segment).find("UNSYNCED-RECORD-PAYLOAD"), std::string::npos);

  Options options = FaultOptions(testing::NoSync());
  ASSERT_TRUE(Wal::Open(dir, options, &wal).ok());
  ReplayResult result;
  ASSERT_TRUE(wal->Replay(1, &result).ok());
  ExpectSameLog(result, Model({first}, 1), "after crash");
}

TEST(WalCrashTest, CrashAtEveryStepKeepsAcknowledgedBatches) {
  const std::vector<Batch> batches = Workload();
  // A clean run counts the steps and proves the workload is valid.
  uint64_t total_steps = 0;
  {
    const std::string dir = testing::ScratchDir(testing::TestName() + "_clean");
    io::FaultEnv env(testing::NoSync());
    ASSERT_EQ(RunUntilCrash(&env, dir, batches), batches.size());
    total_steps = env.steps();
    std::unique_ptr<Wal> wal;
    ASSERT_TRUE(Wal::Open(dir, FaultOptions(testing::NoSync()), &wal).ok());
    ASSERT_GE(wal->segment_files().size(), 3u) << "the workload should cut segments";
  }
  ASSERT_GT(total_steps, batches.size() * 2);

  for (uint64_t crash_at = 1; crash_at <= total_steps; ++crash_at) {
    const std::string context = "crash at step " + std::to_string(crash_at);
    const std::string dir = testing::ScratchDir(testing::TestName());
    io::FaultEnv env(testing::NoSync());
    env.SetCrashAtStep(crash_at);
    const size_t acknowledged = RunUntilCrash(&env, dir, batches);
    ASSERT_TRUE(env.crashed()) << context;
    ASSERT_TRUE(env.Crash().ok()) << context;

    std::unique_ptr<Wal> wal;
    Status s = Wal::Open(dir, FaultOptions(testing::NoSync()), &wal);
    ASSERT_TRUE(s.ok()) << context << ": " << s.ToString();
    ReplayResult result;
    ASSERT_TRUE(wal->Replay(1, &result).ok()) << context;
    ExpectSameLog(result, Model(batches, acknowledged), context);
    // And the recovered WAL takes the rest of the workload.
    for (size_t i = acknowledged; i < batches.size(); ++i) {
      ASSERT_TRUE(wal->Append(batches[i]).ok()) << context << ", batch " << i;
    }
    wal.reset();
    ASSERT_TRUE(Wal::Open(dir, FaultOptions(testing::NoSync()), &wal).ok()) << context;
    ASSERT_TRUE(wal->Replay(1, &result).ok()) << context;
    ExpectSameLog(result, Model(batches, batches.size()), context + ", completed");
  }
}

}  // namespace
}  // namespace cairn::wal

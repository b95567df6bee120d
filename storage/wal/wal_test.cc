// Wal behaviour on a healthy disk: append, replay, overwrite, cut, release,
// group commit, and both I/O paths.
#include "storage/wal/wal.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "storage/wal/segment.h"
#include "storage/wal/test_util.h"

namespace cairn::wal {
namespace {

using testing::EntriesBatch;
using testing::MakeEntry;

constexpr uint64_t kTestSegmentBytes = 64 * 1024;

// Runs each test on both I/O paths.
class WalTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override { dir_ = testing::ScratchDir(testing::TestName()); }

  Options MakeOptions() {
    Options options;
    options.segment_bytes = kTestSegmentBytes;
    options.use_io_uring = GetParam();
    options.io_uring_min_group_bytes = 0;  // every group through the chosen path (adaptive: io_path_test)
    options.log = [this](std::string_view line) { log_.emplace_back(line); };
    return options;
  }

  std::unique_ptr<Wal> OpenWal() {
    std::unique_ptr<Wal> wal;
    Status s = Wal::Open(dir_, MakeOptions(), &wal);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return wal;
  }

  ReplayResult ReplayAll(Wal& wal, uint64_t from = 1) {
    ReplayResult result;
    Status s = wal.Replay(from, &result);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return result;
  }

  std::string dir_;
  std::vector<std::string> log_;
};

TEST_P(WalTest, ReportsTheActiveIoPath) {
  auto wal = OpenWal();
  std::unique_ptr<IoBackend> probe;
  const bool uring_available = NewIoUringBackend(&probe).ok();
  const IoPath expected = GetParam() && uring_available ? IoPath::kIoUring : IoPath::kPwriteFsync;
  EXPECT_EQ(wal->io_path(), expected);
  bool logged = false;
  for (const std::string& line : log_) {
    if (line.find("using " + std::string(IoPathName(expected))) != std::string::npos) logged = true;
  }
  EXPECT_TRUE(logged);
}

TEST_P(WalTest, FreshDirectoryGetsFirstSegment) {
  auto wal = OpenWal();
  EXPECT_EQ(wal->segment_files(), std::vector<std::string>{"0000000000000000-0000000000000001.wal"});
  EXPECT_EQ(wal->last_index(), 0u);
  ReplayResult result = ReplayAll(*wal);
  EXPECT_TRUE(result.entries.empty());
  EXPECT_FALSE(result.hard_state);
  EXPECT_FALSE(result.snapshot);
}

TEST_P(WalTest, AppendIsReplayedAfterReopen) {
  {
    auto wal = OpenWal();
    Batch batch = EntriesBatch(1, 3, 1);
    batch.hard_state = HardState{1, 2, 3};
    ASSERT_TRUE(wal->Append(batch).ok());
    ASSERT_TRUE(wal->Append(EntriesBatch(4, 4, 1)).ok());
    EXPECT_EQ(wal->last_index(), 4u);
  }
  auto wal = OpenWal();
  EXPECT_FALSE(wal->torn_tail());
  ReplayResult result = ReplayAll(*wal);
  ASSERT_EQ(result.entries.size(), 4u);
  for (uint64_t i = 1; i <= 4; ++i) EXPECT_EQ(result.entries[i - 1], MakeEntry(i, 1));
  EXPECT_EQ(result.hard_state, (HardState{1, 2, 3}));
  EXPECT_EQ(result.last_index, 4u);
  // Appending continues where the log ended.
  ASSERT_TRUE(wal->Append(EntriesBatch(5, 5, 2)).ok());
  EXPECT_EQ(ReplayAll(*wal).entries.back(), MakeEntry(5, 2));
}

TEST_P(WalTest, PreallocatedZerosAreTheEndOfLog) {
  {
    auto wal = OpenWal();
    ASSERT_TRUE(wal->Append(EntriesBatch(1, 2, 1)).ok());
  }
  const std::string first = dir_ + "/" + SegmentFileName(0, 1);
  EXPECT_EQ(std::filesystem::file_size(first), kTestSegmentBytes);  // fallocated, zero-filled
  EXPECT_EQ(std::filesystem::file_size(dir_ + "/segment.tmp"), kTestSegmentBytes);
  auto wal = OpenWal();
  EXPECT_FALSE(wal->torn_tail());
  EXPECT_EQ(ReplayAll(*wal).entries.size(), 2u);
}

TEST_P(WalTest, RaftConflictOverwrite) {
  auto wal = OpenWal();
  ASSERT_TRUE(wal->Append(EntriesBatch(1, 10, 1)).ok());
  // A new leader's entries replace 5..10.
  ASSERT_TRUE(wal->Append(EntriesBatch(5, 7, 2)).ok());
  EXPECT_EQ(wal->last_index(), 7u);
  auto check = [&](Wal& w) {
    ReplayResult result = ReplayAll(w);
    ASSERT_EQ(result.entries.size(), 7u);
    for (uint64_t i = 1; i <= 7; ++i) EXPECT_EQ(result.entries[i - 1], MakeEntry(i, i < 5 ? 1 : 2)) << i;
    EXPECT_EQ(result.last_index, 7u);
  };
  check(*wal);
  wal.reset();
  wal = OpenWal();
  check(*wal);
  // Overwriting the whole log from index 1.
  ASSERT_TRUE(wal->Append(EntriesBatch(1, 1, 3)).ok());
  ReplayResult result = ReplayAll(*wal);
  ASSERT_EQ(result.entries.size(), 1u);
  EXPECT_EQ(result.entries[0], MakeEntry(1, 3));
}

TEST_P(WalTest, GapIsRejectedAndWritesNothing) {
  auto wal = OpenWal();
  ASSERT_TRUE(wal->Append(EntriesBatch(1, 3, 1)).ok());
  Status s = wal->Append(EntriesBatch(5, 6, 1));
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << s.ToString();
  EXPECT_EQ(wal->Append(EntriesBatch(0, 0, 1)).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(wal->last_index(), 3u);
  ASSERT_TRUE(wal->Append(EntriesBatch(4, 4, 1)).ok());  // still usable
  wal.reset();
  wal = OpenWal();
  EXPECT_EQ(ReplayAll(*wal).entries.size(), 4u);
}

TEST_P(WalTest, SnapshotMarkerPastTheEndResetsTheLog) {
  auto wal = OpenWal();
  ASSERT_TRUE(wal->Append(EntriesBatch(1, 3, 1)).ok());
  Batch batch;
  batch.snapshot = SnapshotMarker{100, 4};
  batch.hard_state = HardState{4, 0, 100};
  ASSERT_TRUE(wal->Append(batch).ok());
  EXPECT_EQ(wal->last_index(), 100u);
  ASSERT_TRUE(wal->Append(EntriesBatch(101, 102, 4)).ok());
  wal.reset();
  wal = OpenWal();
  ReplayResult result = ReplayAll(*wal);
  EXPECT_EQ(result.snapshot, (SnapshotMarker{100, 4}));
  EXPECT_EQ(result.hard_state, (HardState{4, 0, 100}));
  ASSERT_EQ(result.entries.size(), 2u);
  EXPECT_EQ(result.entries[0].index, 101u);
}

TEST_P(WalTest, ReplayFromIndex) {
  auto wal = OpenWal();
  ASSERT_TRUE(wal->Append(EntriesBatch(1, 20, 1)).ok());
  ReplayResult result = ReplayAll(*wal, 15);
  ASSERT_EQ(result.entries.size(), 6u);
  EXPECT_EQ(result.entries.front(), MakeEntry(15, 1));
  EXPECT_EQ(result.entries.back(), MakeEntry(20, 1));
  EXPECT_TRUE(ReplayAll(*wal, 21).entries.empty());
  EXPECT_EQ(ReplayAll(*wal, 21).last_index, 20u);
}

TEST_P(WalTest, SegmentsAreCutAndReleased) {
  auto wal = OpenWal();
  // ~1 KiB entries, 64 KiB segments: about 60 entries per segment.
  for (uint64_t i = 1; i <= 300; i += 10) {
    Batch batch = EntriesBatch(i, i + 9, 1, 1000);
    batch.hard_state = HardState{1, 1, i};
    ASSERT_TRUE(wal->Append(batch).ok());
  }
  // Overwrite across a segment boundary so replay must read an older segment.
  ASSERT_TRUE(wal->Append(EntriesBatch(250, 255, 2, 1000)).ok());
  std::vector<std::string> files = wal->segment_files();
  ASSERT_GE(files.size(), 4u);
  uint64_t previous_first = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    uint64_t seq = 0;
    uint64_t first = 0;
    ASSERT_TRUE(ParseSegmentFileName(files[i], &seq, &first)) << files[i];
    EXPECT_EQ(seq, i);
    EXPECT_GT(first, previous_first);
    previous_first = first;
    if (i + 1 < files.size()) {
      EXPECT_LE(std::filesystem::file_size(dir_ + "/" + files[i]), kTestSegmentBytes);
    }
  }
  ReplayResult all = ReplayAll(*wal);
  ASSERT_EQ(all.entries.size(), 255u);
  EXPECT_EQ(all.entries[248], MakeEntry(249, 1, 1000));
  EXPECT_EQ(all.entries[249], MakeEntry(250, 2, 1000));

  ASSERT_TRUE(wal->ReleaseBefore(200).ok());
  std::vector<std::string> kept = wal->segment_files();
  EXPECT_LT(kept.size(), files.size());
  EXPECT_EQ(kept.back(), files.back());
  for (size_t i = 0; i < files.size() - kept.size(); ++i) {
    EXPECT_FALSE(std::filesystem::exists(dir_ + "/" + files[i])) << files[i];
  }
  // What replay after a snapshot at 199 needs survives, hard state included.
  auto check = [&](Wal& w) {
    ReplayResult tail = ReplayAll(w, 200);
    ASSERT_EQ(tail.entries.size(), 56u);
    EXPECT_EQ(tail.entries.front(), MakeEntry(200, 1, 1000));
    EXPECT_EQ(tail.entries.back(), MakeEntry(255, 2, 1000));
    EXPECT_EQ(tail.hard_state, (HardState{1, 1, 291}));
    ReplayResult ignored;
    EXPECT_TRUE(w.Replay(1, &ignored).IsNotFound());
  };
  check(*wal);
  wal.reset();
  wal = OpenWal();
  check(*wal);
  EXPECT_EQ(wal->segment_files(), kept);
}

TEST_P(WalTest, OversizedBatchGetsItsOwnSegment) {
  auto wal = OpenWal();
  ASSERT_TRUE(wal->Append(EntriesBatch(1, 1, 1)).ok());
  ASSERT_TRUE(wal->Append(EntriesBatch(2, 2, 1, 3 * kTestSegmentBytes)).ok());
  ASSERT_TRUE(wal->Append(EntriesBatch(3, 3, 1)).ok());
  EXPECT_EQ(wal->segment_files().size(), 3u);
  wal.reset();
  wal = OpenWal();
  ReplayResult result = ReplayAll(*wal);
  ASSERT_EQ(result.entries.size(), 3u);
  EXPECT_EQ(result.entries[1], MakeEntry(2, 1, 3 * kTestSegmentBytes));
}

TEST_P(WalTest, ConcurrentAppendsAreGroupCommitted) {
  constexpr int kThreads = 8;
  constexpr int kAppendsPerThread = 20;
  std::atomic<int> syncs{0};
  std::atomic<int> started{0};
  Options options = MakeOptions();
  // Hold the first group's leader until every thread has queued once, so
  // the rest must coalesce behind it.
  options.on_sync = [&](std::chrono::nanoseconds) {
    if (syncs.fetch_add(1) == 0) {
      while (started.load() < kThreads) std::this_thread::yield();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  };
  std::unique_ptr<Wal> wal;
  ASSERT_TRUE(Wal::Open(dir_, options, &wal).ok());
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAppendsPerThread; ++i) {
        Batch batch;
        batch.hard_state = HardState{static_cast<uint64_t>(t), 0, static_cast<uint64_t>(i)};
        if (i == 0) started.fetch_add(1);
        if (!wal->Append(batch).ok()) failures.fetch_add(1);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_LT(syncs.load(), kThreads * kAppendsPerThread);
  EXPECT_EQ(wal->stats().batches, uint64_t{kThreads * kAppendsPerThread});
  EXPECT_EQ(wal->stats().groups, static_cast<uint64_t>(syncs.load()));
  // The newest hard state is some thread's last one.
  ReplayResult result = ReplayAll(*wal);
  ASSERT_TRUE(result.hard_state);
  EXPECT_EQ(result.hard_state->commit, uint64_t{kAppendsPerThread - 1});
}

TEST_P(WalTest, AsyncAppendsCompleteInOrderAndAreDurable) {
  constexpr uint64_t kBatches = 200;
  std::mutex mu;
  std::condition_variable cv;
  std::vector<uint64_t> completed;
  std::vector<Status> statuses;
  {
    auto wal = OpenWal();
    for (uint64_t i = 1; i <= kBatches; ++i) {
      wal->AppendAsync(EntriesBatch(i, i, 1), [&, i](Status s) {
        std::lock_guard lock(mu);
        completed.push_back(i);
        statuses.push_back(s);
        cv.notify_all();
      });
    }
    // A gap is refused through the callback, not by the WAL failing.
    wal->AppendAsync(EntriesBatch(kBatches + 5, kBatches + 5, 1), [&](Status s) {
      std::lock_guard lock(mu);
      completed.push_back(0);
      statuses.push_back(s);
      cv.notify_all();
    });
    // A synchronous append queued behind them is durable after them.
    ASSERT_TRUE(wal->Append(EntriesBatch(kBatches + 1, kBatches + 1, 1)).ok());
    EXPECT_EQ(wal->last_index(), kBatches + 1);
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return completed.size() == kBatches + 1; });
  }
  for (uint64_t i = 0; i < kBatches; ++i) {
    EXPECT_EQ(completed[i], i + 1);
    EXPECT_TRUE(statuses[i].ok()) << statuses[i].ToString();
  }
  EXPECT_EQ(statuses.back().code(), Status::Code::kInvalidArgument);
  auto wal = OpenWal();
  ReplayResult result = ReplayAll(*wal);
  ASSERT_EQ(result.entries.size(), kBatches + 1);
  EXPECT_EQ(result.entries.back(), MakeEntry(kBatches + 1, 1));
}

TEST_P(WalTest, DestructionWaitsForQueuedAsyncAppends) {
  std::atomic<int> done{0};
  {
    auto wal = OpenWal();
    for (uint64_t i = 1; i <= 50; ++i) {
      wal->AppendAsync(EntriesBatch(i, i, 1), [&](Status s) {
        if (s.ok()) done.fetch_add(1);
      });
    }
  }
  EXPECT_EQ(done.load(), 50);
  auto wal = OpenWal();
  EXPECT_EQ(wal->last_index(), 50u);
}

INSTANTIATE_TEST_SUITE_P(IoPaths, WalTest, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "IoUring" : "PwriteFallback"; });

}  // namespace
}  // namespace cairn::wal

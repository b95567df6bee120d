// The adaptive I/O path (issue 6): pwrite+fdatasync for small groups,
// io_uring for large ones. Whatever path a group takes, the segments hold the
// same bytes and errors come back the same way.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "storage/io/file.h"
#include "storage/wal/io_backend.h"
#include "storage/wal/test_util.h"
#include "storage/wal/wal.h"

namespace cairn::wal {
namespace {

using testing::EntriesBatch;

constexpr uint64_t kTestSegmentBytes = 32 * 1024;
// Between the small and the large batches of Workload(), so an adaptive WAL
// uses both paths.
constexpr uint64_t kTestMinGroupBytes = 4096;

bool IoUringAvailable() {
  std::unique_ptr<IoBackend> probe;
  return NewIoUringBackend(&probe).ok();
}

// Batches of 1 entry (~250 B) and of 24 entries (~6 KiB), cuts, hard states,
// a conflict overwrite and a snapshot marker.
std::vector<Batch> Workload() {
  std::vector<Batch> batches;
  uint64_t next = 1;
  for (int i = 0; i < 40; ++i) {
    const uint64_t count = i % 3 == 0 ? 24 : 1;
    Batch batch = EntriesBatch(next, next + count - 1, 1, 200);
    next += count;
    if (i % 2 == 0) batch.hard_state = HardState{1, 1, next - 1};
    batches.push_back(std::move(batch));
  }
  batches.push_back(EntriesBatch(next - 30, next - 28, 2, 200));  // conflict overwrite
  next -= 27;
  Batch snapshot;
  snapshot.snapshot = SnapshotMarker{next + 5, 2};
  snapshot.hard_state = HardState{2, 1, next + 5};
  batches.push_back(snapshot);
  next += 6;
  batches.push_back(EntriesBatch(next, next + 23, 2, 200));
  batches.push_back(EntriesBatch(next + 24, next + 24, 2, 200));
  return batches;
}

struct Config {
  const char* name;
  bool use_io_uring;
  uint64_t min_group_bytes;
};
const Config kPwrite{"pwrite", false, 0};
const Config kIoUring{"io_uring", true, 0};
const Config kAdaptive{"adaptive", true, kTestMinGroupBytes};

Options MakeOptions(const Config& config) {
  Options options;
  options.segment_bytes = kTestSegmentBytes;
  options.use_io_uring = config.use_io_uring;
  options.io_uring_min_group_bytes = config.min_group_bytes;
  options.preallocate_in_background = false;
  options.log = [](std::string_view) {};
  return options;
}

// File name -> contents of every file in `dir`.
std::map<std::string, std::vector<char>> DirContents(const std::string& dir) {
  std::map<std::string, std::vector<char>> contents;
  for (const auto& file : std::filesystem::directory_iterator(dir)) {
    contents[file.path().filename().string()] = testing::ReadFile(file.path().string());
  }
  return contents;
}

TEST(IoPathTest, AllPathsWriteByteIdenticalSegments) {
  const std::vector<Batch> batches = Workload();
  std::map<std::string, std::map<std::string, std::vector<char>>> by_config;
  for (const Config& config : {kPwrite, kIoUring, kAdaptive}) {
    const std::string dir = testing::ScratchDir(testing::TestName() + "_" + config.name);
    std::unique_ptr<Wal> wal;
    ASSERT_TRUE(Wal::Open(dir, MakeOptions(config), &wal).ok());
    for (const Batch& batch : batches) ASSERT_TRUE(wal->Append(batch).ok()) << config.name;
    const Wal::Stats stats = wal->stats();
    EXPECT_EQ(stats.groups, batches.size());
    if (!config.use_io_uring || !IoUringAvailable()) {
      EXPECT_EQ(stats.io_uring_writes, 0u) << config.name;
    } else if (config.min_group_bytes == 0) {
      EXPECT_GE(stats.io_uring_writes, stats.groups) << config.name;  // groups + segment heads
    } else {
      // Both paths were taken: the 24-entry groups (15 of them) by io_uring, the rest by pwrite.
      EXPECT_EQ(stats.io_uring_writes, 15u) << config.name;
    }
    ASSERT_GT(wal->segment_files().size(), 2u);  // the workload spans cuts
    wal.reset();
    by_config[config.name] = DirContents(dir);
    ASSERT_FALSE(by_config[config.name].empty());
  }
  EXPECT_TRUE(by_config["pwrite"] == by_config["io_uring"]);
  EXPECT_TRUE(by_config["pwrite"] == by_config["adaptive"]);
}

// An Env whose "*.wal" files open read-only when asked for read-write: every
// append then fails with EBADF, whichever path writes it.
class ReadOnlySegmentsEnv final : public io::ForwardingEnv {
 public:
  ReadOnlySegmentsEnv() : ForwardingEnv(io::DefaultEnv()) {}
  Status Open(const std::string& path, io::OpenMode mode, std::unique_ptr<io::File>* out) override {
    const bool segment = path.size() > 4 && path.compare(path.size() - 4, 4, ".wal") == 0;
    if (segment && mode == io::OpenMode::kReadWrite) mode = io::OpenMode::kReadOnly;
    return base_->Open(path, mode, out);
  }
};

class IoPathErrorTest : public ::testing::TestWithParam<Config> {};

TEST_P(IoPathErrorTest, WriteErrorIsFatalAndNamesFileAndErrno) {
  const Config config = GetParam();
  ReadOnlySegmentsEnv env;
  Options options = MakeOptions(config);
  options.env = &env;
  int round = 0;
  for (const Batch& batch : {EntriesBatch(1, 1, 1), EntriesBatch(1, 24, 1)}) {  // a small and a large group
    const std::string dir = testing::ScratchDir(testing::TestName() + std::to_string(round++));
    std::unique_ptr<Wal> wal;
    ASSERT_TRUE(Wal::Open(dir, options, &wal).ok());
    const std::string segment = dir + "/" + wal->segment_files().back();
    Status s = wal->Append(batch);
    EXPECT_TRUE(s.IsIOError()) << s.ToString();
    EXPECT_NE(s.message().find(segment), std::string::npos) << s.ToString();
    EXPECT_NE(s.message().find(std::strerror(EBADF)), std::string::npos) << s.ToString();
    // fsyncgate: the state on disk is unknown, so every later append fails the same way.
    Status again = wal->Append(EntriesBatch(1, 1, 1));
    EXPECT_TRUE(again.IsIOError());
    EXPECT_EQ(again.message(), s.message());
    EXPECT_EQ(wal->last_index(), 0u);
    EXPECT_EQ(wal->stats().batches, 0u);
  }
}

INSTANTIATE_TEST_SUITE_P(Paths, IoPathErrorTest, ::testing::Values(kPwrite, kIoUring, kAdaptive),
                         [](const ::testing::TestParamInfo<Config>& info) {
                           return std::string(info.param.name);
                         });

// The same at the backend: one failing write through each path.
TEST(IoPathTest, BackendWriteErrorsLookAlike) {
  const std::string dir = testing::ScratchDir(testing::TestName());
  const std::string path = dir + "/file";
  testing::WriteFile(path, std::vector<char>(16, 'x'), 16);
  std::unique_ptr<io::File> file;
  ASSERT_TRUE(io::DefaultEnv()->Open(path, io::OpenMode::kReadOnly, &file).ok());
  const std::vector<std::byte> data(8192, std::byte{1});

  std::vector<std::unique_ptr<IoBackend>> backends;
  backends.push_back(NewPwriteBackend());
  for (uint64_t pwrite_below_bytes : {uint64_t{0}, uint64_t{1} << 20}) {
    std::unique_ptr<IoBackend> uring;
    if (NewIoUringBackend(&uring, pwrite_below_bytes).ok()) backends.push_back(std::move(uring));
  }
  for (auto& backend : backends) {
    Status s = backend->WriteAndSync(*file, 0, data);
    EXPECT_TRUE(s.IsIOError()) << s.ToString();
    EXPECT_NE(s.message().find(path), std::string::npos) << s.ToString();
    EXPECT_NE(s.message().find(std::strerror(EBADF)), std::string::npos) << s.ToString();
  }
  if (backends.size() == 3) {
    EXPECT_EQ(backends[1]->io_uring_writes(), 1u);  // threshold 0: through io_uring
    EXPECT_EQ(backends[2]->io_uring_writes(), 0u);  // below the threshold: pwrite
  }
}

}  // namespace
}  // namespace cairn::wal

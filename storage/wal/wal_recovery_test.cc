// Open-time recovery: torn tails are repaired, corruption is refused with a
// message naming the file, the offset and the remedy (docs/wal_format.md).
#include <gtest/gtest.h>

#include <filesystem>

#include "storage/wal/segment.h"
#include "storage/wal/test_util.h"
#include "storage/wal/wal.h"

namespace cairn::wal {
namespace {

using testing::EntriesBatch;
using testing::MakeEntry;
using testing::ReadFile;
using testing::WriteFile;

constexpr uint64_t kTestSegmentBytes = 64 * 1024;
constexpr size_t kDataBytes = 100;
constexpr uint64_t kEntryRecordBytes = RecordBytes(sizeof(EntryPayloadHeader) + kDataBytes);
constexpr uint64_t kEntries = 5;

// Offset of entry `index` in the first segment (which starts with no state records).
constexpr uint64_t EntryOffset(uint64_t index) {
  return sizeof(SegmentHeader) + (index - 1) * kEntryRecordBytes;
}

class WalRecoveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::ScratchDir(testing::TestName());
    first_ = dir_ + "/" + SegmentFileName(0, 1);
  }

  Options MakeOptions() {
    Options options;
    options.env = testing::NoSync();  // damage is made by hand here, not by power loss
    options.segment_bytes = kTestSegmentBytes;
    options.use_io_uring = false;
    options.log = [this](std::string_view line) { log_.emplace_back(line); };
    return options;
  }

  // Writes entries 1..kEntries, one per batch, into the first segment.
  void WriteEntries() {
    std::unique_ptr<Wal> wal;
    ASSERT_TRUE(Wal::Open(dir_, MakeOptions(), &wal).ok());
    for (uint64_t i = 1; i <= kEntries; ++i) ASSERT_TRUE(wal->Append(EntriesBatch(i, i, 1, kDataBytes)).ok());
  }

  Status Open(std::unique_ptr<Wal>* wal) { return Wal::Open(dir_, MakeOptions(), wal); }

  // Expects Open to succeed with exactly entries 1..last.
  void ExpectOpensWithEntries(uint64_t last, const std::string& context) {
    std::unique_ptr<Wal> wal;
    Status s = Open(&wal);
    ASSERT_TRUE(s.ok()) << context << ": " << s.ToString();
    ReplayResult result;
    ASSERT_TRUE(wal->Replay(1, &result).ok()) << context;
    ASSERT_EQ(result.entries.size(), last) << context;
    for (uint64_t i = 1; i <= last; ++i)
      ASSERT_EQ(result.entries[i - 1], MakeEntry(i, 1, kDataBytes)) << context;
  }

  void ExpectCorruption(const std::string& file, uint64_t offset, const std::string& context) {
    std::unique_ptr<Wal> wal;
    Status s = Open(&wal);
    ASSERT_TRUE(s.IsCorruption()) << context << ": " << s.ToString();
    EXPECT_NE(s.message().find(file), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("at offset " + std::to_string(offset)), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("restore the member from a snapshot or remove it and re-add it"),
              std::string::npos)
        << s.message();
  }

  std::string dir_;
  std::string first_;
  std::vector<std::string> log_;
};

TEST_F(WalRecoveryTest, TornTailAtEveryByteOfTheLastRecord) {
  WriteEntries();
  const std::vector<char> intact = ReadFile(first_);
  const uint64_t last_start = EntryOffset(kEntries);
  for (uint64_t cut = last_start; cut < last_start + kEntryRecordBytes; ++cut) {
    const std::string context = "file truncated at " + std::to_string(cut);
    WriteFile(first_, intact, cut);
    log_.clear();
    ExpectOpensWithEntries(kEntries - 1, context);
    std::unique_ptr<Wal> wal;
    ASSERT_TRUE(Open(&wal).ok());
    EXPECT_FALSE(wal->torn_tail()) << context << ": the first open repaired it";
    // The log continues cleanly after the repair.
    ASSERT_TRUE(wal->Append(EntriesBatch(kEntries, kEntries, 1, kDataBytes)).ok()) << context;
    wal.reset();
    ExpectOpensWithEntries(kEntries, context);
  }
}

TEST_F(WalRecoveryTest, TornTailIsReportedWithFileOffsetAndBytes) {
  WriteEntries();
  const std::vector<char> intact = ReadFile(first_);
  const uint64_t last_start = EntryOffset(kEntries);
  WriteFile(first_, intact, last_start + 50);
  std::unique_ptr<Wal> wal;
  ASSERT_TRUE(Open(&wal).ok());
  ASSERT_TRUE(wal->torn_tail());
  EXPECT_EQ(wal->torn_tail()->path, first_);
  EXPECT_EQ(wal->torn_tail()->offset, last_start);
  EXPECT_EQ(wal->torn_tail()->bytes, 50u);
  bool logged = false;
  for (const std::string& line : log_) {
    if (line.find(first_) != std::string::npos &&
        line.find("torn tail of 50 bytes at offset " + std::to_string(last_start)) != std::string::npos) {
      logged = true;
    }
  }
  EXPECT_TRUE(logged);
}

TEST_F(WalRecoveryTest, PartlyZeroedLastRecordInPreallocatedFileIsTorn) {
  WriteEntries();
  const std::vector<char> intact = ReadFile(first_);
  ASSERT_EQ(intact.size(), kTestSegmentBytes);
  const uint64_t last_start = EntryOffset(kEntries);
  for (uint64_t keep = 1; keep < kEntryRecordBytes; keep += 7) {
    std::vector<char> torn = intact;
    std::fill(torn.begin() + static_cast<long>(last_start + keep),
              torn.begin() + static_cast<long>(last_start + kEntryRecordBytes), 0);
    WriteFile(first_, torn, torn.size());
    ExpectOpensWithEntries(kEntries - 1, "kept " + std::to_string(keep) + " bytes");
  }
}

TEST_F(WalRecoveryTest, BitFlipInLastRecordIsATornTail) {
  WriteEntries();
  const std::vector<char> intact = ReadFile(first_);
  const uint64_t last_start = EntryOffset(kEntries);
  for (uint64_t byte = last_start; byte < last_start + kEntryRecordBytes; ++byte) {
    std::vector<char> flipped = intact;
    flipped[byte] ^= 0x10;
    WriteFile(first_, flipped, flipped.size());
    ExpectOpensWithEntries(kEntries - 1, "flipped byte " + std::to_string(byte));
  }
}

TEST_F(WalRecoveryTest, BitFlipInMiddleRecordIsCorruption) {
  WriteEntries();
  const std::vector<char> intact = ReadFile(first_);
  const uint64_t middle = EntryOffset(3);
  for (uint64_t byte = middle; byte < middle + kEntryRecordBytes; ++byte) {
    std::vector<char> flipped = intact;
    flipped[byte] ^= 0x01;
    WriteFile(first_, flipped, flipped.size());
    ExpectCorruption(first_, middle, "flipped byte " + std::to_string(byte));
  }
  // Untouched, the same file opens: the refusals above were about the flip.
  WriteFile(first_, intact, intact.size());
  ExpectOpensWithEntries(kEntries, "intact");
}

TEST_F(WalRecoveryTest, ZeroedMiddleRecordIsCorruption) {
  WriteEntries();
  std::vector<char> bytes = ReadFile(first_);
  std::fill(bytes.begin() + EntryOffset(2), bytes.begin() + EntryOffset(3), 0);
  WriteFile(first_, bytes, bytes.size());
  ExpectCorruption(first_, EntryOffset(2), "zeroed record 2");
}

TEST_F(WalRecoveryTest, TornMultiEntryBatchIsDroppedWhole) {
  {
    std::unique_ptr<Wal> wal;
    ASSERT_TRUE(Open(&wal).ok());
    ASSERT_TRUE(wal->Append(EntriesBatch(1, 1, 1, kDataBytes)).ok());
    ASSERT_TRUE(wal->Append(EntriesBatch(2, 4, 1, kDataBytes)).ok());
  }
  // Power loss mid-write: the page holding entry 3 never reached the disk,
  // the one holding entry 4 did.
  std::vector<char> bytes = ReadFile(first_);
  std::fill(bytes.begin() + EntryOffset(3), bytes.begin() + EntryOffset(4), 0);
  WriteFile(first_, bytes, bytes.size());
  ExpectOpensWithEntries(1, "hole in the last batch");
  // Entry 2 survived intact but belonged to the torn batch: it went too,
  // and the repaired log takes the batch again.
  std::unique_ptr<Wal> wal;
  ASSERT_TRUE(Open(&wal).ok());
  ASSERT_TRUE(wal->Append(EntriesBatch(2, 4, 1, kDataBytes)).ok());
  wal.reset();
  ExpectOpensWithEntries(4, "after rewriting the batch");
}

TEST_F(WalRecoveryTest, HoleInAcknowledgedBatchIsCorruption) {
  {
    std::unique_ptr<Wal> wal;
    ASSERT_TRUE(Open(&wal).ok());
    ASSERT_TRUE(wal->Append(EntriesBatch(1, 1, 1, kDataBytes)).ok());
    ASSERT_TRUE(wal->Append(EntriesBatch(2, 4, 1, kDataBytes)).ok());
    ASSERT_TRUE(wal->Append(EntriesBatch(5, 5, 1, kDataBytes)).ok());
  }
  std::vector<char> bytes = ReadFile(first_);
  std::fill(bytes.begin() + EntryOffset(3), bytes.begin() + EntryOffset(4), 0);
  WriteFile(first_, bytes, bytes.size());
  ExpectCorruption(first_, EntryOffset(3), "hole in an acknowledged batch");
}

// Writes enough to fill several segments; returns their paths in order.
std::vector<std::string> WriteSegments(const std::string& dir, const Options& options) {
  std::unique_ptr<Wal> wal;
  EXPECT_TRUE(Wal::Open(dir, options, &wal).ok());
  for (uint64_t i = 1; i <= 200; i += 10) {
    Batch batch = EntriesBatch(i, i + 9, 1, 1000);
    batch.hard_state = HardState{1, 1, i};
    EXPECT_TRUE(wal->Append(batch).ok());
  }
  std::vector<std::string> paths;
  for (const std::string& name : wal->segment_files()) paths.push_back(dir + "/" + name);
  return paths;
}

TEST_F(WalRecoveryTest, BadRecordInSealedSegmentIsCorruption) {
  std::vector<std::string> paths = WriteSegments(dir_, MakeOptions());
  ASSERT_GE(paths.size(), 3u);
  // Damage the very last record of a sealed segment: in the last segment it
  // would look torn, here it is corruption of acknowledged data.
  std::vector<char> bytes = ReadFile(paths[1]);
  uint64_t end = bytes.size();
  while (end > 0 && bytes[end - 1] == 0) --end;
  bytes[end - 30] ^= 0x04;
  WriteFile(paths[1], bytes, bytes.size());
  std::unique_ptr<Wal> wal;
  Status s = Open(&wal);
  ASSERT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(s.message().find(paths[1]), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("restore the member from a snapshot"), std::string::npos) << s.message();
}

TEST_F(WalRecoveryTest, MissingSegmentIsCorruption) {
  std::vector<std::string> paths = WriteSegments(dir_, MakeOptions());
  ASSERT_GE(paths.size(), 3u);
  std::filesystem::remove(paths[1]);
  std::unique_ptr<Wal> wal;
  Status s = Open(&wal);
  ASSERT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(s.message().find("missing WAL segment"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find(paths[2]), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("remove it and re-add it"), std::string::npos) << s.message();
}

TEST_F(WalRecoveryTest, RenamedSegmentWithWrongFirstIndexIsCorruption) {
  std::vector<std::string> paths = WriteSegments(dir_, MakeOptions());
  ASSERT_GE(paths.size(), 3u);
  uint64_t seq = 0;
  uint64_t first = 0;
  ASSERT_TRUE(ParseSegmentFileName(std::filesystem::path(paths[1]).filename().string(), &seq, &first));
  std::filesystem::rename(paths[1], dir_ + "/" + SegmentFileName(seq, first + 1));
  std::unique_ptr<Wal> wal;
  EXPECT_TRUE(Open(&wal).IsCorruption());
}

TEST_F(WalRecoveryTest, DamagedSegmentHeaderIsCorruption) {
  WriteEntries();
  std::vector<char> bytes = ReadFile(first_);
  bytes[17] ^= 0x01;
  WriteFile(first_, bytes, bytes.size());
  ExpectCorruption(first_, 0, "header");
}

TEST_F(WalRecoveryTest, LeftoverTmpSegmentIsIgnored) {
  WriteEntries();
  WriteFile(dir_ + "/segment.tmp", std::vector<char>(4096, 'x'), 4096);
  ExpectOpensWithEntries(kEntries, "with garbage segment.tmp");
}

}  // namespace
}  // namespace cairn::wal

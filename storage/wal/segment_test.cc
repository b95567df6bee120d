// ScanSegment's classification of a damaged segment end: clean end, torn
// last group (dropped whole), or corruption of an acknowledged group.
#include "storage/wal/segment.h"

#include <gtest/gtest.h>

#include <random>

namespace cairn::wal {
namespace {

// A segment with groups 0..n-1; group g holds entries_per_group[g] entries.
struct Built {
  std::vector<std::byte> bytes;
  std::vector<std::vector<uint64_t>> record_offsets;  // [group][record]
  uint64_t end = 0;                                   // just past the last record
};

Built Build(const std::vector<int>& entries_per_group, size_t padding_bytes = 4096) {
  Built built;
  EncodeSegmentHeader(0, 1, 0, &built.bytes);
  uint64_t index = 1;
  for (size_t g = 0; g < entries_per_group.size(); ++g) {
    GroupEncoder encoder(static_cast<uint16_t>(g), &built.bytes);
    built.record_offsets.emplace_back();
    for (int i = 0; i < entries_per_group[g]; ++i) {
      built.record_offsets[g].push_back(built.bytes.size());
      encoder.AddEntry(Entry{index, 1, std::string(200, static_cast<char>('a' + index % 26))});
      ++index;
    }
    encoder.Finish();
  }
  built.end = built.bytes.size();
  built.bytes.resize(built.bytes.size() + padding_bytes);  // preallocated zeros
  return built;
}

struct Result {
  Status status;
  SegmentScan scan;
  std::vector<uint64_t> visited;  // entry indexes
};

Result Scan(const std::vector<std::byte>& bytes, bool last) {
  Result result;
  result.status = ScanSegment(
      bytes, "seg", 0, last,
      [&](DecodedRecord& record, uint64_t) {
        result.visited.push_back(record.entry.index);
        return Status::Ok();
      },
      &result.scan);
  return result;
}

void Zero(std::vector<std::byte>* bytes, uint64_t from, uint64_t to) {
  std::fill(bytes->begin() + static_cast<long>(from), bytes->begin() + static_cast<long>(to), std::byte{0});
}

TEST(ScanSegmentTest, CleanEnd) {
  Built built = Build({1, 3, 2});
  Result r = Scan(built.bytes, true);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.visited, (std::vector<uint64_t>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(r.scan.end_offset, built.end);
  EXPECT_EQ(r.scan.torn_bytes, 0u);
  EXPECT_EQ(r.scan.next_group, 3u);
}

TEST(ScanSegmentTest, HoleInLastGroupWithLaterRecordIntactIsTorn) {
  Built built = Build({1, 3});
  // The middle page of the last write never reached the disk; a later one did.
  Zero(&built.bytes, built.record_offsets[1][1], built.record_offsets[1][2]);
  Result r = Scan(built.bytes, true);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.visited, (std::vector<uint64_t>{1}));  // the torn group is dropped whole
  EXPECT_EQ(r.scan.end_offset, built.record_offsets[1][0]);
  // Up to the last non-zero byte (the last record's padding is zeros).
  EXPECT_LE(r.scan.torn_bytes, built.end - built.record_offsets[1][0]);
  EXPECT_GT(r.scan.torn_bytes, built.end - built.record_offsets[1][0] - kRecordAlignBytes);
  EXPECT_EQ(r.scan.next_group, 1u);
}

TEST(ScanSegmentTest, UnfinishedLastGroupFollowedByZerosIsTorn) {
  Built built = Build({2, 3});
  Zero(&built.bytes, built.record_offsets[1][2], built.end);
  Result r = Scan(built.bytes, true);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.visited, (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(r.scan.end_offset, built.record_offsets[1][0]);
  // In a sealed segment the same bytes are corruption.
  EXPECT_TRUE(Scan(built.bytes, false).status.IsCorruption());
}

TEST(ScanSegmentTest, HoleInEarlierGroupIsCorruption) {
  Built built = Build({1, 3, 1});
  Zero(&built.bytes, built.record_offsets[1][1], built.record_offsets[1][2]);
  Result r = Scan(built.bytes, true);
  ASSERT_TRUE(r.status.IsCorruption()) << r.status.ToString();
  EXPECT_NE(r.status.message().find("at offset " + std::to_string(built.record_offsets[1][1])),
            std::string::npos)
      << r.status.message();
}

TEST(ScanSegmentTest, DamagedGroupEndBeforeAnotherGroupIsCorruption) {
  // Group 1's last record is damaged and group 2 follows intact: group 1 was
  // acknowledged before group 2 was written, so this is not a torn write.
  Built built = Build({1, 2, 2});
  built.bytes[built.record_offsets[1][1] + 20] ^= std::byte{0x40};
  Result r = Scan(built.bytes, true);
  EXPECT_TRUE(r.status.IsCorruption()) << r.status.ToString();
}

TEST(ScanSegmentTest, DamageInLastRecordIsTorn) {
  Built built = Build({1, 1, 1});
  built.bytes[built.record_offsets[2][0] + 100] ^= std::byte{0x01};
  Result r = Scan(built.bytes, true);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.visited, (std::vector<uint64_t>{1, 2}));
  EXPECT_TRUE(Scan(built.bytes, false).status.IsCorruption());
}

TEST(ScanSegmentTest, RandomGarbageTailIsTorn) {
  // 4 MiB of noise after the last complete group (a filesystem that exposed
  // stale blocks): no valid record in it, so it is a torn tail.
  Built built = Build({2, 2}, 4 << 20);
  std::mt19937_64 rng(7);
  for (uint64_t i = built.end; i < built.bytes.size(); ++i) built.bytes[i] = std::byte(rng() & 0xFF);
  Result r = Scan(built.bytes, true);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.visited, (std::vector<uint64_t>{1, 2, 3, 4}));
  EXPECT_EQ(r.scan.end_offset, built.end);
  EXPECT_GT(r.scan.torn_bytes, (4u << 20) - 16);
}

TEST(ScanSegmentTest, RecordOfUnexpectedGroupIsAHole) {
  // Groups 0 then 2: group 1 is missing, so group 2 is "another group".
  std::vector<std::byte> bytes;
  EncodeSegmentHeader(0, 1, 0, &bytes);
  GroupEncoder g0(0, &bytes);
  g0.AddEntry({1, 1, "x"});
  g0.Finish();
  GroupEncoder g2(2, &bytes);
  g2.AddEntry({2, 1, "y"});
  g2.Finish();
  bytes.resize(bytes.size() + 64);
  EXPECT_TRUE(Scan(bytes, true).status.IsCorruption());
}

}  // namespace
}  // namespace cairn::wal

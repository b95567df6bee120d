#include "storage/wal/record.h"

#include <gtest/gtest.h>

#include <cstring>

#include "base/crc32c.h"
#include "storage/wal/log_state.h"
#include "storage/wal/segment.h"

namespace cairn::wal {
namespace {

std::vector<std::byte> SegmentWith(const std::vector<std::byte>& records) {
  std::vector<std::byte> segment;
  EncodeSegmentHeader(0, 1, 0, &segment);
  segment.insert(segment.end(), records.begin(), records.end());
  return segment;
}

TEST(RecordTest, RoundTripsEveryType) {
  std::vector<std::byte> bytes;
  GroupEncoder encoder(7, &bytes);
  encoder.AddSnapshotMarker({7, 2});
  encoder.AddEntry({8, 3, "hello"});
  encoder.AddEntry({9, 3, ""});
  encoder.AddHardState({3, 1, 8});
  encoder.Finish();
  ASSERT_EQ(bytes.size() % kRecordAlignBytes, 0u);
  std::vector<std::byte> segment = SegmentWith(bytes);

  DecodedRecord r;
  uint64_t offset = sizeof(SegmentHeader);
  ASSERT_EQ(ParseRecord(segment, offset, &r), ParseOutcome::kOk);
  EXPECT_EQ(r.type, RecordType::kSnapshotMarker);
  EXPECT_EQ(r.snapshot, (SnapshotMarker{7, 2}));
  EXPECT_EQ(r.group, 7u);
  EXPECT_EQ(r.flags, 0u);
  offset += r.record_bytes;
  ASSERT_EQ(ParseRecord(segment, offset, &r), ParseOutcome::kOk);
  EXPECT_EQ(r.entry, (Entry{8, 3, "hello"}));
  EXPECT_EQ(r.record_bytes, RecordBytes(16 + 5));
  offset += r.record_bytes;
  ASSERT_EQ(ParseRecord(segment, offset, &r), ParseOutcome::kOk);
  EXPECT_EQ(r.entry, (Entry{9, 3, ""}));
  offset += r.record_bytes;
  ASSERT_EQ(ParseRecord(segment, offset, &r), ParseOutcome::kOk);
  EXPECT_EQ(r.hard_state, (HardState{3, 1, 8}));
  EXPECT_EQ(r.group, 7u);
  EXPECT_EQ(r.flags, kRecordFlagGroupEnd);  // only the last record ends the group
  offset += r.record_bytes;
  EXPECT_EQ(offset, segment.size());
  EXPECT_EQ(ParseRecord(segment, offset, &r), ParseOutcome::kNoRecord);
}

TEST(RecordTest, EncodedBytesMatchesEncodeBatch) {
  Batch batch;
  batch.snapshot = SnapshotMarker{1, 1};
  batch.entries = {{2, 1, "x"}, {3, 1, std::string(1000, 'y')}};
  batch.hard_state = HardState{1, 0, 3};
  std::vector<std::byte> bytes;
  GroupEncoder encoder(0, &bytes);
  encoder.AddBatch(batch);
  encoder.Finish();
  EXPECT_EQ(bytes.size(), EncodedBytes(batch));
}

TEST(RecordTest, EveryFlippedBitIsDetected) {
  std::vector<std::byte> bytes;
  GroupEncoder encoder(0, &bytes);
  encoder.AddEntry({8, 3, "hello world"});
  encoder.Finish();
  std::vector<std::byte> segment = SegmentWith(bytes);
  for (size_t bit = sizeof(SegmentHeader) * 8; bit < segment.size() * 8; ++bit) {
    std::vector<std::byte> flipped = segment;
    flipped[bit / 8] ^= std::byte(1 << (bit % 8));
    DecodedRecord r;
    EXPECT_NE(ParseRecord(flipped, sizeof(SegmentHeader), &r), ParseOutcome::kOk) << "bit " << bit;
  }
}

TEST(RecordTest, ValidCrcWithImpossibleLengthIsMalformed) {
  // A HardState type with an Entry-sized payload: framed correctly, so corruption.
  std::vector<std::byte> bytes;
  GroupEncoder(0, &bytes).AddEntry({8, 3, "12345678"});  // 24-byte payload, like a HardState
  bytes[offsetof(RecordHeader, type)] = std::byte{static_cast<uint8_t>(RecordType::kSnapshotMarker)};
  uint32_t crc =
      crc32c::Value(bytes.data() + kRecordCrcCoverageStart, bytes.size() - kRecordCrcCoverageStart);
  std::memcpy(bytes.data(), &crc, 4);
  std::vector<std::byte> segment = SegmentWith(bytes);
  DecodedRecord r;
  EXPECT_EQ(ParseRecord(segment, sizeof(SegmentHeader), &r), ParseOutcome::kMalformed);
}

TEST(SegmentTest, FileNamesRoundTripAndSortInLogOrder) {
  EXPECT_EQ(SegmentFileName(0, 1), "0000000000000000-0000000000000001.wal");
  EXPECT_EQ(SegmentFileName(0x1f, 0x4d3), "000000000000001f-00000000000004d3.wal");
  uint64_t seq = 0;
  uint64_t first = 0;
  ASSERT_TRUE(ParseSegmentFileName("000000000000001f-00000000000004d3.wal", &seq, &first));
  EXPECT_EQ(seq, 0x1fu);
  EXPECT_EQ(first, 0x4d3u);
  EXPECT_FALSE(ParseSegmentFileName("segment.tmp", &seq, &first));
  EXPECT_FALSE(ParseSegmentFileName("000000000000001F-00000000000004d3.wal", &seq, &first));
  EXPECT_FALSE(ParseSegmentFileName("000000000000001f-00000000000004d3.wax", &seq, &first));
  EXPECT_LT(SegmentFileName(9, 100), SegmentFileName(10, 5));
}

TEST(SegmentTest, HeaderChecks) {
  std::vector<std::byte> segment;
  EncodeSegmentHeader(3, 42, 513, &segment);
  uint16_t first_group = 0;
  EXPECT_TRUE(CheckSegmentHeader(segment, "f", 3, 42, &first_group).ok());
  EXPECT_EQ(first_group, 513u);
  EXPECT_TRUE(CheckSegmentHeader(segment, "f", 4, 42, &first_group).IsCorruption());
  EXPECT_TRUE(CheckSegmentHeader(segment, "f", 3, 41, &first_group).IsCorruption());
  segment[20] ^= std::byte{1};
  Status s = CheckSegmentHeader(segment, "seg-file", 3, 42, &first_group);
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_NE(s.message().find("seg-file"), std::string::npos);
}

TEST(LogStateTest, OverwriteGapAndSnapshotReset) {
  LogState state(0, 1);
  for (uint64_t i = 1; i <= 10; ++i) ASSERT_TRUE(state.ApplyBatch({{}, {{i, 1, "a"}}, {}}).ok());
  ASSERT_TRUE(state.ApplyBatch({{}, {{5, 2, "b"}, {6, 2, "b"}}, {}}).ok());
  EXPECT_EQ(state.last_index(), 6u);
  ASSERT_EQ(state.entries().size(), 6u);
  EXPECT_EQ(state.entries()[3].term, 1u);
  EXPECT_EQ(state.entries()[4].term, 2u);
  // A gap is refused and changes nothing.
  EXPECT_EQ(state.ApplyBatch({{}, {{7, 2, "c"}, {9, 2, "c"}}, {}}).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(state.last_index(), 6u);
  EXPECT_EQ(state.CheckEntry(0).code(), Status::Code::kInvalidArgument);
  // A marker at or below the end keeps the log; above it resets it.
  state.ApplySnapshot({4, 1});
  EXPECT_EQ(state.entries().size(), 6u);
  ASSERT_TRUE(state.ApplyBatch({SnapshotMarker{20, 3}, {{21, 3, "d"}}, HardState{3, 1, 21}}).ok());
  EXPECT_EQ(state.last_index(), 21u);
  ASSERT_EQ(state.entries().size(), 1u);
  EXPECT_EQ(state.entries()[0].index, 21u);
  EXPECT_EQ(state.hard_state(), (HardState{3, 1, 21}));
}

}  // namespace
}  // namespace cairn::wal

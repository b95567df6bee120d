#include "raft/codec.h"

#include <gtest/gtest.h>

namespace cairn::raft {
namespace {

Message Sample() {
  Message m;
  m.type = MessageType::kApp;
  m.to = 2;
  m.from = 1;
  m.term = 7;
  m.log_term = 6;
  m.index = 100;
  m.commit = 99;
  m.reject = true;
  m.reject_hint = 42;
  m.context = "ctx";
  m.entries = {Entry{7, 101, EntryType::kNormal, "hello"},
               Entry{7, 102, EntryType::kConfChange, EncodeConfChange({ConfChangeType::kAddNode, 4, "u"})}};
  m.snapshot.metadata.index = 50;
  m.snapshot.metadata.term = 3;
  m.snapshot.metadata.conf_state = ConfState{{1, 2, 3}, {4}};
  m.snapshot.data = std::string("snap\0data", 9);
  return m;
}

TEST(Codec, MessageRoundTrip) {
  Message m = Sample();
  Message out;
  ASSERT_TRUE(DecodeMessage(EncodeMessage(m), &out).ok());
  EXPECT_EQ(out, m);
  Message empty;
  ASSERT_TRUE(DecodeMessage(EncodeMessage(Message{}), &out).ok());
  EXPECT_EQ(out, empty);
}

TEST(Codec, HardStateIsFixedSize) {
  std::string b;
  AppendHardState(HardState{1, 2, 3}, &b);
  EXPECT_EQ(b.size(), kHardStateEncodedBytes);
  std::string_view in = b;
  HardState hs;
  ASSERT_TRUE(ConsumeHardState(&in, &hs).ok());
  EXPECT_EQ(hs, (HardState{1, 2, 3}));
  EXPECT_TRUE(in.empty());
}

TEST(Codec, EveryTruncationIsCorruption) {
  std::string b = EncodeMessage(Sample());
  for (size_t n = 0; n < b.size(); ++n) {
    Message out;
    Status s = DecodeMessage(std::string_view(b.data(), n), &out);
    EXPECT_TRUE(s.IsCorruption()) << n;
  }
}

TEST(Codec, RejectsBadTypesAndTrailingBytes) {
  std::string b = EncodeMessage(Sample());
  Message out;
  std::string bad = b;
  bad[0] = static_cast<char>(200);
  EXPECT_TRUE(DecodeMessage(bad, &out).IsCorruption());
  EXPECT_TRUE(DecodeMessage(b + "x", &out).IsCorruption());
  // A huge entry count in a short buffer is rejected before allocating.
  Message small;
  std::string s = EncodeMessage(small);
  size_t count_off = 1 + 8 * 6 + 1 + 8 + 4;  // header up to the entry count
  s[count_off + 3] = static_cast<char>(0x7f);
  EXPECT_TRUE(DecodeMessage(s, &out).IsCorruption());
}

TEST(Codec, EntriesConcatenate) {
  std::string b;
  Entry a{1, 1, EntryType::kNormal, "a"}, c{1, 2, EntryType::kNormal, ""};
  AppendEntry(a, &b);
  AppendEntry(c, &b);
  std::string_view in = b;
  Entry x, y;
  ASSERT_TRUE(ConsumeEntry(&in, &x).ok());
  ASSERT_TRUE(ConsumeEntry(&in, &y).ok());
  EXPECT_EQ(x, a);
  EXPECT_EQ(y, c);
  EXPECT_TRUE(in.empty());
}

}  // namespace
}  // namespace cairn::raft

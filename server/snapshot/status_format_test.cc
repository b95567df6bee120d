#include "server/snapshot/status_format.h"

#include <gtest/gtest.h>

namespace cairn::snapshot {
namespace {

// Expected values printed by github.com/dustin/go-humanize (Debian's Go package) Bytes().
TEST(StatusFormatTest, HumanizeBytesMatchesGo) {
  const std::pair<uint64_t, const char*> cases[] = {
      {0, "0 B"},
      {9, "9 B"},
      {10, "10 B"},
      {999, "999 B"},
      {1000, "1.0 kB"},
      {1049, "1.0 kB"},
      {1050, "1.1 kB"},
      {9949, "9.9 kB"},
      {9950, "10 kB"},
      {20480, "20 kB"},
      {20500, "20 kB"},
      {21500, "22 kB"},
      {999500, "1000 kB"},
      {1000000, "1.0 MB"},
      {123456789, "124 MB"},
      {1000000000000000000ULL, "1.0 EB"},
      {18446744073709551615ULL, "18 EB"},
  };
  for (const auto& [bytes, want] : cases) EXPECT_EQ(HumanizeBytes(bytes), want) << bytes;
}

// The four outputs of Debian's etcdctl 3.4.23 `snapshot status` for one snapshot.
TEST(StatusFormatTest, MatchesEtcdctl) {
  backend::SnapshotStatus s;
  s.hash = 0xb18c5bb7;
  s.revision = 5;
  s.total_keys = 9;
  s.total_bytes = 20480;
  EXPECT_EQ(FormatStatus(s, StatusFormat::kSimple), "b18c5bb7, 5, 9, 20 kB\n");
  EXPECT_EQ(FormatStatus(s, StatusFormat::kJson),
            "{\"hash\":2978765751,\"revision\":5,\"totalKey\":9,\"totalSize\":20480}\n");
  EXPECT_EQ(FormatStatus(s, StatusFormat::kTable),
            "+----------+----------+------------+------------+\n"
            "|   HASH   | REVISION | TOTAL KEYS | TOTAL SIZE |\n"
            "+----------+----------+------------+------------+\n"
            "| b18c5bb7 |        5 |          9 |      20 kB |\n"
            "+----------+----------+------------+------------+\n");
  EXPECT_EQ(FormatStatus(s, StatusFormat::kFields),
            "\"Hash\" : 2978765751\n\"Revision\" : 5\n\"Keys\" : 9\n\"Size\" : 20480\n");
}

TEST(StatusFormatTest, TableCentresHeadersWithExtraSpaceRight) {
  backend::SnapshotStatus s;
  s.hash = 0x1;
  s.revision = 1234567890123;
  s.total_keys = 1;
  s.total_bytes = 1;
  const std::string t = FormatStatus(s, StatusFormat::kTable);
  EXPECT_NE(t.find("| HASH |   REVISION    | TOTAL KEYS | TOTAL SIZE |"), std::string::npos) << t;
  EXPECT_NE(t.find("|    1 | 1234567890123 |          1 |        1 B |"), std::string::npos) << t;
}

}  // namespace
}  // namespace cairn::snapshot

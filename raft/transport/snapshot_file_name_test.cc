// The received-snapshot file name is a contract between the transport (which writes it) and the
// server's start-up (which adopts an interrupted install from it).
#include <gtest/gtest.h>

#include "raft/transport/peer_service.h"

namespace cairn::raft::transport {
namespace {

TEST(ReceivedSnapshotFileName, RoundTrips) {
  EXPECT_EQ(ReceivedSnapshotFileName(3, 1234), "3-1234.snap");
  Index index = 0;
  ASSERT_TRUE(ParseReceivedSnapshotFileName(ReceivedSnapshotFileName(7, 18446744073709551615u), &index));
  EXPECT_EQ(index, 18446744073709551615u);
}

TEST(ReceivedSnapshotFileName, RefusesOtherNames) {
  Index index = 0;
  for (const char* name : {"db", "db.tmp.defrag", ".recv-1-5.tmp", "3-.snap", "-5.snap", "3-5.snap.tmp",
                           "3-5x.snap", "3-5.snp"}) {
    EXPECT_FALSE(ParseReceivedSnapshotFileName(name, &index)) << name;
  }
}

}  // namespace
}  // namespace cairn::raft::transport

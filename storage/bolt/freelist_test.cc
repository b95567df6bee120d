#include "storage/bolt/freelist.h"

#include <gtest/gtest.h>

#include <vector>

namespace cairn::bolt {
namespace {

TEST(FreelistTest, AllocatesFirstContiguousRun) {
  Freelist fl;
  fl.Reset({3, 5, 6, 7, 9});
  EXPECT_EQ(fl.Allocate(10, 3), 5u);
  EXPECT_EQ(fl.Allocate(10, 2), 0u);
  EXPECT_EQ(fl.Allocate(10, 1), 3u);
  EXPECT_EQ(fl.free_count(), 1u);
}

TEST(FreelistTest, PendingReleasedOnlyBelowOldestReader) {
  Freelist fl;
  fl.Free(5, 10, 1);  // pages 10, 11 freed by txid 5
  EXPECT_EQ(fl.pending_count(), 2u);
  fl.Release(5);  // a reader at txid 5 is open: it cannot see pages freed by 5... but 5 < 5 is false
  EXPECT_EQ(fl.free_count(), 0u);
  fl.Release(6);
  EXPECT_EQ(fl.free_count(), 2u);
  EXPECT_EQ(fl.pending_count(), 0u);
}

TEST(FreelistTest, ReleaseRangeFreesPagesLivingBetweenReaders) {
  Freelist fl;
  // Readers at txids 3 and 10. Page 20 lived in snapshots 5..7 (allocated by
  // 5, freed by 8): no reader saw it. Page 21 lived in 2..7: reader 3 saw it.
  fl.NoteAllocated(5, 20, 1);
  fl.NoteAllocated(2, 21, 1);
  fl.Free(8, 20, 0);
  fl.Free(8, 21, 0);
  fl.Free(12, 30, 0);  // allocated before the process started (txid 0)
  fl.Release(3);
  EXPECT_EQ(fl.free_count(), 0u);
  fl.ReleaseRange(4, 9);
  EXPECT_EQ(fl.AllIds(), (std::vector<PageId>{20, 21, 30}));
  EXPECT_EQ(fl.free_count(), 1u);
  EXPECT_EQ(fl.Allocate(13, 1), 20u);
  fl.ReleaseRange(11, ~TxId{0});
  EXPECT_EQ(fl.free_count(), 0u) << "page 30's window starts at 0, before reader 10";
  fl.Release(~TxId{0});
  EXPECT_EQ(fl.free_count(), 2u);
}

TEST(FreelistTest, RollbackRestoresAllocationsAndDropsFrees) {
  Freelist fl;
  fl.Reset({4, 5});
  EXPECT_EQ(fl.Allocate(3, 1), 4u);
  fl.Free(3, 8, 0);
  fl.Rollback(3);
  EXPECT_EQ(fl.AllIds(), (std::vector<PageId>{4, 5}));
}

TEST(FreelistTest, WriteReadRoundTripSmallAndOverflowCount) {
  for (size_t n : {size_t{0}, size_t{3}, size_t{0xFFFE}, size_t{0xFFFF}, size_t{70000}}) {
    Freelist fl;
    std::vector<PageId> ids;
    for (size_t i = 0; i < n; ++i) ids.push_back(2 + 2 * i);
    fl.Reset(ids);
    std::vector<char> page(fl.SerializedBytes(), 0);
    fl.Write(page.data());
    PageView view(page.data());
    EXPECT_EQ(view.flags(), kFreelistPage);
    if (n >= 0xFFFF) {
      EXPECT_EQ(view.count(), 0xFFFF);
      EXPECT_EQ(Load<uint64_t>(page.data() + 16), n);
    } else {
      EXPECT_EQ(view.count(), n);
    }
    Freelist back;
    ASSERT_TRUE(back.Read(page.data(), page.size()).ok());
    EXPECT_EQ(back.AllIds(), ids) << n;
  }
}

TEST(FreelistTest, ReadRejectsCountBeyondPage) {
  std::vector<char> page(4096, 0);
  Store<uint16_t>(page.data() + 8, kFreelistPage);
  Store<uint16_t>(page.data() + 10, 1000);
  Freelist fl;
  EXPECT_TRUE(fl.Read(page.data(), page.size()).IsCorruption());
}

}  // namespace
}  // namespace cairn::bolt

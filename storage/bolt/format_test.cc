#include "storage/bolt/format.h"

#include <gtest/gtest.h>

namespace cairn::bolt {
namespace {

TEST(FormatTest, Fnv1a64KnownVectors) {
  EXPECT_EQ(Fnv1a64("", 0), 0xcbf29ce484222325ull);
  EXPECT_EQ(Fnv1a64("a", 1), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(Fnv1a64("foobar", 6), 0x85944171f73967e8ull);
}

TEST(FormatTest, MetaChecksumCoversFieldsBeforeChecksum) {
  Meta m{};
  m.magic = kMagic;
  m.version = kVersion;
  m.page_size = 4096;
  m.txid = 7;
  uint64_t sum = MetaChecksum(m);
  m.checksum = 123;  // the checksum field itself is not covered
  EXPECT_EQ(MetaChecksum(m), sum);
  m.txid = 8;
  EXPECT_NE(MetaChecksum(m), sum);
}

TEST(FormatTest, PageViewReadsLeafElements) {
  alignas(8) char page[4096] = {};
  Store<PageId>(page, 9);
  Store<uint16_t>(page + 8, kLeafPage);
  Store<uint16_t>(page + 10, 1);
  // One element: key "ab", value "xyz", stored right after the element array.
  Store(page + 16, LeafElement{0, 16, 2, 3});
  std::memcpy(page + 32, "abxyz", 5);
  PageView p(page);
  EXPECT_EQ(p.id(), 9u);
  EXPECT_TRUE(p.is_leaf());
  EXPECT_EQ(p.count(), 1);
  EXPECT_EQ(p.leaf_key(0), "ab");
  EXPECT_EQ(p.leaf_value(0), "xyz");
}

}  // namespace
}  // namespace cairn::bolt

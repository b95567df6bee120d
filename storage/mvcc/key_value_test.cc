#include "storage/mvcc/key_value.h"

#include <gtest/gtest.h>

#include "proto/kv.pb.h"
#include "storage/mvcc/key_range.h"
#include "storage/mvcc/revision.h"

namespace cairn::mvcc {
namespace {

// External oracle: protoc's generated mvccpb.KeyValue must produce the same bytes.
void ExpectSameAsProtobuf(const KeyValue& kv) {
  mvccpb::KeyValue pb;
  pb.set_key(kv.key);
  pb.set_create_revision(kv.create_revision);
  pb.set_mod_revision(kv.mod_revision);
  pb.set_version(kv.version);
  pb.set_value(kv.value);
  pb.set_lease(kv.lease);
  std::string expected;
  ASSERT_TRUE(pb.SerializeToString(&expected));
  EXPECT_EQ(SerializeKeyValue(kv), expected);
  KeyValueView view;
  ASSERT_TRUE(ParseKeyValue(expected, &view).ok());
  EXPECT_EQ(view.ToOwned(), kv);
}

TEST(KeyValueTest, MatchesGeneratedProtobuf) {
  ExpectSameAsProtobuf(KeyValue{"foo", 2, 5, 3, "bar", 0});
  ExpectSameAsProtobuf(KeyValue{"k", 0, 0, 0, "", 0});  // tombstone value
  ExpectSameAsProtobuf(KeyValue{std::string(300, 'k'), 1LL << 40, 1LL << 40, 1, std::string(70000, 'v'),
                                0x694d7a1b2c3d4e5fLL});
  ExpectSameAsProtobuf(KeyValue{"neg", -1, 7, 1, "x", -5});  // 10-byte varints
  ExpectSameAsProtobuf(KeyValue{std::string("\0\xff", 2), 1, 1, 1, std::string("\0", 1), 1});
}

TEST(KeyValueTest, ParseSkipsUnknownFieldsAndRejectsGarbage) {
  std::string bytes = SerializeKeyValue(KeyValue{"a", 1, 2, 3, "b", 4});
  bytes += std::string("\x38\x01", 2);  // field 7 varint: unknown, skipped
  KeyValueView v;
  ASSERT_TRUE(ParseKeyValue(bytes, &v).ok());
  EXPECT_EQ(v.lease, 4);
  EXPECT_TRUE(ParseKeyValue(std::string("\x0a\x05"
                                        "ab",
                                        4),
                            &v)
                  .IsCorruption());                                       // short bytes
  EXPECT_TRUE(ParseKeyValue(std::string("\x10", 1), &v).IsCorruption());  // no varint
}

TEST(RevisionTest, EtcdByteLayout) {
  // etcd revToBytes: 8-byte big-endian main, '_', 8-byte big-endian sub; tombstone appends 't'.
  EXPECT_EQ(RevisionToBytes({0x0102030405060708LL, 9}),
            std::string("\x01\x02\x03\x04\x05\x06\x07\x08_\0\0\0\0\0\0\0\x09", 17));
  std::string t = RevisionToBytes({5, 1}, true);
  EXPECT_EQ(t.size(), 18u);
  EXPECT_TRUE(IsTombstoneKey(t));
  EXPECT_FALSE(IsTombstoneKey(RevisionToBytes({5, 1})));
  EXPECT_EQ(BytesToRevision(t), (RevisionPair{5, 1}));
  // Byte order is revision order.
  EXPECT_LT(RevisionToBytes({2, 300}), RevisionToBytes({3, 0}));
  EXPECT_LT(RevisionToBytes({3, 0}), RevisionToBytes({3, 0}, true));
  EXPECT_LT(RevisionToBytes({3, 0}, true), RevisionToBytes({3, 1}));
}

TEST(KeyRangeTest, Conventions) {
  EXPECT_TRUE((KeyRange{"a", ""}).Contains("a"));
  EXPECT_FALSE((KeyRange{"a", ""}).Contains("ab"));
  EXPECT_TRUE((KeyRange{"a", std::string_view("\0", 1)}).Contains("zzz"));
  EXPECT_FALSE((KeyRange{"b", std::string_view("\0", 1)}).Contains("a"));
  EXPECT_TRUE((KeyRange{"a", "c"}).Contains("bz"));
  EXPECT_FALSE((KeyRange{"a", "c"}).Contains("c"));
  EXPECT_EQ(PrefixEnd("ab"), "ac");
  EXPECT_EQ(PrefixEnd(std::string("a\xff", 2)), "b");
  EXPECT_EQ(PrefixEnd(std::string("\xff", 1)), std::string(1, '\0'));
}

}  // namespace
}  // namespace cairn::mvcc

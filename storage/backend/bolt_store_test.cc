// BoltStore as a CommittedStore, and the BufferedBackend built by OpenBoltBackend: buckets,
// puts/deletes, snapshot isolation, reopen, seq-put fill, sizes, and real bbolt's verdict.
#include "storage/backend/bolt_store.h"

#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "storage/backend/bolt_backend.h"
#include "storage/backend/bolt_test_util.h"

namespace cairn::backend {
namespace {

using testing::Hex;
using testing::Oracle;
using testing::TempDir;

std::string RevKey(uint64_t main) {  // etcd's 17-byte revision key, sub 0
  std::string k(17, '\0');
  for (int i = 0; i < 8; ++i) k[i] = static_cast<char>(main >> (56 - 8 * i));
  k[8] = '_';
  return k;
}

BoltStoreOptions NoSync() {
  BoltStoreOptions o;
  o.bolt.no_sync = true;
  return o;
}

std::string Get(const ReadView& v, std::string_view bucket, std::string_view key) {
  std::string_view out;
  return v.UnsafeGet(bucket, key, &out) ? std::string(out) : "<none>";
}

TEST(BoltStoreTest, ApplyCreatesBucketsAndIsReadBackAfterReopen) {
  const std::string path = TempDir("apply") + "/db";
  std::unique_ptr<BoltStore> store;
  ASSERT_TRUE(BoltStore::Open(io::DefaultEnv(), path, NoSync(), &store).ok());
  EXPECT_GT(store->size_bytes(), 0);
  WriteBatch b;
  b.created_buckets = {"key", "meta"};
  b.ops["key"][RevKey(2)] = "v2";
  b.ops["key"][RevKey(3)] = "v3";
  b.ops["meta"]["consistent_index"] = std::string(8, '\1');
  ASSERT_TRUE(store->Apply(b).ok());

  std::unique_ptr<ReadView> before = store->Snapshot();
  WriteBatch d;
  d.ops["key"][RevKey(2)] = std::nullopt;
  d.ops["key"][RevKey(4)] = "v4";
  ASSERT_TRUE(store->Apply(d).ok());

  // The old snapshot is unchanged; a new one sees the delete.
  EXPECT_EQ(Get(*before, "key", RevKey(2)), "v2");
  EXPECT_EQ(Get(*before, "key", RevKey(4)), "<none>");
  std::unique_ptr<ReadView> after = store->Snapshot();
  EXPECT_EQ(Get(*after, "key", RevKey(2)), "<none>");
  EXPECT_EQ(Get(*after, "key", RevKey(4)), "v4");
  EXPECT_EQ(after->BucketNames(), (std::vector<std::string>{"key", "meta"}));

  std::vector<std::string_view> keys, values;
  after->UnsafeRange("key", RevKey(0), RevKey(100), 0, &keys, &values);
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0], RevKey(3));
  EXPECT_EQ(values[1], "v4");
  keys.clear();
  after->UnsafeRange("key", RevKey(0), RevKey(100), 1, &keys, nullptr);
  EXPECT_EQ(keys.size(), 1u);
  keys.clear();
  after->UnsafeRange("missing", "a", "z", 0, &keys, nullptr);
  EXPECT_TRUE(keys.empty());

  WriteBatch bad;
  bad.ops["nope"]["k"] = "v";
  EXPECT_EQ(store->Apply(bad).code(), Status::Code::kInvalidArgument);

  before.reset();
  after.reset();
  store.reset();
  ASSERT_TRUE(BoltStore::Open(io::DefaultEnv(), path, NoSync(), &store).ok());
  std::unique_ptr<ReadView> reopened = store->Snapshot();
  EXPECT_EQ(Get(*reopened, "key", RevKey(3)), "v3");
  EXPECT_EQ(Get(*reopened, "key", RevKey(4)), "v4");
  EXPECT_EQ(Get(*reopened, "meta", "consistent_index"), std::string(8, '\1'));
}

// Views from a snapshot stay valid while later commits grow the file and remap it.
TEST(BoltStoreTest, SnapshotViewsSurviveGrowth) {
  const std::string path = TempDir("growth") + "/db";
  std::unique_ptr<BoltStore> store;
  ASSERT_TRUE(BoltStore::Open(io::DefaultEnv(), path, NoSync(), &store).ok());
  WriteBatch b;
  b.created_buckets = {"key"};
  b.ops["key"][RevKey(1)] = std::string(100, 'a');
  ASSERT_TRUE(store->Apply(b).ok());
  std::unique_ptr<ReadView> early = store->Snapshot();
  std::string_view v;
  ASSERT_TRUE(early->UnsafeGet("key", RevKey(1), &v));
  for (uint64_t round = 0; round < 20; ++round) {
    WriteBatch w;
    for (uint64_t i = 0; i < 500; ++i) w.ops["key"][RevKey(2 + round * 500 + i)] = std::string(200, 'x');
    ASSERT_TRUE(store->Apply(w).ok());
  }
  EXPECT_GT(store->size_bytes(), 2 << 20);
  EXPECT_EQ(v, std::string(100, 'a'));  // still mapped
}

// etcd's `key` bucket is written with seq puts (fill 0.9): appending revisions packs pages
// much tighter than bolt's default 0.5 split.
TEST(BoltStoreTest, SeqBucketFillsPagesTighter) {
  auto fill = [](bool seq) {
    const std::string path = TempDir(seq ? "seq" : "noseq") + "/db";
    BoltStoreOptions o = NoSync();
    if (!seq) o.seq_buckets.clear();
    std::unique_ptr<BoltStore> store;
    EXPECT_TRUE(BoltStore::Open(io::DefaultEnv(), path, o, &store).ok());
    WriteBatch c;
    c.created_buckets = {"key"};
    EXPECT_TRUE(store->Apply(c).ok());
    for (uint64_t round = 0; round < 20; ++round) {
      WriteBatch w;
      for (uint64_t i = 0; i < 1000; ++i) w.ops["key"][RevKey(round * 1000 + i + 1)] = std::string(50, 'v');
      EXPECT_TRUE(store->Apply(w).ok());
    }
    bolt::DbStats st;
    EXPECT_TRUE(store->db()->Stats(&st).ok());
    return st.leaf_pages;
  };
  const uint64_t seq_leaves = fill(true), default_leaves = fill(false);
  EXPECT_LT(seq_leaves * 10, default_leaves * 6) << seq_leaves << " vs " << default_leaves;
}

TEST(BoltBackendTest, BatchingCommitsByLimitAndInterval) {
  const std::string path = TempDir("batch") + "/db";
  auto now = std::chrono::steady_clock::time_point{};
  BoltBackendOptions o;
  o.store = NoSync();
  o.batch_limit = 3;
  o.batch_interval = std::chrono::milliseconds(100);
  o.clock = [&now] { return now; };
  std::unique_ptr<BufferedBackend> b;
  ASSERT_TRUE(OpenBoltBackend(io::DefaultEnv(), path, o, &b).ok());
  BoltStore* store = BoltStoreOf(b.get());
  ASSERT_NE(store, nullptr);
  auto committed = [&](std::string_view key) { return Get(*store->Snapshot(), "meta", key); };
  {
    BatchTxLock l(b->batch_tx());
    b->batch_tx()->UnsafeCreateBucket("meta");
    b->batch_tx()->UnsafePut("meta", "a", "1");
  }
  EXPECT_EQ(Get(*b->Read(), "meta", "a"), "1");  // published, not committed
  EXPECT_EQ(committed("a"), "<none>");
  now += std::chrono::milliseconds(150);
  ASSERT_TRUE(b->CommitIfDue().ok());
  EXPECT_EQ(committed("a"), "1");
  for (int i = 0; i < 3; ++i) {
    BatchTxLock l(b->batch_tx());
    b->batch_tx()->UnsafePut("meta", "n", std::to_string(i));
  }
  EXPECT_EQ(committed("n"), "2");  // the third writing round hit batch_limit
}

TEST(BoltBackendTest, FileIsValidBboltWithEtcdBuckets) {
  const std::string path = TempDir("oracle") + "/db";
  testing::OpenStore s;
  ASSERT_TRUE(s.Open(path).ok());
  int64_t granted = 0;
  ASSERT_TRUE(s.lessor->Grant(0x1234, 60, &granted).ok());
  for (int i = 0; i < 300; ++i) {
    mvcc::PutRequest p;
    p.key = "k" + std::to_string(i % 37);
    p.value = std::string(i % 50, 'v');
    if (i % 10 == 0) p.lease = 0x1234;
    mvcc::PutResponse r;
    ASSERT_TRUE(s.kv->Put(p, &r).ok());
  }
  mvcc::DeleteRangeResponse dr;
  ASSERT_TRUE(s.kv->DeleteRange(mvcc::DeleteRangeRequest{.key = "k1", .range_end = "k2"}, &dr).ok());
  s.kv->SetConsistentIndex(42, 2);
  s.Close();

  testing::CommandResult check = Oracle("check " + path);
  EXPECT_EQ(check.out, "ok\n");
  testing::CommandResult dump = Oracle("dump " + path);
  ASSERT_EQ(dump.exit_code, 0);
  std::istringstream lines(dump.out);
  std::set<std::string> buckets;
  int revision_keys = 0, tombstones = 0;
  for (std::string line; std::getline(lines, line);) {
    std::istringstream f(line);
    std::string kind, bucket, key;
    f >> kind >> bucket >> key;
    if (kind == "B") buckets.insert(bucket);
    if (kind == "K" && bucket == Hex("key")) {
      ASSERT_TRUE(key.size() == 34 || key.size() == 36) << line;  // 17 bytes, or 18 with 't'
      if (key.size() == 36) {
        EXPECT_EQ(key.substr(34), Hex("t"));
        ++tombstones;
      }
      ++revision_keys;
    }
  }
  EXPECT_EQ(buckets, (std::set<std::string>{Hex("key"), Hex("lease"), Hex("meta")}));
  EXPECT_EQ(revision_keys, 300 + dr.deleted);
  EXPECT_EQ(tombstones, dr.deleted);
  EXPECT_NE(dump.out.find("K " + Hex("lease") + " " + Hex(std::string("\0\0\0\0\0\0\x12\x34", 8))),
            std::string::npos);
  EXPECT_NE(dump.out.find("K " + Hex("meta") + " " + Hex("consistent_index") + " " +
                          Hex(std::string("\0\0\0\0\0\0\0\x2a", 8))),
            std::string::npos);
}

}  // namespace
}  // namespace cairn::backend

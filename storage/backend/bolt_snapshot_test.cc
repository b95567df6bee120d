// Snapshot stream (etcd Maintenance.Snapshot framing + sha256 trailer), its verifier, and
// snapshot status. The external checks (etcdctl) are in bolt_etcd_test.
#include "storage/backend/bolt_snapshot.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "storage/backend/bolt_snapshot_status.h"
#include "storage/backend/bolt_test_util.h"

namespace cairn::backend {
namespace {

struct Streamed {
  std::string file;  // what `etcdctl snapshot save` writes: all blobs concatenated
  std::vector<std::pair<size_t, uint64_t>> chunks;  // (blob size, remaining_bytes)
  SnapshotStreamInfo info;
};

Status Stream(BoltStore* store, Streamed* out) {
  return StreamSnapshot(
      store,
      [out](std::string_view blob, uint64_t remaining) {
        out->file.append(blob);
        out->chunks.emplace_back(blob.size(), remaining);
        return Status::Ok();
      },
      &out->info);
}

class BoltSnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir("snap");
    ASSERT_TRUE(store_.Open(dir_ + "/db").ok());
    for (int i = 0; i < 2000; ++i) {
      mvcc::PutResponse r;
      ASSERT_TRUE(
          store_.kv
              ->Put({.key = "key" + std::to_string(i % 500), .value = std::string(100, 'a' + i % 26)}, &r)
              .ok());
    }
    ASSERT_TRUE(store_.kv->Commit().ok());
  }
  BoltStore* bolt() { return BoltStoreOf(store_.backend.get()); }

  std::string dir_;
  testing::OpenStore store_;
};

TEST_F(BoltSnapshotTest, StreamHasEtcdFramingAndVerifies) {
  Streamed s;
  ASSERT_TRUE(Stream(bolt(), &s).ok());
  const uint64_t db_bytes = s.info.db_bytes;
  EXPECT_EQ(db_bytes, static_cast<uint64_t>(bolt()->size_bytes()));
  EXPECT_EQ(db_bytes % 4096, 0u);
  ASSERT_GE(s.chunks.size(), 3u);
  uint64_t sent = 0;
  for (size_t i = 0; i + 1 < s.chunks.size(); ++i) {
    if (i + 2 < s.chunks.size()) {
      EXPECT_EQ(s.chunks[i].first, kSnapshotChunkBytes) << i;
    }
    sent += s.chunks[i].first;
    EXPECT_EQ(s.chunks[i].second, db_bytes - sent);
  }
  EXPECT_EQ(s.chunks.back(), std::make_pair(size_t{32}, uint64_t{0}));
  EXPECT_EQ(s.file.size(), db_bytes + 32);
  EXPECT_TRUE(SnapshotHasChecksum(s.file.size()));
  uint64_t n = 0;
  Status v = VerifySnapshot(s.file, false, &n);
  EXPECT_TRUE(v.ok()) << v.ToString();
  EXPECT_EQ(n, db_bytes);

  // The db part is a complete bolt file with the same status as the live db.
  const std::string path = dir_ + "/snap.db";
  std::ofstream(path, std::ios::binary) << s.file;
  EXPECT_TRUE(VerifySnapshotFile(io::DefaultEnv(), path).ok());
  SnapshotStatus live, saved;
  ASSERT_TRUE(SnapshotStatusOf(bolt()->db().get(), &live).ok());
  Status st = SnapshotStatusOfFile(io::DefaultEnv(), path, &saved);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(saved.hash, live.hash);
  EXPECT_EQ(saved.revision, 2001);
  EXPECT_EQ(saved.total_keys, live.total_keys);
  EXPECT_EQ(saved.total_bytes, static_cast<int64_t>(db_bytes));
}

TEST_F(BoltSnapshotTest, FlippedByteOrMissingTrailerFails) {
  Streamed s;
  ASSERT_TRUE(Stream(bolt(), &s).ok());
  for (size_t pos :
       {size_t{0}, size_t{4096 + 17}, s.file.size() / 2, s.file.size() - 33, s.file.size() - 1}) {
    std::string bad = s.file;
    bad[pos] ^= 0x01;
    Status v = VerifySnapshot(bad);
    EXPECT_EQ(v.code(), Status::Code::kCorruption) << pos;
    EXPECT_NE(v.ToString().find("expected sha256"), std::string::npos) << v.ToString();
    const std::string path = dir_ + "/bad.db";
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bad;
    EXPECT_EQ(VerifySnapshotFile(io::DefaultEnv(), path).code(), Status::Code::kCorruption) << pos;
  }
  // Without the trailer (a plain db file): rejected unless the hash check is skipped.
  const std::string plain = s.file.substr(0, s.info.db_bytes);
  Status v = VerifySnapshot(plain);
  EXPECT_NE(v.ToString().find("snapshot missing hash"), std::string::npos) << v.ToString();
  EXPECT_TRUE(VerifySnapshot(plain, /*skip_hash_check=*/true).ok());
  EXPECT_FALSE(VerifySnapshot(s.file.substr(0, s.file.size() - 1)).ok());
}

TEST_F(BoltSnapshotTest, ExtractSnapshotDbRestoresTheDb) {
  Streamed s;
  ASSERT_TRUE(Stream(bolt(), &s).ok());
  const std::string snap = dir_ + "/x.snap";
  std::ofstream(snap, std::ios::binary) << s.file;
  const std::string db = dir_ + "/restored.db";
  Status st = ExtractSnapshotDb(io::DefaultEnv(), snap, db);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(std::filesystem::file_size(db), s.info.db_bytes);
  EXPECT_EQ(ExtractSnapshotDb(io::DefaultEnv(), snap, db).code(), Status::Code::kExists);
  testing::OpenStore restored;
  ASSERT_TRUE(restored.Open(db).ok());
  EXPECT_EQ(restored.kv->current_revision(), 2001);
  restored.Close();

  std::string bad = s.file;
  bad[100] ^= 1;
  std::ofstream(snap, std::ios::binary | std::ios::trunc) << bad;
  EXPECT_EQ(ExtractSnapshotDb(io::DefaultEnv(), snap, dir_ + "/bad.db").code(), Status::Code::kCorruption);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/bad.db"));
}

// The stream reads one read transaction: commits during it do not leak in.
TEST_F(BoltSnapshotTest, StreamIsConsistentUnderConcurrentCommits) {
  std::unique_ptr<BoltReadView> view;
  ASSERT_TRUE(bolt()->BeginRead(&view).ok());
  Streamed s;
  int chunks_seen = 0;
  Status st = StreamSnapshot(
      *view,
      [&](std::string_view blob, uint64_t) {
        s.file.append(blob);
        if (++chunks_seen % 4 == 1) {  // write while the stream is running
          mvcc::PutResponse r;
          CAIRN_RETURN_IF_ERROR(
              store_.kv->Put({.key = "late" + std::to_string(chunks_seen), .value = "x"}, &r));
          CAIRN_RETURN_IF_ERROR(store_.kv->Commit());
        }
        return Status::Ok();
      },
      &s.info);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_TRUE(VerifySnapshot(s.file).ok());
  const std::string path = dir_ + "/during.db";
  std::ofstream(path, std::ios::binary) << s.file;
  SnapshotStatus saved;
  ASSERT_TRUE(SnapshotStatusOfFile(io::DefaultEnv(), path, &saved).ok());
  EXPECT_EQ(saved.revision, 2001);
  EXPECT_GT(store_.kv->current_revision(), 2001);
}

}  // namespace
}  // namespace cairn::backend

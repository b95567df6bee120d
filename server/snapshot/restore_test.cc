// Restore in-process: a bolt file with etcd's buckets, snapshotted with etcd's trailer, restored;
// the result checked with real bbolt's Tx.Check (//tests/bbolt_oracle) and read back bucket by
// bucket.
#include "server/snapshot/restore.h"

#include <gtest/gtest.h>
#include <openssl/sha.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "server/etcdserver/member_id.h"
#include "server/snapshot/member_records.h"
#include "server/snapshot/snapshot_main.h"
#include "storage/bolt/db.h"
#include "storage/io/file.h"
#include "storage/mvcc/revision.h"

namespace cairn::snapshot {
namespace {

namespace fs = std::filesystem;
using Dump = std::map<std::string, std::map<std::string, std::string>>;

std::string Runfile(const std::string& path) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* ws = std::getenv("TEST_WORKSPACE");
  return std::string(srcdir ? srcdir : ".") + "/" + (ws ? ws : "cairn") + "/" + path;
}

int OracleCheck(const std::string& db) {
  const std::string cmd = Runfile("tests/bbolt_oracle/bbolt_oracle") + " check '" + db + "' 1>&2";
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string Sha(const std::string& bytes) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), d);
  return std::string(reinterpret_cast<const char*>(d), sizeof d);
}

Dump DumpDb(const std::string& path) {
  bolt::Options o;
  o.read_only = true;
  std::unique_ptr<bolt::DB> db;
  EXPECT_TRUE(bolt::DB::Open(io::DefaultEnv(), path, o, &db).ok());
  std::unique_ptr<bolt::Tx> tx;
  EXPECT_TRUE(db->Begin(false, &tx).ok());
  Dump out;
  bolt::Cursor roots = tx->Root()->NewCursor();
  for (bool ok = roots.First(); ok; ok = roots.Next()) {
    const std::string name(roots.key());
    auto& bucket = out[name];
    bolt::Cursor c = tx->Bucket(name)->NewCursor();
    for (bool more = c.First(); more; more = c.Next()) bucket[std::string(c.key())] = std::string(c.value());
  }
  EXPECT_TRUE(tx->Rollback().ok());
  return out;
}

// The command line (argv[0] = "snapshot").
int RunCli(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  return RunSnapshot(static_cast<int>(argv.size()), argv.data());
}

class RestoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* base = std::getenv("TEST_TMPDIR");
    dir_ = std::string(base ? base : "/tmp") + "/restore_" + std::to_string(::getpid());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    // A db shaped like etcd's: an old member, a removed one, keys, a lease, meta, auth, cluster.
    const std::string db_path = dir_ + "/source.db";
    {
      std::unique_ptr<bolt::DB> db;
      ASSERT_TRUE(bolt::DB::Open(io::DefaultEnv(), db_path, bolt::Options{}, &db).ok());
      std::unique_ptr<bolt::Tx> tx;
      ASSERT_TRUE(db->Begin(true, &tx).ok());
      bolt::Bucket* b = nullptr;
      ASSERT_TRUE(tx->CreateBucket("key", &b).ok());
      for (int i = 1; i <= 300; ++i) {
        std::string rev = mvcc::BigEndian64(static_cast<uint64_t>(i)) + "_" + mvcc::BigEndian64(0);
        ASSERT_TRUE(b->Put(rev, "value-" + std::to_string(i) + std::string(100, 'v')).ok());
      }
      ASSERT_TRUE(tx->CreateBucket("meta", &b).ok());
      ASSERT_TRUE(b->Put("consistent_index", mvcc::BigEndian64(12345)).ok());
      ASSERT_TRUE(b->Put("term", mvcc::BigEndian64(7)).ok());
      ASSERT_TRUE(b->Put("finishedCompactRev", mvcc::BigEndian64(3)).ok());
      ASSERT_TRUE(tx->CreateBucket("lease", &b).ok());
      ASSERT_TRUE(b->Put(mvcc::BigEndian64(0x694da2071244a9bULL), "lease-proto").ok());
      ASSERT_TRUE(tx->CreateBucket("members", &b).ok());
      ASSERT_TRUE(b->Put("abc", R"({"id":2748,"peerURLs":["http://old:2380"],"name":"old"})").ok());
      ASSERT_TRUE(tx->CreateBucket("members_removed", &b).ok());
      ASSERT_TRUE(b->Put("def", "removed").ok());
      ASSERT_TRUE(tx->CreateBucket("cluster", &b).ok());
      ASSERT_TRUE(b->Put("clusterVersion", "3.4.0").ok());
      ASSERT_TRUE(tx->CreateBucket("auth", &b).ok());
      ASSERT_TRUE(b->Put("authRevision", mvcc::BigEndian64(1)).ok());
      ASSERT_TRUE(tx->Commit().ok());
    }
    db_bytes_ = ReadFile(db_path);
    ASSERT_EQ(db_bytes_.size() % 4096, 0u);
    source_ = DumpDb(db_path);
    snap_ = dir_ + "/snap.db";
    WriteFile(snap_, db_bytes_ + Sha(db_bytes_));
  }
  void TearDown() override { fs::remove_all(dir_); }

  RestoreOptions Options(const std::string& data_dir) {
    RestoreOptions o;
    o.snapshot_path = snap_;
    o.data_dir = data_dir;
    return o;
  }
  // Entries of dir_ (to prove nothing was left behind).
  std::vector<std::string> Entries() {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

  std::string dir_, snap_, db_bytes_;
  Dump source_;
};

TEST_F(RestoreTest, DataDirContract) {
  RestoreOptions o = Options(dir_ + "/out");
  o.name = "m2";
  o.initial_cluster = "m1=http://10.0.0.1:2380,m2=http://10.0.0.2:2380,m3=http://10.0.0.3:2380";
  o.initial_cluster_token = "tok";
  o.initial_advertise_peer_urls = "http://10.0.0.2:2380";
  ASSERT_TRUE(Restore(o).ok());

  const std::string db = dir_ + "/out/member/snap/db";
  EXPECT_EQ(OracleCheck(db), 0);
  EXPECT_TRUE(fs::is_directory(dir_ + "/out/member/wal"));
  EXPECT_TRUE(fs::is_empty(dir_ + "/out/member/wal"));
  EXPECT_EQ(fs::status(dir_ + "/out/member/snap/db").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(Entries(), (std::vector<std::string>{"out", "snap.db", "source.db"}));

  Dump got = DumpDb(db);
  // Untouched buckets are byte for byte the snapshot's.
  for (const char* name : {"key", "lease", "cluster", "auth"}) EXPECT_EQ(got[name], source_[name]) << name;

  const uint64_t id1 = etcdserver::ComputeMemberId({"http://10.0.0.1:2380"}, "tok");
  const uint64_t id2 = etcdserver::ComputeMemberId({"http://10.0.0.2:2380"}, "tok");
  const uint64_t id3 = etcdserver::ComputeMemberId({"http://10.0.0.3:2380"}, "tok");
  std::map<std::string, std::string> members = {
      {MemberKey(id1),
       "{\"id\":" + std::to_string(id1) + ",\"peerURLs\":[\"http://10.0.0.1:2380\"],\"name\":\"m1\"}"},
      {MemberKey(id2),
       "{\"id\":" + std::to_string(id2) + ",\"peerURLs\":[\"http://10.0.0.2:2380\"],\"name\":\"m2\"}"},
      {MemberKey(id3),
       "{\"id\":" + std::to_string(id3) + ",\"peerURLs\":[\"http://10.0.0.3:2380\"],\"name\":\"m3\"}"},
  };
  EXPECT_EQ(got["members"], members);
  EXPECT_TRUE(got.count("members_removed") == 1 && got["members_removed"].empty());

  std::vector<uint64_t> ids = {id1, id2, id3};
  std::sort(ids.begin(), ids.end());
  std::map<std::string, std::string> meta = {
      {"consistent_index", std::string("\0\0\0\0\0\0\0\3", 8)},
      {"term", std::string("\0\0\0\0\0\0\0\1", 8)},
      {"finishedCompactRev", mvcc::BigEndian64(3)},
      {"confState", "{\"voters\":[" + std::to_string(ids[0]) + "," + std::to_string(ids[1]) + "," +
                        std::to_string(ids[2]) + "],\"auto_leave\":false}"},
      {"cairn_cluster_id", mvcc::BigEndian64(etcdserver::ComputeClusterId(ids))},
  };
  EXPECT_EQ(got["meta"], meta);
}

TEST_F(RestoreTest, DefaultsGiveEtcdsDefaultMember) {
  ASSERT_TRUE(Restore(Options(dir_ + "/d")).ok());
  Dump got = DumpDb(dir_ + "/d/member/snap/db");
  EXPECT_EQ(got["members"],
            (std::map<std::string, std::string>{
                {"8e9e05c52164694d",
                 R"({"id":10276657743932975437,"peerURLs":["http://localhost:2380"],"name":"default"})"}}));
  EXPECT_EQ(got["meta"]["consistent_index"], mvcc::BigEndian64(1));
  EXPECT_EQ(got["meta"]["cairn_cluster_id"], mvcc::BigEndian64(0xcdf818194e3a8c32ULL));
  EXPECT_EQ(got["meta"]["confState"], R"({"voters":[10276657743932975437],"auto_leave":false})");
}

TEST_F(RestoreTest, ExistingDataDirOrWalDirRefused) {
  fs::create_directories(dir_ + "/taken");
  WriteFile(dir_ + "/taken/keep", "x");
  EXPECT_EQ(Restore(Options(dir_ + "/taken")).message(), "data-dir \"" + dir_ + "/taken\" exists");
  EXPECT_EQ(ReadFile(dir_ + "/taken/keep"), "x");
  RestoreOptions o = Options(dir_ + "/fresh");
  o.wal_dir = dir_ + "/taken";
  EXPECT_EQ(Restore(o).message(), "wal-dir \"" + dir_ + "/taken\" exists");
  EXPECT_EQ(Entries(), (std::vector<std::string>{"snap.db", "source.db", "taken"}));
}

TEST_F(RestoreTest, HashMismatchLeavesNothing) {
  std::string bad = db_bytes_ + Sha(db_bytes_);
  bad[5000] ^= 1;
  WriteFile(snap_, bad);
  const Status st = Restore(Options(dir_ + "/a/b/out"));
  EXPECT_EQ(st.message().rfind("expected sha256 [", 0), 0u) << st.message();
  EXPECT_EQ(Entries(), (std::vector<std::string>{"snap.db", "source.db"}));
}

TEST_F(RestoreTest, RawDbNeedsSkipHashCheck) {
  WriteFile(snap_, db_bytes_);
  EXPECT_EQ(Restore(Options(dir_ + "/out")).message(), "snapshot missing hash but --skip-hash-check=false");
  EXPECT_EQ(Entries(), (std::vector<std::string>{"snap.db", "source.db"}));
  RestoreOptions o = Options(dir_ + "/out");
  o.skip_hash_check = true;
  ASSERT_TRUE(Restore(o).ok());
  EXPECT_EQ(OracleCheck(dir_ + "/out/member/snap/db"), 0);
  EXPECT_EQ(DumpDb(dir_ + "/out/member/snap/db")["key"], source_["key"]);
}

TEST_F(RestoreTest, CorruptDbWithSkipHashCheckRefused) {
  std::string bad = db_bytes_;
  for (size_t i = 4096 * 2; i < bad.size(); ++i) bad[i] = '\x5a';  // every page but the metas
  WriteFile(snap_, bad);
  RestoreOptions o = Options(dir_ + "/out");
  o.skip_hash_check = true;
  EXPECT_FALSE(Restore(o).ok());
  EXPECT_EQ(Entries(), (std::vector<std::string>{"snap.db", "source.db"}));
}

// Open succeeds (metas and freelist intact) but one leaf page of the "key" bucket has an invalid
// page type: only the walk before modification can catch it.
TEST_F(RestoreTest, DamagedPageFoundByCheckWithSkipHashCheck) {
  std::string bad = db_bytes_;
  bool damaged = false;
  for (size_t off = 4096 * 2; off + 16 <= bad.size() && !damaged; off += 4096) {
    const uint16_t flags = static_cast<uint8_t>(bad[off + 8]) | (static_cast<uint8_t>(bad[off + 9]) << 8);
    const uint16_t count = static_cast<uint8_t>(bad[off + 10]) | (static_cast<uint8_t>(bad[off + 11]) << 8);
    if (flags == 0x02 && count > 10) {  // a leaf page with many entries: part of "key"
      bad[off + 8] = '\x40';
      damaged = true;
    }
  }
  ASSERT_TRUE(damaged);
  WriteFile(snap_, bad);
  RestoreOptions o = Options(dir_ + "/out");
  o.skip_hash_check = true;
  const Status st = Restore(o);
  EXPECT_EQ(st.message().rfind("snapshot file integrity check failed: ", 0), 0u) << st.message();
  EXPECT_EQ(Entries(), (std::vector<std::string>{"snap.db", "source.db"}));
  EXPECT_EQ(RunCli({"snapshot", "status", snap_}), 1);
}

TEST_F(RestoreTest, ExternalWalDirCreatedEmpty) {
  RestoreOptions o = Options(dir_ + "/out");
  o.wal_dir = dir_ + "/wals/w1";
  ASSERT_TRUE(Restore(o).ok());
  EXPECT_TRUE(fs::is_directory(dir_ + "/wals/w1") && fs::is_empty(dir_ + "/wals/w1"));
  EXPECT_FALSE(fs::exists(dir_ + "/out/member/wal"));
  EXPECT_TRUE(fs::exists(dir_ + "/out/member/snap/db"));
}

TEST_F(RestoreTest, WalDirInsideDataDirAndTrailingSlashes) {
  RestoreOptions o = Options(dir_ + "/in/");
  o.wal_dir = dir_ + "/in//wal/";
  ASSERT_TRUE(Restore(o).ok());
  EXPECT_TRUE(fs::is_directory(dir_ + "/in/wal") && fs::is_empty(dir_ + "/in/wal"));
  EXPECT_FALSE(fs::exists(dir_ + "/in/member/wal"));
  EXPECT_TRUE(fs::exists(dir_ + "/in/member/snap/db"));

  o = Options(dir_ + "/same");
  o.wal_dir = dir_ + "/./same/";
  EXPECT_EQ(Restore(o).message(), "--wal-dir must differ from --data-dir");
  EXPECT_EQ(Entries(), (std::vector<std::string>{"in", "snap.db", "source.db"}));
}

TEST_F(RestoreTest, BadClusterFlagsCreateNothing) {
  RestoreOptions o = Options(dir_ + "/out");
  o.name = "m1";
  EXPECT_EQ(Restore(o).message(), "couldn't find local name \"m1\" in the initial cluster configuration");
  EXPECT_EQ(Entries(), (std::vector<std::string>{"snap.db", "source.db"}));
}

TEST_F(RestoreTest, CommandLine) {
  EXPECT_EQ(RunCli({"snapshot", "restore"}), 128);
  EXPECT_EQ(RunCli({"snapshot", "status"}), 128);
  EXPECT_EQ(RunCli({"snapshot", "restore", snap_, "--bogus"}), 1);
  EXPECT_EQ(RunCli({"snapshot", "status", snap_, "-w", "yaml"}), 4);
  EXPECT_EQ(RunCli({"snapshot", "status", snap_, "-w", "protobuf"}), 4);
  EXPECT_EQ(RunCli({"snapshot", "status", snap_, "--write-out=json"}), 0);
  EXPECT_EQ(RunCli({"snapshot", "status", dir_ + "/nope"}), 1);
  EXPECT_EQ(RunCli({"snapshot", "restore", snap_, "--data-dir", dir_ + "/c1", "--name=n", "--initial-cluster",
                    "n=http://127.0.0.1:2380", "--initial-advertise-peer-urls=http://127.0.0.1:2380",
                    "--skip-hash-check=false"}),
            0);
  EXPECT_TRUE(fs::exists(dir_ + "/c1/member/snap/db"));
  EXPECT_EQ(RunCli({"snapshot", "restore", snap_, "--data-dir", dir_ + "/c1"}), 1);  // exists
  fs::remove(dir_ + "/c1/member/snap/db");
}

}  // namespace
}  // namespace cairn::snapshot

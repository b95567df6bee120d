// Against Debian's real etcd 3.4 and etcdctl (external oracles, CRAFT.md §11):
//   * KvStore::Open over a member/snap/db written by etcd restores etcd's keys, revisions,
//     versions and lease (fixture: //tests/bbolt_oracle:make_etcd_db.sh);
//   * `etcdctl snapshot status` on snapshots streamed by Cairn reports the same hash, revision,
//     key count and size as SnapshotStatusOfFile;
//   * `etcdctl snapshot restore` accepts Cairn's sha256 trailer and rejects a flipped byte, and
//     the restored db opens in Cairn with the same keys.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "storage/backend/bolt_backend.h"
#include "storage/backend/bolt_snapshot.h"
#include "storage/backend/bolt_snapshot_status.h"
#include "storage/backend/bolt_test_util.h"

namespace cairn::backend {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// All live keys as "<key> <value> <lease-hex16 or 0>", sorted (make_etcd_db.sh's expected.txt).
std::string LiveKeys(mvcc::KvStore* kv) {
  mvcc::RangeRequest rr;
  rr.key = std::string(1, '\0');
  rr.range_end = std::string(1, '\0');
  mvcc::RangeResponse r;
  EXPECT_TRUE(kv->Range(rr, &r).ok());
  std::string out;
  for (const auto& item : r.kvs) {
    char lease[32] = "0";
    if (item.kv.lease != 0)
      std::snprintf(lease, sizeof lease, "%016llx", static_cast<unsigned long long>(item.kv.lease));
    out += std::string(item.kv.key) + " " + std::string(item.kv.value) + " " + lease + "\n";
  }
  return out;
}

mvcc::KeyValue Get(mvcc::KvStore* kv, const std::string& key) {
  mvcc::RangeRequest rr;
  rr.key = key;
  mvcc::RangeResponse r;
  EXPECT_TRUE(kv->Range(rr, &r).ok());
  EXPECT_EQ(r.kvs.size(), 1u) << key;
  return r.kvs.empty() ? mvcc::KeyValue{} : r.kvs[0].kv.ToOwned();
}

// `ETCDCTL_API=3 etcdctl snapshot status FILE -w json`.
bool EtcdctlStatus(const std::string& file, SnapshotStatus* out) {
  testing::CommandResult r =
      testing::RunCommand("ETCDCTL_API=3 etcdctl snapshot status " + file + " -w json");
  if (r.exit_code != 0) return false;
  auto field = [&](const char* name) -> int64_t {
    std::smatch m;
    std::regex re(std::string("\"") + name + "\":([0-9]+)");
    if (!std::regex_search(r.out, m, re)) return -1;
    return std::stoll(m[1]);
  };
  out->hash = static_cast<uint32_t>(field("hash"));
  out->revision = field("revision");
  out->total_keys = field("totalKey");
  out->total_bytes = field("totalSize");
  std::fprintf(stderr, "etcdctl snapshot status %s: %s", file.c_str(), r.out.c_str());
  return true;
}

void ExpectSameStatus(const std::string& file) {
  SnapshotStatus etcd, ours;
  ASSERT_TRUE(EtcdctlStatus(file, &etcd)) << file;
  Status s = SnapshotStatusOfFile(io::DefaultEnv(), file, &ours);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(ours.hash, etcd.hash) << file;
  EXPECT_EQ(ours.revision, etcd.revision) << file;
  EXPECT_EQ(ours.total_keys, etcd.total_keys) << file;
  EXPECT_EQ(ours.total_bytes, etcd.total_bytes) << file;
}

Status SaveSnapshot(BoltStore* store, const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  return StreamSnapshot(
      store,
      [&out](std::string_view blob, uint64_t) {
        out.write(blob.data(), static_cast<std::streamsize>(blob.size()));
        return out.good() ? Status::Ok() : Status::IOError("write snapshot");
      },
      nullptr);
}

class BoltEtcdTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    fixture_ = new std::string(testing::TempDir("etcd_fixture"));
    testing::CommandResult made = testing::RunCommand(testing::Runfile("tests/bbolt_oracle/make_etcd_db.sh") +
                                                      " " + *fixture_ + " 1>&2");
    fixture_ok_ = made.exit_code == 0;
  }
  void SetUp() override {
    ASSERT_TRUE(fixture_ok_) << "make_etcd_db.sh failed (see log)";
    dir_ = testing::TempDir("etcd_" +
                            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    path_ = dir_ + "/db";
    std::filesystem::copy_file(*fixture_ + "/db", path_);
  }
  static std::string Fixture(const std::string& name) { return *fixture_ + "/" + name; }

  static std::string* fixture_;
  static bool fixture_ok_;
  std::string dir_, path_;
};
std::string* BoltEtcdTest::fixture_ = nullptr;
bool BoltEtcdTest::fixture_ok_ = false;

TEST_F(BoltEtcdTest, KvStoreOpensEtcdWrittenDb) {
  testing::OpenStore s;
  ASSERT_TRUE(s.Open(path_).ok());
  const int revisions = std::stoi(ReadFile(Fixture("revisions.txt")));
  EXPECT_EQ(s.kv->current_revision(), 1 + revisions);
  EXPECT_EQ(s.kv->compact_revision(), -1);
  EXPECT_EQ(LiveKeys(s.kv.get()), ReadFile(Fixture("expected.txt")));
  // The fixture's history: foo@2 foo@3 alpha@4 beta@5 gamma@6 del beta@7 leased@8 p1@9.
  mvcc::KeyValue foo = Get(s.kv.get(), "foo");
  EXPECT_EQ(foo.create_revision, 2);
  EXPECT_EQ(foo.mod_revision, 3);
  EXPECT_EQ(foo.version, 2);
  EXPECT_EQ(Get(s.kv.get(), "/registry/pods/default/p1").mod_revision, 9);
  mvcc::RangeRequest old;
  old.key = "beta";
  old.revision = 6;
  mvcc::RangeResponse r;
  ASSERT_TRUE(s.kv->Range(old, &r).ok());
  ASSERT_EQ(r.kvs.size(), 1u);
  EXPECT_EQ(r.kvs[0].kv.value, "2");
  EXPECT_GT(s.kv->consistent_index(), 0u);

  const mvcc::LeaseId lease =
      static_cast<mvcc::LeaseId>(std::stoull(ReadFile(Fixture("lease_id.txt")), nullptr, 16));
  mvcc::LeaseInfo info;
  ASSERT_TRUE(s.lessor->Lookup(lease, &info));
  EXPECT_EQ(info.granted_ttl_seconds, 3600);
  EXPECT_EQ(info.keys, std::vector<std::string>{"leased"});

  // Cairn writes on top of etcd's file; real bbolt still accepts it and a reopen sees both.
  mvcc::PutResponse pr;
  ASSERT_TRUE(s.kv->Put({.key = "cairn", .value = "was here"}, &pr).ok());
  EXPECT_EQ(pr.revision, 2 + revisions);
  s.Close();
  EXPECT_EQ(testing::Oracle("check " + path_).out, "ok\n");
  ASSERT_TRUE(s.Open(path_).ok());
  EXPECT_EQ(s.kv->current_revision(), 2 + revisions);
  EXPECT_EQ(Get(s.kv.get(), "cairn").value, "was here");
  EXPECT_EQ(Get(s.kv.get(), "leased").lease, lease);
}

TEST_F(BoltEtcdTest, EtcdctlSnapshotStatusAgreesWithOurs) {
  ExpectSameStatus(path_);  // etcd's own file
  testing::OpenStore s;
  ASSERT_TRUE(s.Open(path_).ok());
  for (int i = 0; i < 3000; ++i) {
    mvcc::PutResponse r;
    ASSERT_TRUE(
        s.kv->Put({.key = "k" + std::to_string(i % 700), .value = std::string(i % 300, 'x')}, &r).ok());
  }
  std::shared_future<void> done;
  ASSERT_TRUE(s.kv->Compact(s.kv->current_revision() - 100, &done).ok());
  done.wait();
  ASSERT_TRUE(s.kv->Commit().ok());
  const std::string snap = dir_ + "/snapshot.db";
  ASSERT_TRUE(SaveSnapshot(BoltStoreOf(s.backend.get()), snap).ok());
  const mvcc::Revision rev = s.kv->current_revision();
  s.Close();
  ASSERT_TRUE(VerifySnapshotFile(io::DefaultEnv(), snap).ok());
  ExpectSameStatus(snap);
  SnapshotStatus ours;
  ASSERT_TRUE(SnapshotStatusOfFile(io::DefaultEnv(), snap, &ours).ok());
  EXPECT_EQ(ours.revision, rev);
  ExpectSameStatus(path_);  // the live file Cairn wrote
}

TEST_F(BoltEtcdTest, EtcdctlRestoreAcceptsOurTrailerAndRejectsCorruption) {
  testing::OpenStore s;
  ASSERT_TRUE(s.Open(path_).ok());
  mvcc::PutResponse pr;
  ASSERT_TRUE(s.kv->Put({.key = "from", .value = "cairn"}, &pr).ok());
  ASSERT_TRUE(s.kv->Commit().ok());
  const std::string snap = dir_ + "/snapshot.db";
  ASSERT_TRUE(SaveSnapshot(BoltStoreOf(s.backend.get()), snap).ok());
  s.Close();

  const std::string restore = "ETCDCTL_API=3 etcdctl snapshot restore ";
  testing::CommandResult ok = testing::RunCommand(restore + snap + " --data-dir " + dir_ + "/restored 2>&1");
  ASSERT_EQ(ok.exit_code, 0) << ok.out;

  std::string bytes = ReadFile(snap);
  bytes[bytes.size() / 2] ^= 0x10;
  const std::string bad = dir_ + "/bad.db";
  std::ofstream(bad, std::ios::binary) << bytes;
  EXPECT_EQ(VerifySnapshotFile(io::DefaultEnv(), bad).code(), Status::Code::kCorruption);
  testing::CommandResult rejected =
      testing::RunCommand(restore + bad + " --data-dir " + dir_ + "/restored_bad 2>&1");
  EXPECT_NE(rejected.exit_code, 0);
  EXPECT_NE(rejected.out.find("expected sha256"), std::string::npos) << rejected.out;

  // The db etcd restored from Cairn's snapshot opens in Cairn with the same keys.
  testing::OpenStore restored;
  ASSERT_TRUE(restored.Open(dir_ + "/restored/member/snap/db").ok());
  EXPECT_EQ(Get(restored.kv.get(), "from").value, "cairn");
  EXPECT_EQ(Get(restored.kv.get(), "foo").value, "baz");
  EXPECT_EQ(restored.kv->current_revision(), pr.revision);
}

}  // namespace
}  // namespace cairn::backend

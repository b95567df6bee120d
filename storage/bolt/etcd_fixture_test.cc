// Reads a member/snap/db written by a real etcd 3.4 (Debian's /usr/bin/etcd,
// driven by //tests/bbolt_oracle:make_etcd_db.sh): it must open, pass Check,
// dump exactly as bbolt dumps it, and stay valid for bbolt after Cairn commits
// to it (etcd writes NoFreelistSync files: no freelist page).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "storage/bolt/db.h"
#include "storage/bolt/dump.h"
#include "storage/bolt/oracle_util.h"
#include "storage/bolt/test_util.h"

namespace cairn::bolt {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(EtcdFixtureTest, CairnReadsEtcdWrittenDb) {
  std::string dir = testing::TempDir("etcd");
  testing::CommandResult made =
      testing::RunCommand(testing::Runfile("tests/bbolt_oracle/make_etcd_db.sh") + " " + dir + " 1>&2");
  ASSERT_EQ(made.exit_code, 0) << "make_etcd_db.sh failed (see log)";
  std::string path = dir + "/db";
  testing::CommandResult dump = testing::Oracle("dump " + path);
  ASSERT_EQ(dump.exit_code, 0);

  std::unique_ptr<DB> db;
  Status s = DB::Open(io::DefaultEnv(), path, Options(), &db);
  ASSERT_TRUE(s.ok()) << s.ToString();
  s = db->Check();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Dump(db.get()), dump.out);

  std::unique_ptr<Tx> tx;
  ASSERT_TRUE(db->Begin(false, &tx).ok());
  for (const char* name : {"key", "meta", "lease", "members", "cluster", "auth", "alarm"}) {
    EXPECT_NE(tx->Bucket(name), nullptr) << name;
  }
  int revisions = 0;
  Cursor c = tx->Bucket("key")->NewCursor();
  for (bool ok = c.First(); ok; ok = c.Next()) {
    EXPECT_EQ(c.key().size(), 17u + (c.key().size() == 18 ? 1 : 0));  // revision key, 't' for tombstones
    ++revisions;
  }
  EXPECT_EQ(std::to_string(revisions) + "\n", ReadFile(dir + "/revisions.txt"));
  EXPECT_TRUE(tx->Bucket("meta")->Get("consistent_index").has_value());
  tx.reset();

  // Cairn commits to the etcd file; bbolt must still accept it.
  ASSERT_TRUE(db->Begin(true, &tx).ok());
  ASSERT_TRUE(tx->Bucket("meta")->Put("cairn", "was here").ok());
  ASSERT_TRUE(tx->Commit().ok());
  ASSERT_TRUE(db->Check().ok());
  testing::CommandResult check = testing::Oracle("check " + path);
  EXPECT_EQ(check.out, "ok\n");
  testing::CommandResult dump2 = testing::Oracle("dump " + path);
  EXPECT_EQ(Dump(db.get()), dump2.out);
}

}  // namespace
}  // namespace cairn::bolt

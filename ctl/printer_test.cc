// Unit checks of the Go-compatible encoders; whole-command output is compared with Debian's
// real etcdctl in tests/e2e/ctl_face_test.py.
#include <gtest/gtest.h>

#include "ctl/flags.h"
#include "ctl/go_json.h"
#include "ctl/table.h"
#include "proto/rpc.pb.h"

namespace cairn::ctl {
namespace {

TEST(GoJson, RangeResponseLikeEncodingJson) {
  etcdserverpb::RangeResponse r;
  r.mutable_header()->set_cluster_id(14841639068965178418ull);
  r.mutable_header()->set_revision(2);
  auto* kv = r.add_kvs();
  kv->set_key("foo");
  kv->set_value("<b&r>");
  kv->set_create_revision(2);
  r.set_count(1);
  std::string s;
  AppendGoJson(r, &s);
  EXPECT_EQ(s,
            "{\"header\":{\"cluster_id\":14841639068965178418,\"revision\":2},\"kvs\":[{\"key\":\"Zm9v\","
            "\"create_revision\":2,\"value\":\"PGImcj4=\"}],\"count\":1}");
}

TEST(GoJson, OneofUsesGoFieldNames) {
  etcdserverpb::TxnResponse r;
  r.set_succeeded(true);
  r.add_responses()->mutable_response_put();
  std::string s;
  AppendGoJson(r, &s);
  EXPECT_EQ(s, "{\"succeeded\":true,\"responses\":[{\"Response\":{\"ResponsePut\":{}}}]}");
}

TEST(GoJson, StringEscapes) {
  std::string s;
  AppendGoJsonString(std::string("a\"\\\n<\x01\xff", 7), &s);
  EXPECT_EQ(s, "\"a\\\"\\\\\\n\\u003c\\u0001\\ufffd\"");
}

TEST(Table, TablewriterLayout) {
  EXPECT_EQ(RenderTable({"endpoint", "hash"}, {{"127.0.0.1:2379", "1084519789"}}),
            "+----------------+------------+\n"
            "|    ENDPOINT    |    HASH    |\n"
            "+----------------+------------+\n"
            "| 127.0.0.1:2379 | 1084519789 |\n"
            "+----------------+------------+\n");
}

TEST(Flags, PflagForms) {
  FlagSet fs;
  bool b = false;
  std::string w;
  int64_t n = 0, d = 0;
  std::vector<std::string> eps;
  fs.Bool("prefix", &b, false, "");
  fs.String("write-out", &w, "simple", "", 'w');
  fs.Int("limit", &n, 0, "");
  fs.Duration("dial-timeout", &d, 2000000000, "");
  fs.StringSlice("endpoints", &eps, {"127.0.0.1:2379"}, "");
  std::vector<std::string> pos;
  std::string err;
  ASSERT_TRUE(fs.Parse(
      {"foo", "--prefix", "-wjson", "--limit=3", "--dial-timeout", "1.5s", "--endpoints=a,b", "--", "--x"},
      &pos, &err))
      << err;
  EXPECT_TRUE(b);
  EXPECT_EQ(w, "json");
  EXPECT_EQ(n, 3);
  EXPECT_EQ(d, 1500000000);
  EXPECT_EQ(eps, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(pos, (std::vector<std::string>{"foo", "--x"}));
  EXPECT_FALSE(fs.Parse({"--bogus"}, &pos, &err));
  EXPECT_EQ(err, "unknown flag: --bogus");
  EXPECT_FALSE(fs.Parse({"--limit=x"}, &pos, &err));
  EXPECT_EQ(err,
            "invalid argument \"x\" for \"--limit\" flag: strconv.ParseInt: parsing \"x\": invalid syntax");
}

}  // namespace
}  // namespace cairn::ctl

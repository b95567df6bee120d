#include "server/snapshot/member_records.h"

#include <gtest/gtest.h>

namespace cairn::snapshot {
namespace {

// Byte for byte what Debian's etcd 3.4.23 stored for its default member (read from its
// member/snap/db with bbolt), without the clientURLs it publishes once started.
TEST(MemberRecordsTest, DefaultMemberJsonMatchesEtcd) {
  MemberRecord m;
  m.id = 0x8e9e05c52164694dULL;
  m.name = "default";
  m.peer_urls = {"http://localhost:2380"};
  EXPECT_EQ(MemberKey(m.id), "8e9e05c52164694d");
  EXPECT_EQ(MemberJson(m),
            R"({"id":10276657743932975437,"peerURLs":["http://localhost:2380"],"name":"default"})");
  m.client_urls = {"http://127.0.0.1:23791"};
  EXPECT_EQ(MemberJson(m),
            R"({"id":10276657743932975437,"peerURLs":["http://localhost:2380"],"name":"default",)"
            R"("clientURLs":["http://127.0.0.1:23791"]})");
}

TEST(MemberRecordsTest, OmitemptyFieldsAndLearner) {
  MemberRecord m;
  m.id = 1;
  m.peer_urls = {"http://a:1", "http://b:2"};
  EXPECT_EQ(MemberJson(m), R"({"id":1,"peerURLs":["http://a:1","http://b:2"]})");
  m.is_learner = true;
  m.name = "x";
  EXPECT_EQ(MemberJson(m), R"({"id":1,"peerURLs":["http://a:1","http://b:2"],"isLearner":true,"name":"x"})");
  m.peer_urls.clear();
  m.is_learner = false;
  EXPECT_EQ(MemberJson(m), R"({"id":1,"peerURLs":null,"name":"x"})");
}

TEST(MemberRecordsTest, KeyIsUnpaddedLowerHex) {
  EXPECT_EQ(MemberKey(0xabc), "abc");
  EXPECT_EQ(MemberKey(0xFFFFFFFFFFFFFFFFULL), "ffffffffffffffff");
}

TEST(MemberRecordsTest, ConfStateSortsVotersAsDecimal) {
  EXPECT_EQ(ConfStateJson({0x8e9e05c52164694dULL, 2}),
            R"({"voters":[2,10276657743932975437],"auto_leave":false})");
  EXPECT_EQ(ConfStateJson({}), R"({"voters":[],"auto_leave":false})");
}

}  // namespace
}  // namespace cairn::snapshot

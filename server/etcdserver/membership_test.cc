#include "server/etcdserver/membership.h"

#include <gtest/gtest.h>

#include "server/etcdserver/bootstrap.h"
#include "server/etcdserver/go_json.h"
#include "storage/backend/mem_backend.h"

namespace cairn::etcdserver {
namespace {

TEST(MemberJson, MatchesEtcdsEncoding) {
  // Bytes as etcd 3.4 writes them into the members bucket (json.Marshal of membership.Member).
  Member m{10276657743932975437u, "default", {"http://localhost:2380"}, {}, false};
  EXPECT_EQ(EncodeMemberJson(m),
            R"({"id":10276657743932975437,"peerURLs":["http://localhost:2380"],"name":"default"})");
  Member added{1, "", {"http://a:2380", "http://b:2380"}, {}, true};
  EXPECT_EQ(EncodeMemberJson(added),
            R"({"id":1,"peerURLs":["http://a:2380","http://b:2380"],"isLearner":true})");
  Member full{2, "n<&>", {"u"}, {"http://c:2379"}, false};
  EXPECT_EQ(EncodeMemberJson(full),
            R"({"id":2,"peerURLs":["u"],"name":"n\u003c\u0026\u003e","clientURLs":["http://c:2379"]})");
}

TEST(GoJson, StringEscaping) {
  std::string out;
  AppendGoJsonString(&out, std::string("a\"b\\c\n\r\t<>&\x01\x7f", 13));
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\r\\t\\u003c\\u003e\\u0026\\u0001\x7f\"");
  out.clear();
  AppendGoJsonString(&out, "\xc3\xa9\xe2\x80\xa8\xff");  // é, U+2028, invalid byte
  EXPECT_EQ(out, "\"\xc3\xa9\\u2028\\ufffd\"");
}

TEST(MemberJson, RoundTrips) {
  for (const Member& m : {Member{10276657743932975437u, "default", {"http://localhost:2380"}, {}, false},
                          Member{7, "", {"unix://localhost:1"}, {"http://x:1", "http://y:2"}, true}}) {
    Member back;
    ASSERT_TRUE(DecodeMemberJson(EncodeMemberJson(m), &back));
    EXPECT_EQ(back, m);
  }
  Member out;
  EXPECT_FALSE(DecodeMemberJson("{", &out));
  EXPECT_FALSE(DecodeMemberJson(R"({"name":"no id"})", &out));
}

TEST(Membership, PersistsAndReloads) {
  backend::MemBackend b;
  Membership m;
  ASSERT_TRUE(m.Load(&b).ok());
  {
    backend::BatchTxLock lock(b.batch_tx());
    m.UnsafeSave(b.batch_tx(), Member{3, "c", {"http://c"}, {}, false});
    m.UnsafeSave(b.batch_tx(), Member{1, "a", {"http://a"}, {}, false});
    m.UnsafeSave(b.batch_tx(), Member{2, "", {"http://b"}, {}, true});
    m.UnsafeRemove(b.batch_tx(), 3);
    m.UnsafeSetClusterId(b.batch_tx(), 99);
  }
  ASSERT_TRUE(b.ForceCommit().ok());
  Membership reloaded;
  ASSERT_TRUE(reloaded.Load(&b).ok());
  ASSERT_EQ(reloaded.List().size(), 2u);
  EXPECT_EQ(reloaded.List()[0].id, 1u);  // sorted by ID
  EXPECT_TRUE(reloaded.IsRemoved(3));
  EXPECT_FALSE(reloaded.Contains(3));
  EXPECT_EQ(reloaded.cluster_id(), 99u);
  raft::ConfState cs = reloaded.ConfState();
  EXPECT_EQ(cs.voters, std::vector<raft::NodeId>{1});
  EXPECT_EQ(cs.learners, std::vector<raft::NodeId>{2});
  std::string_view v;
  EXPECT_TRUE(b.Read()->UnsafeGet(kMembersRemovedBucket, "3", &v));
  EXPECT_EQ(v, "removed");
}

TEST(Membership, RefusesMalformedRecords) {
  backend::MemBackend b;
  {
    backend::BatchTxLock lock(b.batch_tx());
    b.batch_tx()->UnsafeCreateBucket(kMembersBucket);
    b.batch_tx()->UnsafePut(kMembersBucket, "1", "not json {");
  }
  Membership m;
  Status s = m.Load(&b);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("members/1"), std::string::npos) << s.ToString();
}

TEST(Bootstrap, NewClusterIsTheSnapshotAtIndexN) {
  backend::MemBackend b;
  raft::Snapshot empty;
  ASSERT_TRUE(BackendRaftSnapshot(&b, &empty).ok());
  EXPECT_TRUE(empty.empty());
  std::vector<Member> members = {
      {5, "", {"http://e"}, {}, false}, {6, "", {"http://f"}, {}, false}, {7, "", {"http://g"}, {}, false}};
  ASSERT_TRUE(BootstrapNewCluster(&b, members, 1234).ok());
  raft::Snapshot snap;
  ASSERT_TRUE(BackendRaftSnapshot(&b, &snap).ok());
  EXPECT_EQ(snap.metadata.index, 3u);
  EXPECT_EQ(snap.metadata.term, 1u);
  EXPECT_EQ(snap.metadata.conf_state.voters, (std::vector<raft::NodeId>{5, 6, 7}));
  Membership m;
  ASSERT_TRUE(m.Load(&b).ok());
  EXPECT_EQ(m.cluster_id(), 1234u);
  // A second bootstrap over a db that already holds a cluster is refused.
  EXPECT_FALSE(BootstrapNewCluster(&b, members, 1234).ok());
}

}  // namespace
}  // namespace cairn::etcdserver

#include "storage/mvcc/proto_convert.h"

#include <gtest/gtest.h>

#include "storage/backend/mem_backend.h"
#include "storage/mvcc/kv_store.h"

namespace cairn::mvcc {
namespace {

TEST(ProtoConvertTest, RangeResponseWireEqualsGeneratedSerialization) {
  backend::MemBackend b;
  std::unique_ptr<KvStore> s;
  ASSERT_TRUE(KvStore::Open(&b, {}, &s).ok());
  for (std::string k : {"a", "b", "c"}) {
    PutRequest p;
    p.key = k;
    p.value = "value-" + k;
    PutResponse pr;
    ASSERT_TRUE(s->Put(p, &pr).ok());
  }
  for (bool keys_only : {false, true}) {
    etcdserverpb::RangeRequest req;
    req.set_key("a");
    req.set_range_end("z");
    req.set_limit(2);
    req.set_keys_only(keys_only);
    RangeResponse r;
    ASSERT_TRUE(s->Range(FromProto(req), &r).ok());
    etcdserverpb::RangeResponse expected;
    ToProto(r, &expected);
    expected.mutable_header()->set_cluster_id(7);
    EXPECT_EQ(expected.kvs_size(), 2);
    EXPECT_TRUE(expected.more());
    EXPECT_EQ(expected.count(), 3);
    EXPECT_EQ(expected.kvs(0).value().empty(), keys_only);
  }
}

TEST(ProtoConvertTest, TxnFromProtoRunsNested) {
  backend::MemBackend b;
  std::unique_ptr<KvStore> s;
  ASSERT_TRUE(KvStore::Open(&b, {}, &s).ok());
  etcdserverpb::TxnRequest t;
  auto* c = t.add_compare();
  c->set_key("k");
  c->set_target(etcdserverpb::Compare::CREATE);
  c->set_result(etcdserverpb::Compare::EQUAL);
  c->set_create_revision(0);
  auto* put = t.add_success()->mutable_request_put();
  put->set_key("k");
  put->set_value("v");
  auto* inner = t.add_success()->mutable_request_txn();
  auto* ic = inner->add_compare();
  ic->set_key("k");
  ic->set_target(etcdserverpb::Compare::VALUE);
  ic->set_result(etcdserverpb::Compare::EQUAL);
  ic->set_value("v");  // compares see the state before the txn: "k" does not exist yet
  inner->add_failure()->mutable_request_range()->set_key("k");
  TxnResponse r;
  ASSERT_TRUE(s->Txn(FromProto(t), &r).ok());
  etcdserverpb::TxnResponse pb;
  ToProto(r, &pb);
  EXPECT_TRUE(pb.succeeded());
  EXPECT_EQ(pb.header().revision(), 2);
  ASSERT_EQ(pb.responses_size(), 2);
  EXPECT_EQ(pb.responses(0).response_put().header().revision(), 2);
  const auto& it = pb.responses(1).response_txn();
  EXPECT_FALSE(it.succeeded());
  ASSERT_EQ(it.responses_size(), 1);
  EXPECT_EQ(it.responses(0).response_range().kvs(0).value(), "v");
}

TEST(ProtoConvertTest, CompareReadsOnlyTheMatchingUnionMember) {
  etcdserverpb::Compare pb;
  pb.set_target(etcdserverpb::Compare::MOD);
  pb.set_version(5);  // wrong member: etcd treats the operand as 0
  EXPECT_EQ(FromProto(pb).number, 0);
  pb.set_mod_revision(9);
  EXPECT_EQ(FromProto(pb).number, 9);
}

TEST(ProtoConvertTest, EventToProto) {
  Event ev;
  ev.type = Event::Type::kDelete;
  ev.kv = KeyValue{"k", 0, 5, 0, "", 0};
  ev.prev_kv = KeyValue{"k", 2, 4, 2, "old", 0};
  mvccpb::Event pb;
  ToProto(ev, &pb);
  EXPECT_EQ(pb.type(), mvccpb::Event::DELETE);
  EXPECT_EQ(pb.kv().mod_revision(), 5);
  EXPECT_EQ(pb.prev_kv().value(), "old");
}

}  // namespace
}  // namespace cairn::mvcc

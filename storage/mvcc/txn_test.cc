#include "storage/mvcc/txn.h"

#include <gtest/gtest.h>

#include "storage/backend/mem_backend.h"

namespace cairn::mvcc {
namespace {

RequestOp PutOp(std::string k, std::string v) {
  PutRequest p;
  p.key = std::move(k);
  p.value = std::move(v);
  return RequestOp{p};
}
RequestOp DelOp(std::string k, std::string end = "") {
  DeleteRangeRequest d;
  d.key = std::move(k);
  d.range_end = std::move(end);
  return RequestOp{d};
}
RequestOp GetOp(std::string k, std::string end = "") {
  RangeRequest r;
  r.key = std::move(k);
  r.range_end = std::move(end);
  return RequestOp{r};
}
RequestOp TxnOp(TxnRequest t) { return RequestOp{std::make_shared<TxnRequest>(std::move(t))}; }
Compare Cmp(std::string key, Compare::Target target, Compare::Result result, int64_t n,
            std::string value = "", std::string end = "") {
  Compare c;
  c.key = std::move(key);
  c.range_end = std::move(end);
  c.target = target;
  c.result = result;
  c.number = n;
  c.value = std::move(value);
  return c;
}

using T = Compare::Target;
using R = Compare::Result;

class TxnTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(KvStore::Open(&backend_, {}, &store_).ok()); }
  void Put(std::string k, std::string v) {
    PutRequest p;
    p.key = k;
    p.value = v;
    PutResponse r;
    ASSERT_TRUE(store_->Put(p, &r).ok());
  }
  bool Succeeds(std::vector<Compare> cmps) {
    TxnRequest t;
    t.compare = std::move(cmps);
    TxnResponse r;
    EXPECT_TRUE(store_->Txn(t, &r).ok());
    return r.succeeded;
  }
  backend::MemBackend backend_;
  std::unique_ptr<KvStore> store_;
};

TEST_F(TxnTest, ComparesOnEveryTargetAndResult) {
  Put("a", "10");  // rev 2
  Put("a", "20");  // rev 3, version 2, create 2
  EXPECT_TRUE(Succeeds({Cmp("a", T::kVersion, R::kEqual, 2)}));
  EXPECT_FALSE(Succeeds({Cmp("a", T::kVersion, R::kEqual, 1)}));
  EXPECT_TRUE(Succeeds({Cmp("a", T::kVersion, R::kGreater, 1)}));
  EXPECT_TRUE(Succeeds({Cmp("a", T::kVersion, R::kLess, 3)}));
  EXPECT_TRUE(Succeeds({Cmp("a", T::kVersion, R::kNotEqual, 3)}));
  EXPECT_TRUE(Succeeds({Cmp("a", T::kCreate, R::kEqual, 2)}));
  EXPECT_TRUE(Succeeds({Cmp("a", T::kMod, R::kEqual, 3)}));
  EXPECT_TRUE(Succeeds({Cmp("a", T::kLease, R::kEqual, 0)}));
  EXPECT_TRUE(Succeeds({Cmp("a", T::kValue, R::kEqual, 0, "20")}));
  EXPECT_TRUE(Succeeds({Cmp("a", T::kValue, R::kGreater, 0, "1")}));
  EXPECT_TRUE(Succeeds({Cmp("a", T::kValue, R::kLess, 0, "3")}));
  // All compares must hold.
  EXPECT_FALSE(Succeeds({Cmp("a", T::kVersion, R::kEqual, 2), Cmp("a", T::kMod, R::kEqual, 2)}));
}

TEST_F(TxnTest, MissingKeyComparesAsZeroButValueAlwaysFails) {
  // etcd: "create_revision = 0" is the idiom for "key does not exist".
  EXPECT_TRUE(Succeeds({Cmp("nope", T::kCreate, R::kEqual, 0)}));
  EXPECT_TRUE(Succeeds({Cmp("nope", T::kVersion, R::kEqual, 0)}));
  EXPECT_FALSE(Succeeds({Cmp("nope", T::kValue, R::kEqual, 0, "")}));
  EXPECT_FALSE(Succeeds({Cmp("nope", T::kValue, R::kNotEqual, 0, "x")}));
}

TEST_F(TxnTest, RangeCompareNeedsEveryKey) {
  Put("k1", "a");
  Put("k2", "a");
  Put("k3", "b");
  EXPECT_TRUE(Succeeds({Cmp("k1", T::kValue, R::kEqual, 0, "a", "k3")}));
  EXPECT_FALSE(Succeeds({Cmp("k1", T::kValue, R::kEqual, 0, "a", "k4")}));
  EXPECT_TRUE(Succeeds({Cmp("k", T::kVersion, R::kEqual, 1, "", std::string(1, '\0'))}));
}

TEST_F(TxnTest, OneRevisionWithSubRevisions) {
  Put("x", "1");  // rev 2
  TxnRequest t;
  t.compare = {Cmp("x", T::kValue, R::kEqual, 0, "1")};
  t.success = {PutOp("a", "1"), PutOp("b", "1"), GetOp("a"), DelOp("x")};
  t.failure = {PutOp("c", "1")};
  TxnResponse r;
  ASSERT_TRUE(store_->Txn(t, &r).ok());
  EXPECT_TRUE(r.succeeded);
  EXPECT_EQ(r.revision, 3);
  ASSERT_EQ(r.responses.size(), 4u);
  EXPECT_EQ(std::get<PutResponse>(r.responses[0].response).revision, 3);
  // A range after a put in the same txn sees it.
  const auto& rr = std::get<RangeResponse>(r.responses[2].response);
  ASSERT_EQ(rr.kvs.size(), 1u);
  EXPECT_EQ(rr.kvs[0].kv.mod_revision, 3);
  EXPECT_EQ(rr.revision, 3);
  EXPECT_EQ(std::get<DeleteRangeResponse>(r.responses[3].response).deleted, 1);
  EXPECT_EQ(store_->current_revision(), 3);
  std::string_view v;
  auto view = backend_.Read();
  EXPECT_TRUE(view->UnsafeGet(backend::kKeyBucket, RevisionToBytes({3, 0}), &v));
  EXPECT_TRUE(view->UnsafeGet(backend::kKeyBucket, RevisionToBytes({3, 1}), &v));
  EXPECT_TRUE(view->UnsafeGet(backend::kKeyBucket, RevisionToBytes({3, 2}, true), &v));
}

TEST_F(TxnTest, ReadOnlyTxnKeepsRevision) {
  Put("a", "1");
  TxnRequest t;
  t.success = {GetOp("a")};
  TxnResponse r;
  ASSERT_TRUE(store_->Txn(t, &r).ok());
  EXPECT_EQ(r.revision, 2);
  EXPECT_EQ(store_->current_revision(), 2);
}

TEST_F(TxnTest, NestedTxnsFollowTheirOwnCompares) {
  Put("a", "1");
  TxnRequest inner_then;
  inner_then.compare = {Cmp("a", T::kValue, R::kEqual, 0, "1")};
  inner_then.success = {PutOp("b", "inner-success")};
  inner_then.failure = {PutOp("b", "inner-failure")};
  TxnRequest inner_else;
  inner_else.compare = {Cmp("a", T::kValue, R::kEqual, 0, "nope")};
  inner_else.success = {PutOp("c", "x")};
  inner_else.failure = {PutOp("c", "y"), TxnOp(inner_then)};
  TxnRequest outer;
  outer.success = {TxnOp(inner_then), PutOp("a", "2"), TxnOp(inner_else)};
  // Compares of nested txns see the state before the outer txn's writes (etcd compareToPath):
  // inner_else's nested inner_then still sees a == "1"... but "b" would be put twice: rejected.
  TxnResponse r;
  EXPECT_EQ(store_->Txn(outer, &r).message(), "etcdserver: duplicate key given in txn request");

  outer.success = {TxnOp(inner_then), PutOp("a", "2")};
  ASSERT_TRUE(store_->Txn(outer, &r).ok());
  const auto& nested = std::get<std::shared_ptr<TxnResponse>>(r.responses[0].response);
  EXPECT_TRUE(nested->succeeded);
  EXPECT_EQ(nested->revision, 0) << "etcd leaves nested headers empty";
  RangeRequest get;
  get.key = "b";
  RangeResponse gr;
  ASSERT_TRUE(store_->Range(get, &gr).ok());
  EXPECT_EQ(gr.kvs.at(0).kv.value, "inner-success");
  EXPECT_EQ(gr.kvs.at(0).kv.mod_revision, 3);

  TxnRequest outer2;
  outer2.success = {TxnOp(inner_else)};
  ASSERT_TRUE(store_->Txn(outer2, &r).ok());
  const auto& n2 = std::get<std::shared_ptr<TxnResponse>>(r.responses[0].response);
  EXPECT_FALSE(n2->succeeded);
  ASSERT_EQ(n2->responses.size(), 2u);
  // a is "2" now: the doubly nested compare fails.
  EXPECT_FALSE(std::get<std::shared_ptr<TxnResponse>>(n2->responses[1].response)->succeeded);
  ASSERT_TRUE(store_->Range(get, &gr).ok());
  EXPECT_EQ(gr.kvs.at(0).kv.value, "inner-failure");
}

// etcd v3rpc checkIntervals cases.
TEST(CheckTxnIntervalsTest, DuplicateKeyRule) {
  auto dup = [](TxnRequest t) { return !CheckTxnIntervals(t).ok(); };
  TxnRequest t;
  t.success = {PutOp("a", "1"), PutOp("a", "2")};
  EXPECT_TRUE(dup(t));
  t.success = {PutOp("a", "1"), DelOp("a")};
  EXPECT_TRUE(dup(t));
  t.success = {PutOp("b", "1"), DelOp("a", "c")};
  EXPECT_TRUE(dup(t));
  t.success = {PutOp("c", "1"), DelOp("a", "c")};
  EXPECT_FALSE(dup(t));
  t.success = {DelOp("a"), DelOp("a")};
  EXPECT_FALSE(dup(t)) << "deleting twice is allowed";
  t.success = {PutOp("a", "1")};
  t.failure = {PutOp("a", "2")};
  EXPECT_FALSE(dup(t)) << "then and else are exclusive";
  // Nested: then/else of a nested txn may put the same key...
  TxnRequest inner;
  inner.success = {PutOp("k", "1")};
  inner.failure = {PutOp("k", "2")};
  t = TxnRequest{};
  t.success = {TxnOp(inner)};
  EXPECT_FALSE(dup(t));
  // ...but not one the outer level also puts or deletes.
  t.success = {TxnOp(inner), PutOp("k", "3")};
  EXPECT_TRUE(dup(t));
  t.success = {TxnOp(inner), DelOp("k")};
  EXPECT_TRUE(dup(t));
  // A "from key" delete (range_end "\0") is an empty interval in etcd's check: no conflict.
  t.success = {PutOp("z", "1"), DelOp("a", std::string(1, '\0'))};
  EXPECT_FALSE(dup(t));
  // Two sibling nested txns putting the same key conflict.
  t.success = {TxnOp(inner), TxnOp(inner)};
  EXPECT_TRUE(dup(t));
  EXPECT_EQ(CheckTxnIntervals(t).message(), "etcdserver: duplicate key given in txn request");
}

TEST_F(TxnTest, ErrorsBeforeAnyWrite) {
  Put("a", "1");
  TxnRequest t;
  PutRequest p;
  p.key = "missing";
  p.ignore_value = true;
  t.success = {PutOp("b", "1"), RequestOp{p}};
  TxnResponse r;
  EXPECT_EQ(store_->Txn(t, &r).message(), "etcdserver: key not found");
  RangeRequest future;
  future.key = "a";
  future.revision = 10;
  t.success = {PutOp("b", "1"), RequestOp{future}};
  EXPECT_EQ(store_->Txn(t, &r).message(), "mvcc: required revision is a future revision");
  PutRequest leased;
  leased.key = "c";
  leased.lease = 5;
  t.success = {RequestOp{leased}};
  EXPECT_EQ(store_->Txn(t, &r).message(), "lease not found");
  EXPECT_EQ(store_->current_revision(), 2);
}

}  // namespace
}  // namespace cairn::mvcc

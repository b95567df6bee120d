// The callback KV service over gRPC (in-process channel): every RPC answers exactly what the
// server core's blocking API answers for the same request (responses and etcd's error codes and
// texts, rpc_errors.h), and many in-flight writes complete without a thread each.
#include "server/api/kv_service.h"

#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <set>

#include "server/api/rpc_errors.h"
#include "server/api/test_cluster.h"

namespace cairn::api {
namespace {

class KvServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { kv_ = etcdserverpb::KV::NewStub(member_.channel); }

  // Calls `rpc` over gRPC and expects the status the core gives for the same request.
  template <typename Req, typename Resp, typename Rpc>
  grpc::Status Call(Rpc rpc, const Req& req, Resp* resp) {
    grpc::ClientContext c;
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    return (kv_.get()->*rpc)(&c, req, resp);
  }
  void ExpectError(const grpc::Status& st, grpc::StatusCode code, std::string_view text) {
    EXPECT_EQ(st.error_code(), code) << st.error_message();
    EXPECT_EQ(st.error_message(), text);
  }

  testing::TestMember member_;
  std::unique_ptr<etcdserverpb::KV::Stub> kv_;
};

TEST_F(KvServiceTest, WritesAndReadsAnswerLikeTheCore) {
  etcdserverpb::PutRequest put;
  put.set_key("a");
  put.set_value("1");
  put.set_prev_kv(true);
  etcdserverpb::PutResponse pr;
  ASSERT_TRUE(Call(&etcdserverpb::KV::Stub::Put, put, &pr).ok());
  EXPECT_EQ(pr.header().revision(), 2);
  EXPECT_EQ(pr.header().member_id(), 0x8e9e05c52164694dULL);
  EXPECT_EQ(pr.header().cluster_id(), 0xcdf818194e3a8c32ULL);
  EXPECT_FALSE(pr.has_prev_kv());
  put.set_value("2");
  ASSERT_TRUE(Call(&etcdserverpb::KV::Stub::Put, put, &pr).ok());
  EXPECT_EQ(pr.prev_kv().value(), "1");

  for (bool serializable : {false, true}) {
    etcdserverpb::RangeRequest r;
    r.set_key("a");
    r.set_serializable(serializable);
    etcdserverpb::RangeResponse rr;
    ASSERT_TRUE(Call(&etcdserverpb::KV::Stub::Range, r, &rr).ok());
    etcdserverpb::RangeResponse core;
    ASSERT_TRUE(member_.server->Range(r, &core).ok());
    EXPECT_EQ(rr.SerializeAsString(), core.SerializeAsString());
    ASSERT_EQ(rr.kvs_size(), 1);
    EXPECT_EQ(rr.kvs(0).value(), "2");
  }

  etcdserverpb::TxnRequest txn;
  auto* cmp = txn.add_compare();
  cmp->set_key("a");
  cmp->set_target(etcdserverpb::Compare::VALUE);
  cmp->set_result(etcdserverpb::Compare::EQUAL);
  cmp->set_value("2");
  txn.add_success()->mutable_request_put()->set_key("b");
  txn.add_failure()->mutable_request_range()->set_key("a");
  etcdserverpb::TxnResponse tr;
  ASSERT_TRUE(Call(&etcdserverpb::KV::Stub::Txn, txn, &tr).ok());
  EXPECT_TRUE(tr.succeeded());
  EXPECT_EQ(tr.header().revision(), 4);

  etcdserverpb::TxnRequest ro;  // read-only: served as a linearizable read
  ro.add_success()->mutable_request_range()->set_key("b");
  ASSERT_TRUE(Call(&etcdserverpb::KV::Stub::Txn, ro, &tr).ok());
  ASSERT_EQ(tr.responses_size(), 1);
  EXPECT_EQ(tr.responses(0).response_range().kvs_size(), 1);

  etcdserverpb::DeleteRangeRequest del;
  del.set_key("a");
  del.set_range_end("c");
  etcdserverpb::DeleteRangeResponse dr;
  ASSERT_TRUE(Call(&etcdserverpb::KV::Stub::DeleteRange, del, &dr).ok());
  EXPECT_EQ(dr.deleted(), 2);
  EXPECT_EQ(dr.header().revision(), 5);

  etcdserverpb::CompactionRequest compact;
  compact.set_revision(3);
  compact.set_physical(true);
  etcdserverpb::CompactionResponse cr;
  ASSERT_TRUE(Call(&etcdserverpb::KV::Stub::Compact, compact, &cr).ok());
  EXPECT_EQ(cr.header().revision(), 5);
}

TEST_F(KvServiceTest, ErrorsAreEtcdsCodesAndTextsAsTheCoreGivesThem) {
  etcdserverpb::PutRequest put;  // empty key
  etcdserverpb::PutResponse pr;
  grpc::Status st = Call(&etcdserverpb::KV::Stub::Put, put, &pr);
  ExpectError(st, grpc::StatusCode::INVALID_ARGUMENT, "etcdserver: key is not provided");
  etcdserverpb::PutResponse core_pr;
  grpc::Status core = ToGrpcStatus(member_.server->Put(put, &core_pr));
  EXPECT_EQ(st.error_code(), core.error_code());
  EXPECT_EQ(st.error_message(), core.error_message());

  put.set_key("k");
  put.set_value("v");
  put.set_ignore_value(true);
  ExpectError(Call(&etcdserverpb::KV::Stub::Put, put, &pr), grpc::StatusCode::INVALID_ARGUMENT,
              "etcdserver: value is provided");
  put.set_ignore_value(false);
  put.set_ignore_lease(true);
  put.set_lease(5);
  ExpectError(Call(&etcdserverpb::KV::Stub::Put, put, &pr), grpc::StatusCode::INVALID_ARGUMENT,
              "etcdserver: lease is provided");
  put.set_ignore_lease(false);
  ExpectError(Call(&etcdserverpb::KV::Stub::Put, put, &pr), grpc::StatusCode::NOT_FOUND,
              "etcdserver: requested lease not found");
  put.set_lease(0);
  put.set_value(std::string(1572864, 'x'));  // over --max-request-bytes once wrapped
  ExpectError(Call(&etcdserverpb::KV::Stub::Put, put, &pr), grpc::StatusCode::INVALID_ARGUMENT,
              "etcdserver: request is too large");

  etcdserverpb::RangeRequest r;
  etcdserverpb::RangeResponse rr;
  ExpectError(Call(&etcdserverpb::KV::Stub::Range, r, &rr), grpc::StatusCode::INVALID_ARGUMENT,
              "etcdserver: key is not provided");
  r.set_key("k");
  r.set_revision(1000);
  ExpectError(Call(&etcdserverpb::KV::Stub::Range, r, &rr), grpc::StatusCode::OUT_OF_RANGE,
              "etcdserver: mvcc: required revision is a future revision");

  etcdserverpb::DeleteRangeRequest del;
  etcdserverpb::DeleteRangeResponse dr;
  ExpectError(Call(&etcdserverpb::KV::Stub::DeleteRange, del, &dr), grpc::StatusCode::INVALID_ARGUMENT,
              "etcdserver: key is not provided");

  etcdserverpb::TxnRequest txn;
  for (int i = 0; i < 129; ++i) txn.add_success()->mutable_request_put()->set_key("k" + std::to_string(i));
  etcdserverpb::TxnResponse tr;
  ExpectError(Call(&etcdserverpb::KV::Stub::Txn, txn, &tr), grpc::StatusCode::INVALID_ARGUMENT,
              "etcdserver: too many operations in txn request");
  etcdserverpb::TxnRequest dup;
  dup.add_success()->mutable_request_put()->set_key("x");
  dup.add_success()->mutable_request_put()->set_key("x");
  ExpectError(Call(&etcdserverpb::KV::Stub::Txn, dup, &tr), grpc::StatusCode::INVALID_ARGUMENT,
              "etcdserver: duplicate key given in txn request");

  etcdserverpb::CompactionRequest compact;
  compact.set_revision(1000);
  etcdserverpb::CompactionResponse cr;
  ExpectError(Call(&etcdserverpb::KV::Stub::Compact, compact, &cr), grpc::StatusCode::OUT_OF_RANGE,
              "etcdserver: mvcc: required revision is a future revision");
}

// Range is the zero-copy raw method (range_wire.h): large and small values, deleted keys,
// compaction and every request option answer exactly what the core's typed Range answers.
TEST_F(KvServiceTest, RangesAnswerLikeTheCoreOverTheZeroCopyPath) {
  for (int i = 0; i < 40; ++i) {
    etcdserverpb::PutRequest put;
    put.set_key("/registry/pods/p" + std::to_string(100 + i));
    put.set_value(std::string(i % 3 == 0 ? 10240 : 7 * i, 'a' + i % 26));
    etcdserverpb::PutResponse pr;
    ASSERT_TRUE(Call(&etcdserverpb::KV::Stub::Put, put, &pr).ok());
  }
  etcdserverpb::DeleteRangeRequest del;
  del.set_key("/registry/pods/p110");
  del.set_range_end("/registry/pods/p115");
  etcdserverpb::DeleteRangeResponse dr;
  ASSERT_TRUE(Call(&etcdserverpb::KV::Stub::DeleteRange, del, &dr).ok());
  etcdserverpb::CompactionRequest compact;
  compact.set_revision(10);
  etcdserverpb::CompactionResponse cr;
  ASSERT_TRUE(Call(&etcdserverpb::KV::Stub::Compact, compact, &cr).ok());

  int compared = 0;
  for (int variant = 0; variant < 2 * 9; ++variant) {
    etcdserverpb::RangeRequest r;
    r.set_key("/registry/pods/");
    r.set_range_end("/registry/pods0");
    r.set_serializable(variant % 2 == 0);
    switch (variant / 2) {
      case 0: break;
      case 1: r.set_limit(7); break;
      case 2: r.set_revision(30); break;
      case 3: r.set_revision(5); break;  // compacted
      case 4: r.set_keys_only(true); break;
      case 5: r.set_count_only(true); break;
      case 6:
        r.set_sort_order(etcdserverpb::RangeRequest::DESCEND);
        r.set_sort_target(etcdserverpb::RangeRequest::MOD);
        r.set_limit(5);
        break;
      case 7: r.set_min_mod_revision(20); break;
      case 8: r.set_range_end(""); r.set_key("/registry/pods/p102"); break;
    }
    etcdserverpb::RangeResponse rr;
    grpc::Status st = Call(&etcdserverpb::KV::Stub::Range, r, &rr);
    etcdserverpb::RangeResponse core;
    grpc::Status core_st = ToGrpcStatus(member_.server->Range(r, &core));
    EXPECT_EQ(st.error_code(), core_st.error_code()) << variant;
    EXPECT_EQ(st.error_message(), core_st.error_message()) << variant;
    if (!st.ok()) continue;
    EXPECT_EQ(rr.SerializeAsString(), core.SerializeAsString()) << variant;
    ++compared;
  }
  EXPECT_EQ(compared, 16);
}

// The raw Range parses its request itself: bytes that are no RangeRequest get the status the typed
// handlers give (Put is one), and a valid request's response bytes are the core's serialization.
TEST_F(KvServiceTest, RawRangeParsesLikeTheTypedHandlers) {
  grpc::GenericStub generic(member_.channel);
  auto call = [&](const std::string& method, const std::string& bytes, std::string* out) {
    grpc::Slice slice(bytes.data(), bytes.size());
    grpc::ByteBuffer req(&slice, 1), resp;
    grpc::ClientContext c;
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    std::promise<grpc::Status> done;
    generic.UnaryCall(&c, method, grpc::StubOptions(), &req, &resp,
                      [&done](grpc::Status st) { done.set_value(st); });
    grpc::Status st = done.get_future().get();
    out->clear();
    std::vector<grpc::Slice> slices;
    if (st.ok() && resp.Dump(&slices).ok()) {
      for (const grpc::Slice& s : slices) out->append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
    return st;
  };
  const std::string garbage = "\x0a\xff\xff\xff\xff\x0f";  // a length beyond the message
  std::string out;
  grpc::Status range_st = call("/etcdserverpb.KV/Range", garbage, &out);
  grpc::Status put_st = call("/etcdserverpb.KV/Put", garbage, &out);
  EXPECT_FALSE(range_st.ok());
  EXPECT_EQ(range_st.error_code(), put_st.error_code());
  EXPECT_EQ(range_st.error_message(), put_st.error_message());

  etcdserverpb::PutRequest put;
  put.set_key("k");
  put.set_value(std::string(4096, 'v'));
  ASSERT_TRUE(call("/etcdserverpb.KV/Put", put.SerializeAsString(), &out).ok());
  etcdserverpb::RangeRequest r;
  r.set_key("k");
  ASSERT_TRUE(call("/etcdserverpb.KV/Range", r.SerializeAsString(), &out).ok());
  etcdserverpb::RangeResponse core;
  ASSERT_TRUE(member_.server->Range(r, &core).ok());
  EXPECT_EQ(out, core.SerializeAsString());
}

TEST_F(KvServiceTest, ManyConcurrentWritesAllComplete) {
  constexpr int kWrites = 300;
  std::mutex mu;
  std::condition_variable cv;
  int done = 0;
  int ok = 0;
  std::vector<std::unique_ptr<grpc::ClientContext>> ctxs(kWrites);
  std::vector<etcdserverpb::PutRequest> reqs(kWrites);
  std::vector<etcdserverpb::PutResponse> resps(kWrites);
  for (int i = 0; i < kWrites; ++i) {
    ctxs[i] = std::make_unique<grpc::ClientContext>();
    reqs[i].set_key("key" + std::to_string(i));
    reqs[i].set_value("v");
    kv_->async()->Put(ctxs[i].get(), &reqs[i], &resps[i], [&](grpc::Status st) {
      std::lock_guard<std::mutex> lock(mu);
      ++done;
      if (st.ok()) ++ok;
      cv.notify_all();
    });
  }
  std::unique_lock<std::mutex> lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(20), [&] { return done == kWrites; }));
  EXPECT_EQ(ok, kWrites);
  std::set<int64_t> revisions;
  for (const auto& r : resps) revisions.insert(r.header().revision());
  EXPECT_EQ(revisions.size(), static_cast<size_t>(kWrites));  // each write its own revision
}

}  // namespace
}  // namespace cairn::api

// The closed-loop driver against an in-process fake KV server: request count, concurrency bound
// (never more than one request in flight per client), --rate pacing and error accounting.
#include "bench/driver.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "bench/calls.h"
#include "bench/connections.h"
#include "proto/rpc.grpc.pb.h"

namespace cairn::bench {
namespace {

// Put succeeds after a short sleep (so requests overlap); keys starting with "fail" are rejected
// with an etcd error.
class FakeKv final : public etcdserverpb::KV::Service {
 public:
  grpc::Status Put(grpc::ServerContext*, const etcdserverpb::PutRequest* req,
                   etcdserverpb::PutResponse* resp) override {
    const int now = ++in_flight_;
    int seen = max_in_flight_.load();
    while (now > seen && !max_in_flight_.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    --in_flight_;
    ++puts_;
    if (req->key().rfind("fail", 0) == 0) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "etcdserver: key is not provided");
    }
    resp->mutable_header()->set_revision(puts_.load());
    return grpc::Status::OK;
  }
  std::atomic<int> in_flight_{0};
  std::atomic<int> max_in_flight_{0};
  std::atomic<int> puts_{0};
};

class DriverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&kv_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ConnectOptions options;
    options.endpoints = {"127.0.0.1:" + std::to_string(port_)};
    options.dial_timeout_ns = 5'000'000'000;
    ASSERT_TRUE(Connections::Open(options, 2, &conns_).ok());
  }
  void TearDown() override {
    conns_.reset();
    server_->Shutdown();
  }

  std::vector<std::unique_ptr<Call>> PutCalls(int clients, const std::string& key_prefix) {
    std::vector<std::unique_ptr<Call>> calls;
    for (int i = 0; i < clients; i++) {
      const Connection& conn = conns_->at(i % conns_->size());
      auto prepare = [&conn](grpc::ClientContext* ctx, const etcdserverpb::PutRequest& req,
                             grpc::CompletionQueue* cq) { return conn.kv->PrepareAsyncPut(ctx, req, cq); };
      auto fill = [key_prefix](int64_t seq, etcdserverpb::PutRequest* req) {
        req->set_key(key_prefix + std::to_string(seq));
      };
      calls.push_back(std::make_unique<UnaryCall<etcdserverpb::PutRequest, etcdserverpb::PutResponse>>(
          conns_.get(), prepare, fill));
    }
    return calls;
  }

  FakeKv kv_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<Connections> conns_;
};

TEST_F(DriverTest, CompletesExactlyTotalWithBoundedConcurrency) {
  auto calls = PutCalls(8, "k");
  DriverOptions options;
  options.total = 200;
  options.threads = 2;
  const DriverResult result = RunClosedLoop(calls, options);
  ASSERT_EQ(result.logs.size(), 1u);
  EXPECT_EQ(result.logs[0].successes().size(), 200u);
  EXPECT_TRUE(result.logs[0].errors().empty());
  EXPECT_EQ(kv_.puts_.load(), 200);
  EXPECT_LE(kv_.max_in_flight_.load(), 8);
  EXPECT_GE(kv_.max_in_flight_.load(), 2);  // requests really overlap
  for (const Result& r : result.logs[0].successes()) EXPECT_GE(r.duration_ns, 2'000'000);
  // 200 requests of >= 2 ms over 8 clients take >= 50 ms.
  EXPECT_GE(result.total_ns, 50'000'000);
}

TEST_F(DriverTest, RateLimitPacesRequests) {
  auto calls = PutCalls(4, "k");
  RateLimiter limiter(200, 1, std::chrono::steady_clock::now());
  DriverOptions options;
  options.total = 41;
  options.threads = 1;
  options.limiter = &limiter;
  const DriverResult result = RunClosedLoop(calls, options);
  EXPECT_EQ(result.logs[0].successes().size(), 41u);
  // 41 requests at 200/s, burst 1: the last starts >= 200 ms after the first.
  EXPECT_GE(result.total_ns, 195'000'000);
}

TEST_F(DriverTest, ErrorsAreCountedByMessage) {
  auto calls = PutCalls(3, "fail");
  DriverOptions options;
  options.total = 30;
  const DriverResult result = RunClosedLoop(calls, options);
  EXPECT_TRUE(result.logs[0].successes().empty());
  ASSERT_EQ(result.logs[0].errors().size(), 1u);
  EXPECT_EQ(result.logs[0].errors().begin()->first, "etcdserver: key is not provided");
  EXPECT_EQ(result.logs[0].errors().begin()->second, 30);
}

TEST_F(DriverTest, MoreClientsThanRequests) {
  auto calls = PutCalls(50, "k");
  DriverOptions options;
  options.total = 10;
  options.threads = 3;
  const DriverResult result = RunClosedLoop(calls, options);
  EXPECT_EQ(result.logs[0].count(), 10);
}

}  // namespace
}  // namespace cairn::bench

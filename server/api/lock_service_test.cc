// The Lock service over gRPC (in-process channel) on a one-member core: key naming, mutual
// exclusion (a second Lock waits for the first key's deletion), a waiter that goes away removes
// its key, lease 0 grants a 60 s lease, and etcd's error code and text for a missing lease.
#include "server/api/lock_service.h"

#include <gtest/gtest.h>

#include <future>
#include <vector>

#include "server/api/test_cluster.h"

namespace cairn::api {
namespace {

constexpr auto kLongWait = std::chrono::seconds(30);

struct LockFixture {
  LockFixture() : lock_service(m.server.get()) {
    grpc::ServerBuilder b;
    b.RegisterService(&lock_service);
    server = b.BuildAndStart();
    channel = server->InProcessChannel(grpc::ChannelArguments());
    lock = v3lockpb::Lock::NewStub(channel);
    lease = etcdserverpb::Lease::NewStub(m.channel);
    kv = etcdserverpb::KV::NewStub(m.channel);
  }
  ~LockFixture() { server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2)); }

  int64_t Grant(int64_t ttl) {
    grpc::ClientContext c;
    etcdserverpb::LeaseGrantRequest g;
    g.set_ttl(ttl);
    etcdserverpb::LeaseGrantResponse r;
    EXPECT_TRUE(lease->LeaseGrant(&c, g, &r).ok());
    return r.id();
  }
  grpc::Status Lock(const std::string& name, int64_t lease_id, v3lockpb::LockResponse* resp,
                    std::chrono::milliseconds deadline = std::chrono::milliseconds(0)) {
    grpc::ClientContext c;
    if (deadline.count() > 0) c.set_deadline(std::chrono::system_clock::now() + deadline);
    v3lockpb::LockRequest req;
    req.set_name(name);
    req.set_lease(lease_id);
    return lock->Lock(&c, req, resp);
  }
  grpc::Status Unlock(const std::string& key) {
    grpc::ClientContext c;
    v3lockpb::UnlockRequest req;
    req.set_key(key);
    v3lockpb::UnlockResponse resp;
    return lock->Unlock(&c, req, &resp);
  }
  int64_t CountPrefix(const std::string& prefix) {
    grpc::ClientContext c;
    etcdserverpb::RangeRequest r;
    r.set_key(prefix);
    r.set_range_end(prefix.substr(0, prefix.size() - 1) + static_cast<char>(prefix.back() + 1));
    r.set_count_only(true);
    etcdserverpb::RangeResponse resp;
    EXPECT_TRUE(kv->Range(&c, r, &resp).ok());
    return resp.count();
  }

  testing::TestMember m;
  LockService lock_service;
  std::unique_ptr<grpc::Server> server;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v3lockpb::Lock::Stub> lock;
  std::unique_ptr<etcdserverpb::Lease::Stub> lease;
  std::unique_ptr<etcdserverpb::KV::Stub> kv;
};

TEST(LockServiceTest, KeyIsNameSlashLeaseHex) {
  LockFixture f;
  const int64_t id = f.Grant(30);
  v3lockpb::LockResponse resp;
  ASSERT_TRUE(f.Lock("mylock", id, &resp).ok());
  char hex[32];
  snprintf(hex, sizeof(hex), "%llx", static_cast<unsigned long long>(id));
  EXPECT_EQ(resp.key(), std::string("mylock/") + hex);
  EXPECT_EQ(resp.header().member_id(), 0x8e9e05c52164694dULL);
  EXPECT_GT(resp.header().revision(), 1);
  // Locking again with the same lease reuses the key (the session already holds it).
  v3lockpb::LockResponse again;
  ASSERT_TRUE(f.Lock("mylock", id, &again).ok());
  EXPECT_EQ(again.key(), resp.key());
}

TEST(LockServiceTest, SecondLockWaitsForTheFirstUnlock) {
  LockFixture f;
  v3lockpb::LockResponse first;
  ASSERT_TRUE(f.Lock("mx", f.Grant(30), &first).ok());
  const int64_t second_lease = f.Grant(30);
  v3lockpb::LockResponse second;
  auto waiting = std::async(std::launch::async, [&] { return f.Lock("mx", second_lease, &second); });
  // Both waiter keys exist; the second call is still waiting.
  ASSERT_EQ(waiting.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
  EXPECT_EQ(f.CountPrefix("mx/"), 2);
  ASSERT_TRUE(f.Unlock(first.key()).ok());
  ASSERT_EQ(waiting.wait_for(kLongWait), std::future_status::ready);
  ASSERT_TRUE(waiting.get().ok());
  EXPECT_NE(second.key(), first.key());
  EXPECT_GT(second.header().revision(), first.header().revision() + 1);
}

// Each waiting Lock holds a gRPC thread: many waiters must not starve other calls of the service.
TEST(LockServiceTest, ManyWaitersDoNotBlockUnlock) {
  LockFixture f;
  v3lockpb::LockResponse held;
  ASSERT_TRUE(f.Lock("many", f.Grant(30), &held).ok());
  constexpr int kWaiters = 40;
  std::vector<int64_t> leases;
  for (int i = 0; i < kWaiters; i++) leases.push_back(f.Grant(30));
  std::vector<std::future<grpc::Status>> waiting;
  std::vector<v3lockpb::LockResponse> resps(kWaiters);
  for (int i = 0; i < kWaiters; i++) {
    waiting.push_back(std::async(std::launch::async,
                                 [&f, &leases, &resps, i] { return f.Lock("many", leases[i], &resps[i]); }));
  }
  const auto until = std::chrono::steady_clock::now() + kLongWait;
  while (f.CountPrefix("many/") != kWaiters + 1 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(f.CountPrefix("many/"), kWaiters + 1);
  // Release the lock in turn: each Unlock lets exactly the next waiter in.
  ASSERT_TRUE(f.Unlock(held.key()).ok());
  for (int done = 0; done < kWaiters; done++) {
    int owner = -1;
    const auto deadline = std::chrono::steady_clock::now() + kLongWait;
    while (owner < 0 && std::chrono::steady_clock::now() < deadline) {
      for (int i = 0; i < kWaiters; i++) {
        if (waiting[i].valid() &&
            waiting[i].wait_for(std::chrono::milliseconds(1)) == std::future_status::ready) {
          ASSERT_TRUE(waiting[i].get().ok());
          ASSERT_EQ(owner, -1) << "two waiters own the lock at once";
          owner = i;
        }
      }
    }
    ASSERT_GE(owner, 0);
    ASSERT_TRUE(f.Unlock(resps[owner].key()).ok());
  }
  EXPECT_EQ(f.CountPrefix("many/"), 0);
}

TEST(LockServiceTest, WaiterThatGoesAwayDeletesItsKey) {
  LockFixture f;
  v3lockpb::LockResponse held;
  ASSERT_TRUE(f.Lock("gone", f.Grant(30), &held).ok());
  v3lockpb::LockResponse resp;
  grpc::Status st = f.Lock("gone", f.Grant(30), &resp, std::chrono::milliseconds(300));
  EXPECT_EQ(st.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  const auto until = std::chrono::steady_clock::now() + kLongWait;
  while (f.CountPrefix("gone/") != 1 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(f.CountPrefix("gone/"), 1);
}

TEST(LockServiceTest, LeaseZeroGrantsASixtySecondLease) {
  LockFixture f;
  v3lockpb::LockResponse resp;
  ASSERT_TRUE(f.Lock("nolease", 0, &resp).ok());
  grpc::ClientContext c;
  etcdserverpb::RangeRequest r;
  r.set_key(resp.key());
  etcdserverpb::RangeResponse rr;
  ASSERT_TRUE(f.kv->Range(&c, r, &rr).ok());
  ASSERT_EQ(rr.kvs_size(), 1);
  ASSERT_NE(rr.kvs(0).lease(), 0);
  grpc::ClientContext tc;
  etcdserverpb::LeaseTimeToLiveRequest t;
  t.set_id(rr.kvs(0).lease());
  etcdserverpb::LeaseTimeToLiveResponse tr;
  ASSERT_TRUE(f.lease->LeaseTimeToLive(&tc, t, &tr).ok());
  EXPECT_EQ(tr.grantedttl(), 60);
}

// etcd 3.5: a waiter whose lease expired while it waited does not get the lock.
TEST(LockServiceTest, WaiterWhoseLeaseIsGoneGetsSessionExpired) {
  LockFixture f;
  v3lockpb::LockResponse held;
  ASSERT_TRUE(f.Lock("exp", f.Grant(30), &held).ok());
  const int64_t waiter_lease = f.Grant(30);
  v3lockpb::LockResponse resp;
  auto waiting = std::async(std::launch::async, [&] { return f.Lock("exp", waiter_lease, &resp); });
  const auto until = std::chrono::steady_clock::now() + kLongWait;
  while (f.CountPrefix("exp/") != 2 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(f.CountPrefix("exp/"), 2);
  grpc::ClientContext rc;
  etcdserverpb::LeaseRevokeRequest rv;
  rv.set_id(waiter_lease);
  etcdserverpb::LeaseRevokeResponse rr;
  ASSERT_TRUE(f.lease->LeaseRevoke(&rc, rv, &rr).ok());
  ASSERT_TRUE(f.Unlock(held.key()).ok());
  ASSERT_EQ(waiting.wait_for(kLongWait), std::future_status::ready);
  grpc::Status st = waiting.get();
  EXPECT_EQ(st.error_code(), grpc::StatusCode::UNKNOWN);
  EXPECT_EQ(st.error_message(), "mutex: session is expired");
}

TEST(LockServiceTest, MissingLeaseIsUnknownWithEtcdText) {
  LockFixture f;
  v3lockpb::LockResponse resp;
  grpc::Status st = f.Lock("x", 12345, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::UNKNOWN);
  EXPECT_EQ(st.error_message(), "etcdserver: requested lease not found");
  EXPECT_EQ(f.CountPrefix("x/"), 0);
}

}  // namespace
}  // namespace cairn::api

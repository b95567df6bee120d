#include "storage/mvcc/lessor.h"

#include <gtest/gtest.h>

#include "proto/lease.pb.h"
#include "storage/backend/mem_backend.h"
#include "storage/mvcc/errors.h"
#include "storage/mvcc/lease_record.h"
#include "storage/mvcc/watchable_store.h"

namespace cairn::mvcc {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class LessorTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    kv_.reset();
    lessor_.reset();
    Lessor::Options o;
    o.clock = [this] { return now_; };
    o.min_ttl_seconds = min_ttl_;
    ASSERT_TRUE(Lessor::Open(&backend_, o, &lessor_).ok());
    KvStore::Options ko;
    ko.leases = lessor_.get();
    ASSERT_TRUE(KvStore::Open(&backend_, ko, &kv_).ok());
    lessor_->set_kv(kv_.get());
  }
  void Put(const std::string& k, LeaseId lease) {
    PutRequest req;
    req.key = k;
    req.value = "v";
    req.lease = lease;
    PutResponse resp;
    ASSERT_TRUE(kv_->Put(req, &resp).ok());
  }
  bool Exists(const std::string& k) {
    RangeRequest req;
    req.key = k;
    RangeResponse resp;
    EXPECT_TRUE(kv_->Range(req, &resp).ok());
    return !resp.kvs.empty();
  }
  int64_t Grant(LeaseId id, int64_t ttl) {
    int64_t granted = 0;
    Status s = lessor_->Grant(id, ttl, &granted);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return granted;
  }

  std::chrono::steady_clock::time_point now_{seconds(1000)};
  int64_t min_ttl_ = 0;
  backend::MemBackend backend_;
  std::unique_ptr<Lessor> lessor_;
  std::unique_ptr<KvStore> kv_;
};

TEST_F(LessorTest, GrantPersistsLeasepbRecord) {
  EXPECT_EQ(Grant(0x1234, 60), 60);
  std::string_view v;
  ASSERT_TRUE(backend_.Read()->UnsafeGet(backend::kLeaseBucket, std::string("\0\0\0\0\0\0\x12\x34", 8), &v));
  leasepb::Lease pb;
  pb.set_id(0x1234);
  pb.set_ttl(60);
  EXPECT_EQ(v, pb.SerializeAsString()) << "same bytes as the generated leasepb.Lease";
  LeaseRecord r;
  ASSERT_TRUE(ParseLeaseRecord(v, &r).ok());
  EXPECT_EQ(r, (LeaseRecord{0x1234, 60, 0}));
}

TEST_F(LessorTest, GrantErrors) {
  int64_t ttl;
  EXPECT_EQ(lessor_->Grant(0, 10, &ttl).message(), "lease not found");
  EXPECT_EQ(lessor_->Grant(1, kMaxLeaseTtlSeconds + 1, &ttl).message(), "too large lease TTL");
  Grant(1, 10);
  EXPECT_EQ(lessor_->Grant(1, 10, &ttl).message(), "lease already exists");
}

TEST_F(LessorTest, MinTtlRaisesShortLeases) {
  min_ttl_ = 5;
  Reopen();
  EXPECT_EQ(Grant(1, 1), 5);
  EXPECT_EQ(Grant(2, 50), 50);
}

TEST_F(LessorTest, ExpiryWithFakeClockAndKeepAlive) {
  lessor_->Promote(milliseconds(0));
  Grant(1, 10);
  Grant(2, 20);
  now_ += seconds(9);
  EXPECT_TRUE(lessor_->FindExpired().empty());
  LeaseInfo info;
  ASSERT_TRUE(lessor_->Lookup(1, &info));
  EXPECT_EQ(info.remaining_seconds, 1);
  EXPECT_EQ(info.granted_ttl_seconds, 10);
  int64_t ttl;
  ASSERT_TRUE(lessor_->Renew(1, &ttl).ok());
  EXPECT_EQ(ttl, 10);
  now_ += seconds(9);  // t=18: lease 1 renewed at 9 -> expires 19; lease 2 at 20
  EXPECT_TRUE(lessor_->FindExpired().empty());
  now_ += seconds(1);
  EXPECT_EQ(lessor_->FindExpired(), std::vector<LeaseId>{1});
  EXPECT_TRUE(lessor_->FindExpired().empty()) << "not reported again before the retry interval";
  EXPECT_EQ(lessor_->Renew(1, &ttl).message(), "lease not found") << "expired leases cannot be renewed";
  now_ += seconds(3);
  EXPECT_EQ(lessor_->FindExpired(), (std::vector<LeaseId>{2, 1}))
      << "queue order: 2 expired at 20, 1 retried at 22";
  // Leases(): soonest expiry first.
  auto all = lessor_->Leases();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, 1);
}

TEST_F(LessorTest, NotPrimaryNeverExpires) {
  Grant(1, 1);
  now_ += seconds(100);
  EXPECT_TRUE(lessor_->FindExpired().empty());
  int64_t ttl;
  EXPECT_EQ(lessor_->Renew(1, &ttl).message(), "not a primary lessor");
  lessor_->Promote(milliseconds(0));
  now_ += seconds(1);
  EXPECT_EQ(lessor_->FindExpired(), std::vector<LeaseId>{1});
  lessor_->Demote();
  EXPECT_TRUE(lessor_->FindExpired().empty());
}

TEST_F(LessorTest, RevokeDeletesKeysInOneRevisionWithWatchEvents) {
  WatchableStore ws(kv_.get());
  auto stream = ws.NewStream();
  WatchOptions wo;
  wo.key = "a";
  wo.end = "z";
  WatchId id;
  ASSERT_TRUE(stream->Watch(kAutoWatchId, wo, &id).ok());
  Grant(7, 100);
  Put("b", 7);  // 2
  Put("a", 7);  // 3
  Put("c", 0);  // 4
  Put("d", 7);  // 5
  Put("d", 0);  // 6: detached by a put without lease
  LeaseInfo info;
  ASSERT_TRUE(lessor_->Lookup(7, &info));
  EXPECT_EQ(info.keys, (std::vector<std::string>{"a", "b"}));
  WatchResponse r;
  while (stream->Poll(&r)) {
  }
  ASSERT_TRUE(lessor_->Revoke(7).ok());
  EXPECT_FALSE(Exists("a"));
  EXPECT_FALSE(Exists("b"));
  EXPECT_TRUE(Exists("c"));
  EXPECT_TRUE(Exists("d"));
  EXPECT_EQ(kv_->current_revision(), 7);
  ASSERT_TRUE(stream->Poll(&r));
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.events[0].type, Event::Type::kDelete);
  EXPECT_EQ(r.events[0].kv.key, "a");
  EXPECT_EQ(r.events[1].kv.key, "b");
  EXPECT_EQ(r.revision, 7);
  std::string_view v;
  EXPECT_FALSE(backend_.Read()->UnsafeGet(backend::kLeaseBucket, LeaseKey(7), &v));
  EXPECT_EQ(lessor_->Revoke(7).message(), "lease not found");
  EXPECT_FALSE(lessor_->LeaseExists(7));
}

TEST_F(LessorTest, RestoreOnReopenReattachesKeysAndRefreshesTtl) {
  lessor_->Promote(milliseconds(0));
  Grant(1, 10);
  Grant(2, 30);
  Put("x", 1);
  Put("y", 2);
  Put("z", 1);
  Put("z", 0);
  now_ += seconds(8);  // lease 1 has 2 s left
  Reopen();
  EXPECT_EQ(lessor_->size(), 2u);
  LeaseInfo info;
  ASSERT_TRUE(lessor_->Lookup(1, &info));
  EXPECT_EQ(info.keys, std::vector<std::string>{"x"});
  ASSERT_TRUE(lessor_->Lookup(2, &info));
  EXPECT_EQ(info.keys, std::vector<std::string>{"y"});
  EXPECT_EQ(lessor_->LeaseOf("z"), kNoLease);
  // As etcd: restored leases get their full TTL again when promoted.
  lessor_->Promote(seconds(2));
  ASSERT_TRUE(lessor_->Lookup(1, &info));
  EXPECT_EQ(info.remaining_seconds, 12);
  now_ += seconds(11);
  EXPECT_TRUE(lessor_->FindExpired().empty());
  now_ += seconds(1);
  EXPECT_EQ(lessor_->FindExpired(), std::vector<LeaseId>{1});
  ASSERT_TRUE(lessor_->Revoke(1).ok());
  EXPECT_FALSE(Exists("x"));
}

TEST_F(LessorTest, PromoteSpreadsManyExpiries) {
  for (LeaseId id = 1; id <= 2000; ++id) Grant(id, 10);
  lessor_->Promote(milliseconds(0));
  // etcd Promote: 750 leases keep their expiry; the n-th one after them is pushed back by
  // n/750 s, i.e. the rest expire at 750 per second starting one second later.
  now_ += seconds(10);
  EXPECT_EQ(lessor_->FindExpired(5000).size(), 750u);
  now_ += milliseconds(1500);  // delays up to 1.5 s: leases 751..1125
  EXPECT_EQ(lessor_->FindExpired(5000).size(), 375u);
  now_ += milliseconds(1200);  // the last delay is 2000/750 s = 2.67 s
  EXPECT_EQ(lessor_->FindExpired(5000).size(), 875u);
}

TEST_F(LessorTest, PutWithUnknownLeaseFails) {
  PutRequest req;
  req.key = "k";
  req.lease = 42;
  PutResponse resp;
  EXPECT_EQ(kv_->Put(req, &resp).message(), "lease not found");
}

}  // namespace
}  // namespace cairn::mvcc

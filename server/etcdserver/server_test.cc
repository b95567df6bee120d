// The server core end to end without gRPC: requests through SingleNodeLog (a real WAL in a temp
// dir) into MVCC over the mem backend, etcd's validation errors, and restart by WAL replay.
#include "server/etcdserver/server.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "server/etcdserver/errors.h"
#include "server/etcdserver/single_node_log.h"
#include "storage/backend/mem_backend.h"

namespace cairn::etcdserver {
namespace {

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/etcdserver_testXXXXXX";
    dir_ = mkdtemp(tmpl);
    Boot();
  }
  void TearDown() override {
    Shutdown();
    std::filesystem::remove_all(dir_);
  }
  void Boot(ServerOptions o = {}) {
    o.member_id = 0x8e9e05c52164694dULL;
    o.cluster_id = 0xcdf818194e3a8c32ULL;
    if (quota_ > 0) o.quota_backend_bytes = quota_;
    o.db_size_refresh_interval = std::chrono::milliseconds(100);
    wal::Options wo;
    wo.segment_bytes = 1 << 20;
    wo.log = [](std::string_view) {};
    ASSERT_TRUE(wal::Wal::Open(dir_, wo, &wal_).ok());
    backend_ = std::make_unique<backend::MemBackend>();
    log_ = std::make_unique<SingleNodeLog>(wal_.get(), SingleNodeLog::Options{.member_id = o.member_id});
    ASSERT_TRUE(EtcdServer::Open(o, backend_.get(), log_.get(), &server_).ok());
  }
  void Shutdown() {
    server_.reset();
    log_.reset();
    backend_.reset();
    wal_.reset();
  }
  Status Put(const std::string& k, const std::string& v, int64_t* rev = nullptr) {
    etcdserverpb::PutRequest req;
    req.set_key(k);
    req.set_value(v);
    etcdserverpb::PutResponse resp;
    Status st = server_->Put(req, &resp);
    if (rev) *rev = resp.header().revision();
    return st;
  }
  etcdserverpb::RangeResponse Get(const std::string& k, bool serializable = false) {
    etcdserverpb::RangeRequest req;
    req.set_key(k);
    req.set_serializable(serializable);
    etcdserverpb::RangeResponse resp;
    EXPECT_TRUE(server_->Range(req, &resp).ok());
    return resp;
  }

  std::string dir_;
  int64_t quota_ = 0;
  std::unique_ptr<wal::Wal> wal_;
  std::unique_ptr<backend::MemBackend> backend_;
  std::unique_ptr<SingleNodeLog> log_;
  std::unique_ptr<EtcdServer> server_;
};

TEST_F(ServerTest, PutThenLinearizableGetWithHeader) {
  int64_t rev = 0;
  ASSERT_TRUE(Put("foo", "bar", &rev).ok());
  EXPECT_EQ(rev, 2);  // a fresh store is at revision 1
  etcdserverpb::RangeResponse r = Get("foo");
  ASSERT_EQ(r.kvs_size(), 1);
  EXPECT_EQ(r.kvs(0).value(), "bar");
  EXPECT_EQ(r.kvs(0).mod_revision(), 2);
  EXPECT_EQ(r.header().revision(), 2);
  EXPECT_EQ(r.header().cluster_id(), 0xcdf818194e3a8c32ULL);
  EXPECT_EQ(r.header().member_id(), 0x8e9e05c52164694dULL);
  EXPECT_EQ(r.header().raft_term(), 2u);
  EXPECT_EQ(Get("foo", true).kvs_size(), 1);
}

TEST_F(ServerTest, ValidationErrorsAreEtcds) {
  EXPECT_EQ(Put("", "v").message(), kErrEmptyKey);
  etcdserverpb::PutRequest p;
  p.set_key("k");
  p.set_value("v");
  p.set_ignore_value(true);
  etcdserverpb::PutResponse pr;
  EXPECT_EQ(server_->Put(p, &pr).message(), kErrValueProvided);

  etcdserverpb::TxnRequest t;
  for (int i = 0; i < 129; i++) t.add_success()->mutable_request_put()->set_key("k" + std::to_string(i));
  etcdserverpb::TxnResponse tr;
  EXPECT_EQ(server_->Txn(t, &tr).message(), kErrTooManyOps);

  etcdserverpb::TxnRequest dup;
  dup.add_success()->mutable_request_put()->set_key("a");
  dup.add_success()->mutable_request_put()->set_key("a");
  EXPECT_EQ(server_->Txn(dup, &tr).message(), kErrDuplicateKey);

  EXPECT_EQ(Put("big", std::string(2 * 1024 * 1024, 'x')).message(), kErrRequestTooLarge);
  // Nothing above changed the store.
  EXPECT_EQ(server_->kv()->current_revision(), 1);
}

TEST_F(ServerTest, CompactedAndFutureRevisions) {
  for (int i = 0; i < 5; i++) ASSERT_TRUE(Put("k", std::to_string(i)).ok());  // revs 2..6
  etcdserverpb::CompactionRequest c;
  c.set_revision(4);
  c.set_physical(true);
  etcdserverpb::CompactionResponse cr;
  ASSERT_TRUE(server_->Compact(c, &cr).ok());
  EXPECT_EQ(server_->Compact(c, &cr).message(), kErrCompacted);
  etcdserverpb::RangeRequest r;
  r.set_key("k");
  r.set_revision(3);
  etcdserverpb::RangeResponse rr;
  EXPECT_EQ(server_->Range(r, &rr).message(), kErrCompacted);
  r.set_revision(100);
  EXPECT_EQ(server_->Range(r, &rr).message(), kErrFutureRev);
  c.set_revision(100);
  EXPECT_EQ(server_->Compact(c, &cr).message(), kErrFutureRev);
}

TEST_F(ServerTest, TxnCompareAndBranches) {
  ASSERT_TRUE(Put("k", "v1").ok());
  etcdserverpb::TxnRequest t;
  auto* cmp = t.add_compare();
  cmp->set_key("k");
  cmp->set_target(etcdserverpb::Compare::VALUE);
  cmp->set_result(etcdserverpb::Compare::EQUAL);
  cmp->set_value("v1");
  auto* put = t.add_success()->mutable_request_put();
  put->set_key("k");
  put->set_value("v2");
  t.add_failure()->mutable_request_range()->set_key("k");
  etcdserverpb::TxnResponse tr;
  ASSERT_TRUE(server_->Txn(t, &tr).ok());
  EXPECT_TRUE(tr.succeeded());
  EXPECT_EQ(tr.header().revision(), 3);
  ASSERT_TRUE(server_->Txn(t, &tr).ok());
  EXPECT_FALSE(tr.succeeded());
  ASSERT_EQ(tr.responses_size(), 1);
  EXPECT_EQ(tr.responses(0).response_range().kvs(0).value(), "v2");
}

TEST_F(ServerTest, RestartReplaysTheWalIntoAFreshBackend) {
  for (int i = 0; i < 20; i++) ASSERT_TRUE(Put("key" + std::to_string(i), "v" + std::to_string(i)).ok());
  etcdserverpb::DeleteRangeRequest d;
  d.set_key("key0");
  etcdserverpb::DeleteRangeResponse dr;
  ASSERT_TRUE(server_->DeleteRange(d, &dr).ok());
  EXPECT_EQ(dr.deleted(), 1);
  Shutdown();  // the mem backend is gone: only the WAL remains (as after kill -9)
  Boot();
  EXPECT_EQ(server_->kv()->current_revision(), 22);
  EXPECT_EQ(Get("key0").kvs_size(), 0);
  etcdserverpb::RangeResponse r = Get("key7");
  ASSERT_EQ(r.kvs_size(), 1);
  EXPECT_EQ(r.kvs(0).value(), "v7");
  EXPECT_EQ(r.kvs(0).mod_revision(), 9);
  EXPECT_EQ(r.header().raft_term(), 3u);
  int64_t rev = 0;
  ASSERT_TRUE(Put("after", "restart", &rev).ok());
  EXPECT_EQ(rev, 23);
}

TEST_F(ServerTest, LeaseGrantAttachRevokeDeletesKeys) {
  etcdserverpb::LeaseGrantRequest g;
  g.set_ttl(60);
  etcdserverpb::LeaseGrantResponse gr;
  ASSERT_TRUE(server_->LeaseGrant(g, &gr).ok());
  EXPECT_GT(gr.id(), 0);
  EXPECT_EQ(gr.ttl(), 60);
  etcdserverpb::PutRequest p;
  p.set_key("leased");
  p.set_value("v");
  p.set_lease(gr.id());
  etcdserverpb::PutResponse pr;
  ASSERT_TRUE(server_->Put(p, &pr).ok());
  etcdserverpb::LeaseTimeToLiveRequest ttl;
  ttl.set_id(gr.id());
  ttl.set_keys(true);
  etcdserverpb::LeaseTimeToLiveResponse tr;
  ASSERT_TRUE(server_->LeaseTimeToLive(ttl, &tr).ok());
  EXPECT_EQ(tr.grantedttl(), 60);
  ASSERT_EQ(tr.keys_size(), 1);
  EXPECT_EQ(tr.keys(0), "leased");
  etcdserverpb::LeaseRevokeRequest rv;
  rv.set_id(gr.id());
  etcdserverpb::LeaseRevokeResponse rr;
  ASSERT_TRUE(server_->LeaseRevoke(rv, &rr).ok());
  EXPECT_EQ(Get("leased").kvs_size(), 0);
  EXPECT_EQ(server_->LeaseRevoke(rv, &rr).message(), kErrLeaseNotFound);
  p.set_key("other");
  EXPECT_EQ(server_->Put(p, &pr).message(), kErrLeaseNotFound);
}

TEST_F(ServerTest, ExpiredLeaseIsRevokedThroughTheLog) {
  etcdserverpb::LeaseGrantRequest g;
  g.set_ttl(1);  // raised to the 2 s minimum TTL
  etcdserverpb::LeaseGrantResponse gr;
  ASSERT_TRUE(server_->LeaseGrant(g, &gr).ok());
  EXPECT_EQ(gr.ttl(), 2);
  etcdserverpb::PutRequest p;
  p.set_key("ephemeral");
  p.set_lease(gr.id());
  etcdserverpb::PutResponse pr;
  ASSERT_TRUE(server_->Put(p, &pr).ok());
  for (int i = 0; i < 100 && Get("ephemeral").kvs_size() == 1; i++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(Get("ephemeral").kvs_size(), 0);
}

TEST_F(ServerTest, NoSpaceAlarmBlocksWritesUntilDisarmed) {
  Shutdown();
  quota_ = 4096;
  Boot();
  // The quota check uses a backend size refreshed every 100 ms here: keep writing until it bites.
  Status st;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (int i = 0; st.ok() && std::chrono::steady_clock::now() < deadline; i++) {
    st = Put("k" + std::to_string(i), std::string(100, 'v'));
  }
  EXPECT_EQ(st.message(), kErrNoSpace);
  ASSERT_EQ(server_->ActiveAlarms().size(), 1u);
  EXPECT_EQ(Get("k0").kvs_size(), 1);  // reads still work
  etcdserverpb::AlarmRequest a;
  a.set_action(etcdserverpb::AlarmRequest::DEACTIVATE);
  a.set_memberid(server_->options().member_id);
  a.set_alarm(etcdserverpb::NOSPACE);
  etcdserverpb::AlarmResponse ar;
  ASSERT_TRUE(server_->Alarm(a, &ar).ok());
  EXPECT_EQ(ar.alarms_size(), 1);
  EXPECT_TRUE(server_->ActiveAlarms().empty());
}

// etcd applierV3Corrupt: with CORRUPT raised, writes fail with "etcdserver: corrupt cluster";
// reads and disarming still work.
TEST_F(ServerTest, CorruptAlarmRefusesWritesUntilDisarmed) {
  ASSERT_TRUE(Put("k", "v").ok());
  etcdserverpb::AlarmRequest a;
  a.set_action(etcdserverpb::AlarmRequest::ACTIVATE);
  a.set_memberid(0);
  a.set_alarm(etcdserverpb::CORRUPT);
  etcdserverpb::AlarmResponse ar;
  ASSERT_TRUE(server_->Alarm(a, &ar).ok());
  EXPECT_EQ(Put("k", "w").message(), kErrCorrupt);
  etcdserverpb::DeleteRangeRequest d;
  d.set_key("k");
  etcdserverpb::DeleteRangeResponse dr;
  EXPECT_EQ(server_->DeleteRange(d, &dr).message(), kErrCorrupt);
  EXPECT_EQ(Get("k").kvs(0).value(), "v");
  a.set_action(etcdserverpb::AlarmRequest::DEACTIVATE);
  ASSERT_TRUE(server_->Alarm(a, &ar).ok());
  EXPECT_TRUE(Put("k", "w").ok());
}

TEST_F(ServerTest, StatusReportsVersionAndRaftIndexes) {
  ASSERT_TRUE(Put("a", "b").ok());
  ASSERT_TRUE(log_->WaitApplied(1, std::chrono::seconds(5)));
  etcdserverpb::StatusResponse s;
  ASSERT_TRUE(server_->StatusOf(&s).ok());
  EXPECT_EQ(s.version(), "3.5.17");
  EXPECT_EQ(s.leader(), 0x8e9e05c52164694dULL);
  EXPECT_EQ(s.raftindex(), 1u);
  EXPECT_EQ(s.raftappliedindex(), 1u);
  EXPECT_EQ(s.raftterm(), 2u);
  EXPECT_GT(s.dbsize(), 0);
}

}  // namespace
}  // namespace cairn::etcdserver

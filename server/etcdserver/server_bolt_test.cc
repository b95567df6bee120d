// The server core over the bolt backend (member/snap/db): restart replays only the WAL above the
// db's consistent index, every entry kind (put, lease grant, alarm) advances that index, alarms
// persist in etcd's `alarm` bucket, and WAL segments below the durable index are released.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <thread>

#include "server/etcdserver/server.h"
#include "server/etcdserver/single_node_log.h"
#include "storage/backend/bolt_backend.h"

namespace cairn::etcdserver {
namespace {

constexpr uint64_t kMember = 0x8e9e05c52164694dULL;

class ServerBoltTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/etcdserver_bolt_testXXXXXX";
    dir_ = mkdtemp(tmpl);
    std::filesystem::create_directories(dir_ + "/wal");
  }
  void TearDown() override {
    Shutdown();
    std::filesystem::remove_all(dir_);
  }
  void Boot() {
    ServerOptions o;
    o.member_id = kMember;
    o.cluster_id = 0xcdf818194e3a8c32ULL;
    o.watch_sync_interval = std::chrono::milliseconds(5);
    o.on_backend_durable = [this](uint64_t index) {
      durable_index_ = index;
      ASSERT_TRUE(wal_->ReleaseBefore(index).ok());
    };
    wal::Options wo;
    wo.segment_bytes = 64 << 10;
    wo.log = [](std::string_view) {};
    ASSERT_TRUE(wal::Wal::Open(dir_ + "/wal", wo, &wal_).ok());
    backend::BoltBackendOptions bo;
    bo.batch_interval = std::chrono::milliseconds(batch_interval_ms_);
    bo.store.bolt.no_sync = true;
    ASSERT_TRUE(backend::OpenBoltBackend(io::DefaultEnv(), dir_ + "/db", bo, &backend_).ok());
    log_ = std::make_unique<SingleNodeLog>(wal_.get(), SingleNodeLog::Options{.member_id = kMember});
    Status st = EtcdServer::Open(o, backend_.get(), log_.get(), &server_);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  void Shutdown() {
    server_.reset();
    log_.reset();
    backend_.reset();
    wal_.reset();
  }
  void Put(const std::string& k, const std::string& v) {
    etcdserverpb::PutRequest req;
    req.set_key(k);
    req.set_value(v);
    etcdserverpb::PutResponse resp;
    ASSERT_TRUE(server_->Put(req, &resp).ok());
  }
  size_t WalSegments() const {
    size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir_ + "/wal"))
      n += e.path().extension() == ".wal";
    return n;
  }
  uint64_t Replayed() const { return log_->applied_index() - server_->restored_consistent_index(); }

  std::string dir_;
  int batch_interval_ms_ = 3600 * 1000;  // commits only when forced, unless a test lowers it
  std::atomic<uint64_t> durable_index_{0};
  std::unique_ptr<wal::Wal> wal_;
  std::unique_ptr<backend::BufferedBackend> backend_;
  std::unique_ptr<SingleNodeLog> log_;
  std::unique_ptr<EtcdServer> server_;
};

TEST_F(ServerBoltTest, GracefulStopCommitsEveryEntryKind) {
  Boot();
  Put("a", "1");
  etcdserverpb::LeaseGrantRequest g;
  g.set_id(77);
  g.set_ttl(600);
  etcdserverpb::LeaseGrantResponse gr;
  ASSERT_TRUE(server_->LeaseGrant(g, &gr).ok());
  etcdserverpb::AlarmRequest a;
  a.set_action(etcdserverpb::AlarmRequest::ACTIVATE);
  a.set_memberid(kMember);
  a.set_alarm(etcdserverpb::NOSPACE);
  etcdserverpb::AlarmResponse ar;
  ASSERT_TRUE(server_->Alarm(a, &ar).ok());
  const uint64_t last = log_->committed_index();  // 3: put, lease grant, alarm
  Shutdown();

  Boot();
  EXPECT_EQ(server_->restored_consistent_index(), last);  // the alarm entry advanced it too
  EXPECT_EQ(Replayed(), 0u);
  ASSERT_EQ(server_->ActiveAlarms().size(), 1u);  // from the alarm bucket, not the WAL
  EXPECT_EQ(server_->ActiveAlarms()[0], etcdserverpb::NOSPACE);
  etcdserverpb::LeaseLeasesResponse leases;
  ASSERT_TRUE(server_->LeaseLeases(&leases).ok());
  ASSERT_EQ(leases.leases_size(), 1);
  EXPECT_EQ(leases.leases(0).id(), 77);

  // etcd's alarm bucket record: key = marshaled AlarmMember, empty value.
  etcdserverpb::AlarmMember m;
  m.set_memberid(kMember);
  m.set_alarm(etcdserverpb::NOSPACE);
  std::string_view v;
  EXPECT_TRUE(backend_->Read()->UnsafeGet("alarm", m.SerializeAsString(), &v));
  EXPECT_TRUE(v.empty());

  a.set_action(etcdserverpb::AlarmRequest::DEACTIVATE);
  ASSERT_TRUE(server_->Alarm(a, &ar).ok());
  Shutdown();
  Boot();
  EXPECT_TRUE(server_->ActiveAlarms().empty());
}

TEST_F(ServerBoltTest, RestartReplaysOnlyTheWalTail) {
  Boot();
  for (int i = 0; i < 20; i++) Put("k" + std::to_string(i), "v");
  etcdserverpb::DefragmentResponse dr;
  ASSERT_TRUE(server_->Defragment(&dr).ok());  // forces a commit: consistent index 20
  for (int i = 20; i < 25; i++) Put("k" + std::to_string(i), "v");
  // A crash (kill -9): the db file as of its last commit (nothing commits with an hour-long
  // interval), the WAL with everything. The copy stands in for the file a killed process leaves.
  std::filesystem::copy_file(dir_ + "/db", dir_ + "/db.crash");
  Shutdown();                                                 // commits the tail (graceful) ...
  std::filesystem::rename(dir_ + "/db.crash", dir_ + "/db");  // ... which the crash never did

  Boot();
  EXPECT_EQ(server_->restored_consistent_index(), 20u);
  EXPECT_EQ(Replayed(), 5u);
  etcdserverpb::RangeRequest rr;
  rr.set_key("k");
  rr.set_range_end("l");
  etcdserverpb::RangeResponse resp;
  ASSERT_TRUE(server_->Range(rr, &resp).ok());
  EXPECT_EQ(resp.count(), 25);
  EXPECT_EQ(resp.header().revision(), 26);
}

TEST_F(ServerBoltTest, DurableIndexReleasesWalSegments) {
  batch_interval_ms_ = 5;
  Boot();
  const std::string value(4000, 'x');
  for (int i = 0; i < 200; i++) Put("k" + std::to_string(i), value);  // ~800 KB: ~13 segments
  const size_t segments_written = (200 * 4000) / (64 << 10);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (durable_index_.load() < 200 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(durable_index_.load(), 200u);
  EXPECT_LT(WalSegments(), segments_written / 2) << "segments below the durable index stay";
  Shutdown();
  Boot();  // replay starts above the db's index, so the released segments are not needed
  EXPECT_EQ(Replayed(), 0u);
  etcdserverpb::RangeRequest rr;
  rr.set_key("k");
  rr.set_range_end("l");
  rr.set_count_only(true);
  etcdserverpb::RangeResponse resp;
  ASSERT_TRUE(server_->Range(rr, &resp).ok());
  EXPECT_EQ(resp.count(), 200);
}

TEST_F(ServerBoltTest, DefragAndSnapshotWhileWriting) {
  batch_interval_ms_ = 5;
  Boot();
  std::thread writer([this] {
    for (int i = 0; i < 300; i++) Put("w" + std::to_string(i), std::string(500, 'v'));
  });
  for (int i = 0; i < 5; i++) {
    etcdserverpb::DefragmentResponse dr;
    ASSERT_TRUE(server_->Defragment(&dr).ok());
    uint64_t bytes = 0;
    ASSERT_TRUE(server_
                    ->SnapshotStream([&](std::string_view blob, uint64_t) {
                      bytes += blob.size();
                      return Status::Ok();
                    })
                    .ok());
    EXPECT_EQ(bytes % 4096, 32u) << "db pages + the sha256 trailer";
  }
  writer.join();
  const uint64_t last = log_->committed_index();
  Shutdown();
  Boot();
  EXPECT_EQ(server_->restored_consistent_index(), last);
  etcdserverpb::RangeRequest rr;
  rr.set_key("w");
  rr.set_range_end("x");
  rr.set_count_only(true);
  etcdserverpb::RangeResponse resp;
  ASSERT_TRUE(server_->Range(rr, &resp).ok());
  EXPECT_EQ(resp.count(), 300);
  EXPECT_EQ(resp.header().revision(), 301);
}

}  // namespace
}  // namespace cairn::etcdserver

#include "server/slowdisk/diagnostics.h"

#include <gtest/gtest.h>

#include <thread>

#include "server/metrics/etcd_metrics.h"
#include "server/slowdisk/slow_apply.h"

namespace cairn::slowdisk {
namespace {

class CountingTransport : public raft::node::Transport {
 public:
  void Send(std::vector<raft::Message> msgs) override { sent += msgs.size(); }
  size_t sent = 0;
};

struct Logs {
  std::shared_ptr<logging::MemorySink> sink = std::make_shared<logging::MemorySink>();
  logging::Logger lg{sink, logging::Level::kInfo};
  std::string All() {
    std::string out;
    for (const std::string& l : sink->Lines()) out += l;
    return out;
  }
};

TEST(HeartbeatWatch, LateHeartbeatIsReportedWithEtcdFields) {
  CountingTransport next;
  Logs logs;
  HeartbeatWatch w(&next, std::chrono::milliseconds(100), &logs.lg);
  const auto t0 = HeartbeatWatch::Clock::now();
  std::chrono::nanoseconds exceeded;
  EXPECT_TRUE(w.Observe(2, t0, &exceeded));
  EXPECT_TRUE(w.Observe(2, t0 + std::chrono::milliseconds(200), &exceeded));
  EXPECT_FALSE(w.Observe(2, t0 + std::chrono::milliseconds(700), &exceeded));
  EXPECT_EQ(exceeded, std::chrono::milliseconds(300));
  w.Reset();
  EXPECT_TRUE(w.Observe(2, t0 + std::chrono::seconds(10), &exceeded));

  const double before = metrics::Etcd().heartbeat_send_failures_total.Value();
  raft::Message hb;
  hb.type = raft::MessageType::kHeartbeat;
  hb.to = 0xab;
  w.Reset();
  w.Send({hb});
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  w.Send({hb});
  EXPECT_EQ(next.sent, 2u);
  EXPECT_EQ(metrics::Etcd().heartbeat_send_failures_total.Value(), before + 1);
  const std::string all = logs.All();
  EXPECT_NE(
      all.find("\"msg\":\"leader failed to send out heartbeat on time; took too long, leader is overloaded "
               "likely from slow disk\",\"to\":\"ab\",\"heartbeat-interval\":\"100ms\",\"expected-duration\":"
               "\"200ms\",\"exceeded-duration\":\""),
      std::string::npos)
      << all;
}

TEST(LeaderChangeWatch, OnlySameTermLossIsACheckQuorumStepDown) {
  Logs logs;
  LeaderChangeWatch w(0xa, &logs.lg);
  EXPECT_FALSE(w.NoteLeaderChange(0xa, 2));
  EXPECT_FALSE(w.NoteLeaderChange(0xb, 3));  // a higher term took over
  EXPECT_FALSE(w.NoteLeaderChange(0xa, 4));
  EXPECT_TRUE(w.NoteLeaderChange(0, 4));
  EXPECT_NE(logs.All().find("\"msg\":\"a stepped down to follower since quorum is not active\""),
            std::string::npos);
}

TEST(ObserveWalSync, SlowSyncWarnsWithEtcdFields) {
  Logs logs;
  ObserveWalSync(std::chrono::milliseconds(5), logs.lg);
  EXPECT_EQ(logs.All(), "");
  ObserveWalSync(std::chrono::milliseconds(1500), logs.lg);
  EXPECT_NE(logs.All().find("\"msg\":\"slow fdatasync\",\"took\":\"1.5s\",\"expected-duration\":\"1s\""),
            std::string::npos)
      << logs.All();
}

TEST(SlowApply, RequestTextNeverCarriesValues) {
  etcdserver::InternalRequest r;
  r.mutable_header()->set_id(7);
  r.mutable_put()->set_key("foo");
  r.mutable_put()->set_value("secret");
  EXPECT_EQ(RequestString(r), "header:<ID:7 > put:<key:\"foo\" value_size:6 >");
  etcdserver::InternalRequest t;
  t.mutable_txn()->add_success()->mutable_request_put()->set_value("secret");
  EXPECT_EQ(RequestString(t).find("secret"), std::string::npos);

  Logs logs;
  etcdserver::ApplyResult res;
  res.response = std::make_shared<etcdserverpb::PutResponse>();
  const double before = metrics::Etcd().slow_apply_total.Value();
  WarnOfSlowApply(logs.lg, std::chrono::milliseconds(150), std::chrono::milliseconds(100), r, res);
  EXPECT_EQ(metrics::Etcd().slow_apply_total.Value(), before + 1);
  EXPECT_NE(
      logs.All().find("\"msg\":\"apply request took too long\",\"took\":\"150ms\",\"expected-duration\":"
                      "\"100ms\",\"prefix\":\"\",\"request\":\"header:<ID:7 > put:<key:\\\"foo\\\" "
                      "value_size:6 >\",\"response\":\"size:0\""),
      std::string::npos)
      << logs.All();
}

}  // namespace
}  // namespace cairn::slowdisk

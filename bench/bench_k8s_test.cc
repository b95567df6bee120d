// Black-box test of the Kubernetes-shaped workloads (k8s-list, k8s-churn, watch-fanout) of
// bench_tool against a real etcd (Debian's etcd-server, etcd_process.h), killed at the end. The
// reports' counts come from --output json; what the workloads wrote is checked in etcd itself.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <regex>
#include <string>
#include <vector>

#include "bench/bench_tool_fixture.h"
#include "proto/rpc.grpc.pb.h"

namespace {

class BenchK8sTest : public cairn::bench::testing::BenchToolTest {
 protected:
  // The integer after "\"<field>\":" in the JSON object of report `name` ({"name":{...},...}).
  static int64_t JsonInt(const std::string& json, const std::string& name, const std::string& field) {
    const size_t at = json.find("\"" + name + "\":{");
    if (at == std::string::npos) return -1;
    std::smatch m;
    const std::string rest = json.substr(at);
    if (!std::regex_search(rest, m, std::regex("\"" + field + "\":(\\d+)"))) return -1;
    return std::stoll(m[1]);
  }

  static etcdserverpb::RangeResponse Range(const std::string& prefix, const std::string& end) {
    auto kv =
        etcdserverpb::KV::NewStub(grpc::CreateChannel(etcd_->endpoint(), grpc::InsecureChannelCredentials()));
    etcdserverpb::RangeRequest req;
    req.set_key(prefix);
    req.set_range_end(end);
    etcdserverpb::RangeResponse resp;
    grpc::ClientContext ctx;
    EXPECT_TRUE(kv->Range(&ctx, req, &resp).ok());
    return resp;
  }
};

TEST_F(BenchK8sTest, ListFullAndPaged) {
  int rc = -1;
  const std::string out = RunBench(
      "--output json --clients 3 --conns 2 k8s-list --objects 300 --object-size 512 --namespaces 7 "
      "--lists 12 --paged-percent 50 --page-size 40",
      &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_EQ(JsonInt(out, "full", "successes"), 6) << out;
  EXPECT_EQ(JsonInt(out, "paged", "successes"), 6) << out;
  EXPECT_EQ(JsonInt(out, "full", "failures"), 0) << out;
  EXPECT_EQ(JsonInt(out, "paged", "failures"), 0) << out;
  const etcdserverpb::RangeResponse pods = Range("/registry/pods/", "/registry/pods0");
  ASSERT_EQ(pods.kvs_size(), 300);
  EXPECT_EQ(pods.kvs(0).value().size(), 512u);
  EXPECT_EQ(pods.kvs(0).key().rfind("/registry/pods/ns-", 0), 0u);

  // The text report: one etcd-format report per kind, then the client CPU line.
  const std::string text =
      RunBench("k8s-list --skip-populate --objects 300 --lists 4 --paged-percent 50 --page-size 100", &rc);
  ASSERT_EQ(rc, 0) << text;
  EXPECT_EQ(text.rfind("full:\nSummary:\n", 0), 0u) << text;
  EXPECT_NE(text.find("\npaged:\nSummary:\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nClient CPU time:\t"), std::string::npos) << text;
  RunBench("k8s-list --paged-percent 101", &rc);
  EXPECT_EQ(rc, 1);
}

TEST_F(BenchK8sTest, ChurnWithInformersAndSharedEventLeases) {
  int rc = -1;
  const std::string out = RunBench(
      "--output json --clients 8 --conns 2 k8s-churn --objects 64 --object-size 256 --total 600 "
      "--updates-per-object 3 --event-percent 25 --watchers 3 --progress-interval 50ms",
      &rc);
  ASSERT_EQ(rc, 0) << out;
  int64_t done = 0;
  for (const char* kind : {"create", "update", "delete", "event"}) {
    EXPECT_EQ(JsonInt(out, kind, "failures"), 0) << kind << out;
    done += JsonInt(out, kind, "successes");
  }
  EXPECT_EQ(done, 600) << out;
  EXPECT_EQ(JsonInt(out, "event", "successes"), 150) << out;
  EXPECT_GT(JsonInt(out, "delete", "successes"), 0) << out;
  const int64_t expected = JsonInt(out, "watch", "expected_events");
  EXPECT_GT(expected, 0) << out;
  EXPECT_EQ(JsonInt(out, "watch", "events"), expected) << out;
  EXPECT_EQ(JsonInt(out, "watch", "prev_kv_missing"), 0) << out;
  EXPECT_GT(JsonInt(out, "watch", "progress_notifications"), 0) << out;

  // All 150 events exist in etcd, attached to one shared lease (one reuse window of 60 s).
  const etcdserverpb::RangeResponse events = Range("/registry/events/", "/registry/events0");
  ASSERT_EQ(events.kvs_size(), 150);
  for (const auto& kv : events.kvs()) {
    EXPECT_NE(kv.lease(), 0);
    EXPECT_EQ(kv.lease(), events.kvs(0).lease());
  }
}

TEST_F(BenchK8sTest, WatchFanoutDeliversEveryPutToEveryWatcher) {
  int rc = -1;
  const std::string out = RunBench(
      "--output json --conns 4 watch-fanout --watchers 50 --put-total 40 --rate 200 --put-clients 2", &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_EQ(JsonInt(out, "delivery", "successes"), 50 * 40) << out;
  EXPECT_EQ(JsonInt(out, "delivery", "failures"), 0) << out;
  EXPECT_EQ(JsonInt(out, "put", "successes"), 40) << out;
  const std::string text = RunBench("watch-fanout --watchers 5 --put-total 5 --rate 0", &rc);
  ASSERT_EQ(rc, 0) << text;
  EXPECT_EQ(text.rfind("delivery:\nSummary:\n", 0), 0u) << text;
}

}  // namespace

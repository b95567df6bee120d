#include "server/metrics/etcd_metrics.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "server/metrics/process_metrics.h"

namespace cairn::metrics {
namespace {

struct Exposition {
  std::set<std::string> help_and_type_lines;
  std::map<std::string, std::vector<std::string>> bucket_bounds;  // histogram name -> le values
  std::set<std::string> names;
};

Exposition Parse(std::istream& in) {
  Exposition e;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
      e.help_and_type_lines.insert(line);
      std::string name = line.substr(7, line.find(' ', 7) - 7);
      e.names.insert(name);
      continue;
    }
    size_t b = line.find("_bucket{");
    if (b == std::string::npos || line[0] == '#') continue;
    size_t le = line.find("le=\"", b);
    if (le == std::string::npos) continue;
    // Only unlabelled histograms are compared.
    if (line.find(',', b) != std::string::npos && line.find(',', b) < le) continue;
    e.bucket_bounds[line.substr(0, b)].push_back(line.substr(le + 4, line.find('"', le + 4) - le - 4));
  }
  return e;
}

Exposition Ours() {
  static Registry* registry = [] {
    auto* r = new Registry();
    EtcdMetrics* m = new EtcdMetrics(*r);
    m->SetVersions("3.5.17", "3.5");
    m->SetServerId(0x8e9e05c52164694dULL);
    m->InitializeGrpcMethod("etcdserverpb.KV", "Range", "unary");
    RegisterProcessMetrics(*r);
    return r;
  }();
  std::istringstream in(registry->Render());
  return Parse(in);
}

TEST(EtcdMetricsTest, HelpAndTypeLinesEqualRealEtcd) {
  std::ifstream file("server/metrics/testdata/etcd_3_4_23_metrics.txt");
  ASSERT_TRUE(file.good());
  Exposition etcd = Parse(file);
  Exposition ours = Ours();
  ASSERT_GT(ours.names.size(), 50u);
  for (const std::string& line : ours.help_and_type_lines) {
    EXPECT_TRUE(etcd.help_and_type_lines.count(line) == 1) << "not in real etcd's /metrics: " << line;
  }
}

TEST(EtcdMetricsTest, HistogramBucketsEqualRealEtcd) {
  std::ifstream file("server/metrics/testdata/etcd_3_4_23_metrics.txt");
  Exposition etcd = Parse(file);
  Exposition ours = Ours();
  int compared = 0;
  for (const auto& [name, bounds] : ours.bucket_bounds) {
    ASSERT_TRUE(etcd.bucket_bounds.count(name) == 1) << name;
    EXPECT_EQ(bounds, etcd.bucket_bounds[name]) << name;
    compared++;
  }
  EXPECT_EQ(compared, 9);
  // The two that alert rules use most, spelled out.
  EXPECT_EQ(ours.bucket_bounds["etcd_disk_wal_fsync_duration_seconds"],
            (std::vector<std::string>{"0.001", "0.002", "0.004", "0.008", "0.016", "0.032", "0.064", "0.128",
                                      "0.256", "0.512", "1.024", "2.048", "4.096", "8.192", "+Inf"}));
  EXPECT_EQ(ours.bucket_bounds["etcd_disk_backend_commit_duration_seconds"],
            ours.bucket_bounds["etcd_disk_wal_fsync_duration_seconds"]);
}

TEST(EtcdMetricsTest, InfoGaugesAndGrpcInitialization) {
  Registry r;
  EtcdMetrics m(r);
  m.SetVersions("3.5.17", "3.5");
  m.SetServerId(0x8e9e05c52164694dULL);
  m.InitializeGrpcMethod("etcdserverpb.KV", "Range", "unary");
  m.grpc_server_handled_total.With({"unary", "etcdserverpb.KV", "Range", GrpcCodeName(0)}).Inc();
  std::string text = r.Render();
  EXPECT_NE(text.find("etcd_server_version{server_version=\"3.5.17\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("etcd_cluster_version{cluster_version=\"3.5\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("etcd_server_id{server_id=\"8e9e05c52164694d\"} 1\n"), std::string::npos);
  EXPECT_NE(
      text.find(
          "grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"Range\",grpc_service=\"etcdserverpb.KV\","
          "grpc_type=\"unary\"} 1\n"),
      std::string::npos);
  EXPECT_NE(text.find("grpc_server_handled_total{grpc_code=\"Unauthenticated\",grpc_method=\"Range\","
                      "grpc_service=\"etcdserverpb.KV\",grpc_type=\"unary\"} 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("grpc_server_started_total{grpc_method=\"Range\",grpc_service=\"etcdserverpb.KV\",grpc_"
                      "type=\"unary\"} 0\n"),
            std::string::npos);
}

TEST(EtcdMetricsTest, GrpcHandlingTimeHistogramOnlyWhenEnabled) {
  Registry r;
  EtcdMetrics m(r);
  m.InitializeGrpcMethod("etcdserverpb.KV", "Range", "unary");
  EXPECT_EQ(r.Render().find("grpc_server_handling_seconds"), std::string::npos);
  m.EnableGrpcHandlingTimeHistogram();
  m.InitializeGrpcMethod("etcdserverpb.KV", "Put", "unary");
  m.grpc_server_handling_seconds.With({"unary", "etcdserverpb.KV", "Put"}).Observe(0.02);
  const std::string text = r.Render();
  // go-grpc-prometheus's help and prometheus.DefBuckets.
  EXPECT_NE(
      text.find("# HELP grpc_server_handling_seconds Histogram of response latency (seconds) of gRPC that "
                "had been application-level handled by the server.\n# TYPE grpc_server_handling_seconds "
                "histogram\n"),
      std::string::npos);
  EXPECT_NE(
      text.find("grpc_server_handling_seconds_bucket{grpc_method=\"Put\",grpc_service=\"etcdserverpb.KV\","
                "grpc_type=\"unary\",le=\"0.01\"} 0\n"),
      std::string::npos);
  EXPECT_NE(
      text.find("grpc_server_handling_seconds_bucket{grpc_method=\"Put\",grpc_service=\"etcdserverpb.KV\","
                "grpc_type=\"unary\",le=\"0.025\"} 1\n"),
      std::string::npos);
  EXPECT_NE(
      text.find("grpc_server_handling_seconds_bucket{grpc_method=\"Put\",grpc_service=\"etcdserverpb.KV\","
                "grpc_type=\"unary\",le=\"+Inf\"} 1\n"),
      std::string::npos);
}

TEST(ProcessMetricsTest, ReadsProc) {
  ProcessStats s;
  ASSERT_TRUE(ReadProcessStats(&s));
  EXPECT_GT(s.resident_memory_bytes, 1e5);
  EXPECT_GT(s.virtual_memory_bytes, s.resident_memory_bytes);
  EXPECT_GT(s.open_fds, 2);
  EXPECT_GE(s.max_fds, s.open_fds);
  EXPECT_GT(s.start_time_seconds, 1.6e9);
  EXPECT_GE(s.cpu_seconds, 0);
}

}  // namespace
}  // namespace cairn::metrics

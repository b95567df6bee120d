// etcd_network_* families against a real 3-member etcd 3.4.23's /metrics (one member's scrape after
// writes and after another member was killed: testdata/etcd_3_4_23_cluster_network_metrics.txt),
// and PeerMetricsObserver's counting rendered as text.
#include "server/metrics/network_metrics.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "server/metrics/peer_metrics_observer.h"

namespace cairn::metrics {
namespace {

using namespace std::chrono_literals;

struct Exposition {
  std::set<std::string> help_and_type_lines;
  std::map<std::string, std::set<std::string>> label_names;       // family -> label names (no "le")
  std::map<std::string, std::vector<std::string>> bucket_bounds;  // family -> le values of one child
};

std::string FamilyOf(const std::string& sample_name, const std::set<std::string>& families) {
  if (families.count(sample_name)) return sample_name;
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    const std::string s(suffix);
    if (sample_name.size() > s.size() &&
        sample_name.compare(sample_name.size() - s.size(), s.size(), s) == 0) {
      return sample_name.substr(0, sample_name.size() - s.size());
    }
  }
  return sample_name;
}

Exposition Parse(std::istream& in) {
  Exposition e;
  std::set<std::string> families;
  std::map<std::string, std::string> first_child;  // family -> labels of its first bucket series
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
      e.help_and_type_lines.insert(line);
      families.insert(line.substr(7, line.find(' ', 7) - 7));
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    const size_t brace = line.find('{');
    if (brace == std::string::npos) continue;
    const std::string family = FamilyOf(line.substr(0, brace), families);
    const std::string labels = line.substr(brace + 1, line.find('}') - brace - 1);
    std::string others;  // the labels but le
    size_t pos = 0;
    while (pos < labels.size()) {
      const size_t eq = labels.find('=', pos);
      const size_t close = labels.find('"', eq + 2);
      const std::string name = labels.substr(pos, eq - pos);
      const std::string value = labels.substr(eq + 2, close - eq - 2);
      if (name == "le") {
        if (!first_child.count(family)) first_child[family] = others;
        if (first_child[family] == others) e.bucket_bounds[family].push_back(value);
      } else {
        e.label_names[family].insert(name);
        others += name + "=" + value + ",";
      }
      pos = close + 2;  // past `",`
    }
  }
  return e;
}

// Our families with one child each (a family without children is not rendered).
std::string OursRendered() {
  Registry r;
  NetworkMetrics n(r);
  PeerMetricsObserver o(&n, 0x8840b85be51eba3bULL);
  o.Sent(2, 10);
  o.Received(2, 10);
  o.SendFailed(2, 1);
  o.ReceiveFailed(2);
  o.RoundTrip(2, 1ms);
  o.PeerActive(2);
  o.PeerInactive(2);
  o.SnapshotSendStarted(2);
  o.SnapshotSendFinished(2, true, 100, 1s);
  o.SnapshotSendStarted(2);
  o.SnapshotSendFinished(2, false, 0, 1s);
  o.SnapshotReceiveStarted(2);
  o.SnapshotReceiveFinished(2, true, 100, 1s);
  o.SnapshotReceiveStarted(2);
  o.SnapshotReceiveFinished(2, false, 10, 1s);
  return r.Render();
}

TEST(NetworkMetricsTest, AgreeWithARealEtcdCluster) {
  std::ifstream file("server/metrics/testdata/etcd_3_4_23_cluster_network_metrics.txt");
  ASSERT_TRUE(file.good());
  const Exposition etcd = Parse(file);
  std::istringstream ours_text(OursRendered());
  const Exposition ours = Parse(ours_text);
  EXPECT_EQ(ours.label_names.size(), 15u);
  int compared = 0;
  for (const auto& [family, labels] : ours.label_names) {
    if (!etcd.label_names.count(family)) continue;  // e.g. snapshot families: no snapshot in that run
    compared++;
    EXPECT_EQ(labels, etcd.label_names.at(family)) << family;
    for (const char* kind : {"# HELP ", "# TYPE "}) {
      std::string ours_line;
      for (const std::string& l : ours.help_and_type_lines) {
        if (l.rfind(kind + family + " ", 0) == 0) ours_line = l;
      }
      EXPECT_EQ(etcd.help_and_type_lines.count(ours_line), 1u)
          << "not in real etcd's /metrics: " << ours_line;
    }
  }
  // active, disconnected, sent/received bytes, sent failures, round trip time.
  EXPECT_EQ(compared, 6);
  EXPECT_EQ(ours.bucket_bounds.at("etcd_network_peer_round_trip_time_seconds"),
            etcd.bucket_bounds.at("etcd_network_peer_round_trip_time_seconds"));
}

TEST(NetworkMetricsTest, SnapshotFamiliesAsEtcdRegistersThem) {
  // Not in the cluster scrape (no snapshot was sent): spelled out from rafthttp/metrics.go.
  const std::string text = OursRendered();
  for (const char* line : {
           "# HELP etcd_network_snapshot_send_success Total number of successful snapshot sends\n",
           "# TYPE etcd_network_snapshot_send_success counter\n",
           "# HELP etcd_network_snapshot_send_failures Total number of snapshot send failures\n",
           "# HELP etcd_network_snapshot_send_inflights_total Total number of inflight snapshot sends\n",
           "# TYPE etcd_network_snapshot_send_inflights_total gauge\n",
           "# HELP etcd_network_snapshot_send_total_duration_seconds Total latency distributions of v3 "
           "snapshot "
           "sends\n",
           "# TYPE etcd_network_snapshot_send_total_duration_seconds histogram\n",
           "# HELP etcd_network_snapshot_receive_success Total number of successful snapshot receives\n",
           "# HELP etcd_network_snapshot_receive_failures Total number of snapshot receive failures\n",
           "# HELP etcd_network_snapshot_receive_inflights_total Total number of inflight snapshot "
           "receives\n",
           "# HELP etcd_network_snapshot_receive_total_duration_seconds Total latency distributions of v3 "
           "snapshot receives\n",
           "# HELP etcd_network_peer_received_failures_total The total number of receive failures from "
           "peers.\n",
           "# TYPE etcd_network_peer_received_failures_total counter\n",
           "etcd_network_snapshot_send_total_duration_seconds_bucket{To=\"2\",le=\"0.1\"} 0\n",
           "etcd_network_snapshot_send_total_duration_seconds_bucket{To=\"2\",le=\"51.2\"} 1\n",
           "etcd_network_snapshot_receive_total_duration_seconds_bucket{From=\"2\",le=\"51.2\"} 1\n",
       }) {
    EXPECT_NE(text.find(line), std::string::npos) << line;
  }
}

TEST(PeerMetricsObserverTest, CountsLikeEtcd) {
  Registry r;
  NetworkMetrics n(r);
  PeerMetricsObserver o(&n, 0x8e9e05c52164694dULL);
  o.Sent(0x2a, 100);
  o.Sent(0x2a, 23);
  o.SendFailed(0x2a, 3);
  o.SendFailed(0x2b, 0);  // nothing lost: no series
  o.Received(0x14ca1b79af403bc3ULL, 7);
  o.ReceiveFailed(raft::kNoNode);
  o.RoundTrip(0x2a, 5ms);
  o.PeerActive(0x2a);
  o.PeerActive(0x2c);
  o.PeerInactive(0x2c);
  o.SnapshotSendStarted(0x2a);
  o.SnapshotSendFinished(0x2a, true, 1000, 150ms);
  o.SnapshotSendStarted(0x2c);
  o.SnapshotSendFinished(0x2c, false, 0, 0ms);
  o.SnapshotReceiveStarted(0x2a);
  const std::string text = r.Render();
  for (const char* line : {
           "etcd_network_peer_sent_bytes_total{To=\"2a\"} 1123\n",  // 123 of messages + 1000 of snapshot
           "etcd_network_peer_sent_failures_total{To=\"2a\"} 3\n",
           "etcd_network_peer_sent_failures_total{To=\"2c\"} 1\n",  // the failed snapshot
           "etcd_network_peer_received_bytes_total{From=\"14ca1b79af403bc3\"} 7\n",
           "etcd_network_peer_received_failures_total{From=\"unknown\"} 1\n",
           "etcd_network_peer_round_trip_time_seconds_bucket{To=\"2a\",le=\"0.0032\"} 0\n",
           "etcd_network_peer_round_trip_time_seconds_bucket{To=\"2a\",le=\"0.0064\"} 1\n",
           "etcd_network_peer_round_trip_time_seconds_count{To=\"2a\"} 1\n",
           "etcd_network_active_peers{Local=\"8e9e05c52164694d\",Remote=\"2a\"} 1\n",
           "etcd_network_active_peers{Local=\"8e9e05c52164694d\",Remote=\"2c\"} 0\n",
           "etcd_network_disconnected_peers_total{Local=\"8e9e05c52164694d\",Remote=\"2c\"} 1\n",
           "etcd_network_snapshot_send_success{To=\"2a\"} 1\n",
           "etcd_network_snapshot_send_failures{To=\"2c\"} 1\n",
           "etcd_network_snapshot_send_inflights_total{To=\"2a\"} 0\n",
           "etcd_network_snapshot_send_total_duration_seconds_bucket{To=\"2a\",le=\"0.2\"} 1\n",
           "etcd_network_snapshot_send_total_duration_seconds_bucket{To=\"2a\",le=\"0.1\"} 0\n",
           "etcd_network_snapshot_receive_inflights_total{From=\"2a\"} 1\n",
       }) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  }
  EXPECT_EQ(text.find("To=\"2b\""), std::string::npos);
  EXPECT_EQ(text.find("disconnected_peers_total{Local=\"8e9e05c52164694d\",Remote=\"2a\"}"),
            std::string::npos);
  EXPECT_EQ(text.find("snapshot_send_total_duration_seconds_count{To=\"2c\"}"), std::string::npos);
}


}  // namespace
}  // namespace cairn::metrics

// etcd's peer network metrics (etcdserver/api/rafthttp/metrics.go in etcd 3.4): names, help texts,
// types, labels and buckets as etcd registers them. Label values are member IDs in etcd's hex
// ("8e9e05c52164694d"). Fed by PeerMetricsObserver (peer_metrics_observer.h) from the transport.
// Checked against a real 3-member etcd 3.4's /metrics in network_metrics_test
// (testdata/etcd_3_4_23_cluster_network_metrics.txt).
//
// Like etcd, a child exists only once its peer had the event: a family with no child is not
// rendered (client_golang prints nothing for an empty vector).
//
// Thread-safety: as registry.h.
#pragma once

#include <cstdint>
#include <string>

#include "server/metrics/registry.h"

namespace cairn::metrics {

struct NetworkMetrics {
  explicit NetworkMetrics(Registry& registry);

  GaugeVec active_peers;                              // etcd_network_active_peers{Local,Remote}
  CounterVec disconnected_peers_total;                // etcd_network_disconnected_peers_total{Local,Remote}
  CounterVec peer_sent_bytes_total;                   // etcd_network_peer_sent_bytes_total{To}
  CounterVec peer_received_bytes_total;               // etcd_network_peer_received_bytes_total{From}
  CounterVec peer_sent_failures_total;                // etcd_network_peer_sent_failures_total{To}
  CounterVec peer_received_failures_total;            // etcd_network_peer_received_failures_total{From}
  HistogramVec peer_round_trip_time_seconds;          // etcd_network_peer_round_trip_time_seconds{To}
  CounterVec snapshot_send_success;                   // etcd_network_snapshot_send_success{To}
  GaugeVec snapshot_send_inflights_total;             // etcd_network_snapshot_send_inflights_total{To}
  CounterVec snapshot_send_failures;                  // etcd_network_snapshot_send_failures{To}
  HistogramVec snapshot_send_total_duration_seconds;  // {To}
  CounterVec snapshot_receive_success;                // etcd_network_snapshot_receive_success{From}
  GaugeVec snapshot_receive_inflights_total;          // {From}
  CounterVec snapshot_receive_failures;               // etcd_network_snapshot_receive_failures{From}
  HistogramVec snapshot_receive_total_duration_seconds;  // {From}
};

// The metrics in DefaultRegistry(), created on first use.
NetworkMetrics& Network();

}  // namespace cairn::metrics

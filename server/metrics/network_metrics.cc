#include "server/metrics/network_metrics.h"

#include <charconv>

namespace cairn::metrics {

NetworkMetrics::NetworkMetrics(Registry& r)
    : active_peers(r.NewGaugeVec("etcd_network_active_peers",
                                 "The current number of active peer connections.", {"Local", "Remote"})),
      disconnected_peers_total(r.NewCounterVec("etcd_network_disconnected_peers_total",
                                               "The total number of disconnected peers.",
                                               {"Local", "Remote"})),
      peer_sent_bytes_total(r.NewCounterVec("etcd_network_peer_sent_bytes_total",
                                            "The total number of bytes sent to peers.", {"To"})),
      peer_received_bytes_total(r.NewCounterVec("etcd_network_peer_received_bytes_total",
                                                "The total number of bytes received from peers.", {"From"})),
      peer_sent_failures_total(r.NewCounterVec("etcd_network_peer_sent_failures_total",
                                               "The total number of send failures from peers.", {"To"})),
      peer_received_failures_total(r.NewCounterVec("etcd_network_peer_received_failures_total",
                                                   "The total number of receive failures from peers.",
                                                   {"From"})),
      // 0.1 ms .. 3.2768 s.
      peer_round_trip_time_seconds(r.NewHistogramVec("etcd_network_peer_round_trip_time_seconds",
                                                     "Round-Trip-Time histogram between peers", {"To"},
                                                     ExponentialBuckets(0.0001, 2, 16))),
      snapshot_send_success(r.NewCounterVec("etcd_network_snapshot_send_success",
                                            "Total number of successful snapshot sends", {"To"})),
      snapshot_send_inflights_total(r.NewGaugeVec("etcd_network_snapshot_send_inflights_total",
                                                  "Total number of inflight snapshot sends", {"To"})),
      snapshot_send_failures(r.NewCounterVec("etcd_network_snapshot_send_failures",
                                             "Total number of snapshot send failures", {"To"})),
      // 0.1 s .. 51.2 s.
      snapshot_send_total_duration_seconds(r.NewHistogramVec(
          "etcd_network_snapshot_send_total_duration_seconds",
          "Total latency distributions of v3 snapshot sends", {"To"}, ExponentialBuckets(0.1, 2, 10))),
      snapshot_receive_success(r.NewCounterVec("etcd_network_snapshot_receive_success",
                                               "Total number of successful snapshot receives", {"From"})),
      snapshot_receive_inflights_total(r.NewGaugeVec("etcd_network_snapshot_receive_inflights_total",
                                                     "Total number of inflight snapshot receives", {"From"})),
      snapshot_receive_failures(r.NewCounterVec("etcd_network_snapshot_receive_failures",
                                                "Total number of snapshot receive failures", {"From"})),
      snapshot_receive_total_duration_seconds(r.NewHistogramVec(
          "etcd_network_snapshot_receive_total_duration_seconds",
          "Total latency distributions of v3 snapshot receives", {"From"}, ExponentialBuckets(0.1, 2, 10))) {}

NetworkMetrics& Network() {
  static NetworkMetrics* metrics = new NetworkMetrics(DefaultRegistry());
  return *metrics;
}

}  // namespace cairn::metrics

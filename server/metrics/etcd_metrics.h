// etcd's metric names, help texts, types and buckets, so Prometheus alert rules and dashboards
// written for etcd work unchanged against Cairn. Names, help and buckets are copied from etcd
// 3.4's Go sources and checked against a real etcd's /metrics in etcd_metrics_test
// (testdata/etcd_3_4_23_metrics.txt).
//
// Thread-safety: the metric objects are lock-free to update from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "server/metrics/registry.h"

namespace cairn::metrics {

struct EtcdMetrics {
  explicit EtcdMetrics(Registry& registry);

  // etcdserver/metrics.go
  Gauge& has_leader;                       // etcd_server_has_leader
  Gauge& is_leader;                        // etcd_server_is_leader
  Counter& leader_changes_seen_total;      // etcd_server_leader_changes_seen_total
  Gauge& proposals_committed_total;        // etcd_server_proposals_committed_total (a gauge in etcd)
  Gauge& proposals_applied_total;          // etcd_server_proposals_applied_total (a gauge in etcd)
  Gauge& proposals_pending;                // etcd_server_proposals_pending
  Counter& proposals_failed_total;         // etcd_server_proposals_failed_total
  Counter& slow_apply_total;               // etcd_server_slow_apply_total
  Counter& heartbeat_send_failures_total;  // etcd_server_heartbeat_send_failures_total
  Gauge& snapshot_apply_in_progress_total;  // etcd_server_snapshot_apply_in_progress_total (a gauge)
  Counter& slow_read_indexes_total;         // etcd_server_slow_read_indexes_total
  Counter& read_indexes_failed_total;       // etcd_server_read_indexes_failed_total
  Gauge& is_learner;                        // etcd_server_is_learner
  Counter& learner_promote_successes;       // etcd_server_learner_promote_successes
  CounterVec learner_promote_failures;      // etcd_server_learner_promote_failures{Reason}
  Gauge& quota_backend_bytes;              // etcd_server_quota_backend_bytes
  Counter& health_success;                 // etcd_server_health_success
  Counter& health_failures;                // etcd_server_health_failures
  GaugeVec server_id;                      // etcd_server_id{server_id}
  GaugeVec server_version;                 // etcd_server_version{server_version}
  GaugeVec cluster_version;                // etcd_cluster_version{cluster_version}

  // wal/metrics.go, mvcc/backend/metrics.go
  Histogram& wal_fsync_duration_seconds;         // etcd_disk_wal_fsync_duration_seconds
  Histogram& backend_commit_duration_seconds;    // etcd_disk_backend_commit_duration_seconds
  Histogram& backend_defrag_duration_seconds;    // etcd_disk_backend_defrag_duration_seconds
  Histogram& backend_snapshot_duration_seconds;  // etcd_disk_backend_snapshot_duration_seconds

  // mvcc/metrics.go
  Gauge& db_total_size_in_bytes;            // etcd_mvcc_db_total_size_in_bytes
  Gauge& db_total_size_in_use_in_bytes;     // etcd_mvcc_db_total_size_in_use_in_bytes
  Gauge& debugging_db_total_size_in_bytes;  // etcd_debugging_mvcc_db_total_size_in_bytes
  Gauge& keys_total;                        // etcd_debugging_mvcc_keys_total
  Gauge& current_revision;                  // etcd_debugging_mvcc_current_revision
  Gauge& compact_revision;                  // etcd_debugging_mvcc_compact_revision
  Counter& put_total;                       // etcd_mvcc_put_total
  Counter& delete_total;                    // etcd_mvcc_delete_total
  Counter& range_total;                     // etcd_mvcc_range_total
  Counter& txn_total;                       // etcd_mvcc_txn_total
  Gauge& watch_stream_total;                // etcd_debugging_mvcc_watch_stream_total
  Gauge& watcher_total;                     // etcd_debugging_mvcc_watcher_total
  Gauge& slow_watcher_total;                // etcd_debugging_mvcc_slow_watcher_total
  Counter& events_total;                    // etcd_debugging_mvcc_events_total
  Gauge& pending_events_total;              // etcd_debugging_mvcc_pending_events_total
  Histogram& hash_duration_seconds;         // etcd_mvcc_hash_duration_seconds
  Histogram& hash_rev_duration_seconds;     // etcd_mvcc_hash_rev_duration_seconds
  // etcd_debugging_mvcc_db_compaction_pause_duration_milliseconds
  Histogram& compaction_pause_duration_milliseconds;
  // etcd_debugging_mvcc_db_compaction_total_duration_milliseconds
  Histogram& compaction_total_duration_milliseconds;
  Counter& compaction_keys_total;  // etcd_debugging_mvcc_db_compaction_keys_total

  // lease/metrics.go
  Counter& lease_granted_total;  // etcd_debugging_lease_granted_total
  Counter& lease_revoked_total;  // etcd_debugging_lease_revoked_total
  Counter& lease_renewed_total;  // etcd_debugging_lease_renewed_total
  Histogram& lease_ttl_total;    // etcd_debugging_lease_ttl_total

  // etcdserver/api/v3rpc/metrics.go
  Counter& client_grpc_received_bytes_total;  // etcd_network_client_grpc_received_bytes_total
  Counter& client_grpc_sent_bytes_total;      // etcd_network_client_grpc_sent_bytes_total

  // go-grpc-prometheus (server side), labels grpc_type, grpc_service, grpc_method[, grpc_code]
  CounterVec grpc_server_started_total;
  CounterVec grpc_server_handled_total;
  CounterVec grpc_server_msg_received_total;
  CounterVec grpc_server_msg_sent_total;
  // grpc_server_handling_seconds{grpc_type,grpc_service,grpc_method} (prometheus.DefBuckets): rendered
  // only once EnableGrpcHandlingTimeHistogram() ran (etcd: --metrics=extensive) and an RPC was
  // observed or initialized. The interceptor times each RPC from its start to its status.
  HistogramVec grpc_server_handling_seconds;

  // Sets the one-sample info gauges: etcd_server_version{server_version="3.5.17"} 1,
  // etcd_cluster_version{cluster_version="3.5"} 1, etcd_server_id{server_id="8e9e05c52164694d"} 1.
  void SetVersions(const std::string& server_version, const std::string& cluster_version_major_minor);
  void SetServerId(uint64_t member_id);

  // Creates zero-valued grpc_server_* children for one method, as go-grpc-prometheus's
  // InitializeMetrics does for every registered method (all 17 status codes for handled).
  // grpc_type: "unary", "client_stream", "server_stream" or "bidi_stream".
  void InitializeGrpcMethod(const std::string& service, const std::string& method,
                            const std::string& grpc_type);

  // go-grpc-prometheus's EnableHandlingTimeHistogram: call before InitializeGrpcMethod.
  void EnableGrpcHandlingTimeHistogram() { grpc_handling_time_enabled_.store(true); }
  bool grpc_handling_time_enabled() const {
    return grpc_handling_time_enabled_.load(std::memory_order_relaxed);
  }

 private:
  std::atomic<bool> grpc_handling_time_enabled_{false};
};

// The metrics in DefaultRegistry(), created on first use.
EtcdMetrics& Etcd();

// grpc status code names as go-grpc-prometheus prints them ("OK", "Canceled", ...), by code.
const char* GrpcCodeName(int code);

}  // namespace cairn::metrics

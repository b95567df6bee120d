#include "server/metrics/etcd_metrics.h"

#include <charconv>

namespace cairn::metrics {

namespace {

const std::vector<std::string> kGrpcLabels = {"grpc_type", "grpc_service", "grpc_method"};
const std::vector<std::string> kGrpcHandledLabels = {"grpc_type", "grpc_service", "grpc_method", "grpc_code"};

}  // namespace

EtcdMetrics::EtcdMetrics(Registry& r)
    : has_leader(
          r.NewGauge("etcd_server_has_leader", "Whether or not a leader exists. 1 is existence, 0 is not.")),
      is_leader(r.NewGauge("etcd_server_is_leader",
                           "Whether or not this member is a leader. 1 if is, 0 otherwise.")),
      leader_changes_seen_total(
          r.NewCounter("etcd_server_leader_changes_seen_total", "The number of leader changes seen.")),
      proposals_committed_total(r.NewGauge("etcd_server_proposals_committed_total",
                                           "The total number of consensus proposals committed.")),
      proposals_applied_total(r.NewGauge("etcd_server_proposals_applied_total",
                                         "The total number of consensus proposals applied.")),
      proposals_pending(
          r.NewGauge("etcd_server_proposals_pending", "The current number of pending proposals to commit.")),
      proposals_failed_total(
          r.NewCounter("etcd_server_proposals_failed_total", "The total number of failed proposals seen.")),
      slow_apply_total(
          r.NewCounter("etcd_server_slow_apply_total",
                       "The total number of slow apply requests (likely overloaded from slow disk).")),
      heartbeat_send_failures_total(r.NewCounter(
          "etcd_server_heartbeat_send_failures_total",
          "The total number of leader heartbeat send failures (likely overloaded from slow disk).")),
      snapshot_apply_in_progress_total(
          r.NewGauge("etcd_server_snapshot_apply_in_progress_total",
                     "1 if the server is applying the incoming snapshot. 0 if none.")),
      slow_read_indexes_total(r.NewCounter("etcd_server_slow_read_indexes_total",
                                           "The total number of pending read indexes not in sync with "
                                           "leader's or timed out read index requests.")),
      read_indexes_failed_total(r.NewCounter("etcd_server_read_indexes_failed_total",
                                             "The total number of failed read indexes seen.")),
      is_learner(r.NewGauge("etcd_server_is_learner",
                            "Whether or not this member is a learner. 1 if is, 0 otherwise.")),
      learner_promote_successes(
          r.NewCounter("etcd_server_learner_promote_successes",
                       "The total number of successful learner promotions while this member is leader.")),
      learner_promote_failures(
          r.NewCounterVec("etcd_server_learner_promote_failures",
                          "The total number of failed learner promotions (likely learner not "
                          "ready) while this member is leader.",
                          {"Reason"})),
      quota_backend_bytes(
          r.NewGauge("etcd_server_quota_backend_bytes", "Current backend storage quota size in bytes.")),
      health_success(
          r.NewCounter("etcd_server_health_success", "The total number of successful health checks")),
      health_failures(
          r.NewCounter("etcd_server_health_failures", "The total number of failed health checks")),
      server_id(
          r.NewGaugeVec("etcd_server_id",
                        "Server or member ID in hexadecimal format. 1 for 'server_id' label with current ID.",
                        {"server_id"})),
      server_version(
          r.NewGaugeVec("etcd_server_version",
                        "Which version is running. 1 for 'server_version' label with current version.",
                        {"server_version"})),
      cluster_version(r.NewGaugeVec(
          "etcd_cluster_version",
          "Which version is running. 1 for 'cluster_version' label with current cluster version",
          {"cluster_version"})),
      wal_fsync_duration_seconds(r.NewHistogram("etcd_disk_wal_fsync_duration_seconds",
                                                "The latency distributions of fsync called by WAL.",
                                                ExponentialBuckets(0.001, 2, 14))),
      backend_commit_duration_seconds(r.NewHistogram("etcd_disk_backend_commit_duration_seconds",
                                                     "The latency distributions of commit called by backend.",
                                                     ExponentialBuckets(0.001, 2, 14))),
      backend_defrag_duration_seconds(r.NewHistogram("etcd_disk_backend_defrag_duration_seconds",
                                                     "The latency distribution of backend defragmentation.",
                                                     ExponentialBuckets(0.1, 2, 13))),
      backend_snapshot_duration_seconds(r.NewHistogram("etcd_disk_backend_snapshot_duration_seconds",
                                                       "The latency distribution of backend snapshots.",
                                                       ExponentialBuckets(0.01, 2, 17))),
      db_total_size_in_bytes(
          r.NewGauge("etcd_mvcc_db_total_size_in_bytes",
                     "Total size of the underlying database physically allocated in bytes.")),
      db_total_size_in_use_in_bytes(
          r.NewGauge("etcd_mvcc_db_total_size_in_use_in_bytes",
                     "Total size of the underlying database logically in use in bytes.")),
      debugging_db_total_size_in_bytes(
          r.NewGauge("etcd_debugging_mvcc_db_total_size_in_bytes",
                     "Total size of the underlying database physically allocated in bytes.")),
      keys_total(r.NewGauge("etcd_debugging_mvcc_keys_total", "Total number of keys.")),
      current_revision(r.NewGauge("etcd_debugging_mvcc_current_revision", "The current revision of store.")),
      compact_revision(r.NewGauge("etcd_debugging_mvcc_compact_revision",
                                  "The revision of the last compaction in store.")),
      put_total(r.NewCounter("etcd_mvcc_put_total", "Total number of puts seen by this member.")),
      delete_total(r.NewCounter("etcd_mvcc_delete_total", "Total number of deletes seen by this member.")),
      range_total(r.NewCounter("etcd_mvcc_range_total", "Total number of ranges seen by this member.")),
      txn_total(r.NewCounter("etcd_mvcc_txn_total", "Total number of txns seen by this member.")),
      watch_stream_total(
          r.NewGauge("etcd_debugging_mvcc_watch_stream_total", "Total number of watch streams.")),
      watcher_total(r.NewGauge("etcd_debugging_mvcc_watcher_total", "Total number of watchers.")),
      slow_watcher_total(
          r.NewGauge("etcd_debugging_mvcc_slow_watcher_total", "Total number of unsynced slow watchers.")),
      events_total(
          r.NewCounter("etcd_debugging_mvcc_events_total", "Total number of events sent by this member.")),
      pending_events_total(r.NewGauge("etcd_debugging_mvcc_pending_events_total",
                                      "Total number of pending events to be sent.")),
      hash_duration_seconds(r.NewHistogram("etcd_mvcc_hash_duration_seconds",
                                           "The latency distribution of storage hash operation.",
                                           ExponentialBuckets(0.01, 2, 15))),
      hash_rev_duration_seconds(
          r.NewHistogram("etcd_mvcc_hash_rev_duration_seconds",
                         "The latency distribution of storage hash by revision operation.",
                         ExponentialBuckets(0.01, 2, 15))),
      compaction_pause_duration_milliseconds(r.NewHistogram(
          "etcd_debugging_mvcc_db_compaction_pause_duration_milliseconds",
          "Bucketed histogram of db compaction pause duration.", ExponentialBuckets(1, 2, 13))),
      compaction_total_duration_milliseconds(r.NewHistogram(
          "etcd_debugging_mvcc_db_compaction_total_duration_milliseconds",
          "Bucketed histogram of db compaction total duration.", ExponentialBuckets(100, 2, 14))),
      compaction_keys_total(
          r.NewCounter("etcd_debugging_mvcc_db_compaction_keys_total", "Total number of db keys compacted.")),
      lease_granted_total(
          r.NewCounter("etcd_debugging_lease_granted_total", "The total number of granted leases.")),
      lease_revoked_total(
          r.NewCounter("etcd_debugging_lease_revoked_total", "The total number of revoked leases.")),
      lease_renewed_total(r.NewCounter("etcd_debugging_lease_renewed_total",
                                       "The number of renewed leases seen by the leader.")),
      lease_ttl_total(r.NewHistogram("etcd_debugging_lease_ttl_total", "Bucketed histogram of lease TTLs.",
                                     ExponentialBuckets(1, 2, 24))),
      client_grpc_received_bytes_total(r.NewCounter("etcd_network_client_grpc_received_bytes_total",
                                                    "The total number of bytes received from grpc clients.")),
      client_grpc_sent_bytes_total(r.NewCounter("etcd_network_client_grpc_sent_bytes_total",
                                                "The total number of bytes sent to grpc clients.")),
      grpc_server_started_total(r.NewCounterVec("grpc_server_started_total",
                                                "Total number of RPCs started on the server.", kGrpcLabels)),
      grpc_server_handled_total(
          r.NewCounterVec("grpc_server_handled_total",
                          "Total number of RPCs completed on the server, regardless of success or failure.",
                          kGrpcHandledLabels)),
      grpc_server_msg_received_total(
          r.NewCounterVec("grpc_server_msg_received_total",
                          "Total number of RPC stream messages received on the server.", kGrpcLabels)),
      grpc_server_msg_sent_total(r.NewCounterVec("grpc_server_msg_sent_total",
                                                 "Total number of gRPC stream messages sent by the server.",
                                                 kGrpcLabels)),
      grpc_server_handling_seconds(r.NewHistogramVec("grpc_server_handling_seconds",
                                                     "Histogram of response latency (seconds) of gRPC that "
                                                     "had been application-level handled by the server.",
                                                     kGrpcLabels,
                                                     {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10})) {}

void EtcdMetrics::SetVersions(const std::string& server_version_text,
                              const std::string& cluster_version_text) {
  server_version.With({server_version_text}).Set(1);
  cluster_version.With({cluster_version_text}).Set(1);
}

void EtcdMetrics::SetServerId(uint64_t member_id) {
  char buf[17];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), member_id, 16);
  server_id.With({std::string_view(buf, static_cast<size_t>(end - buf))}).Set(1);
}

const char* GrpcCodeName(int code) {
  static constexpr const char* kNames[] = {
      "OK",       "Canceled",        "Unknown",          "InvalidArgument",   "DeadlineExceeded",
      "NotFound", "AlreadyExists",   "PermissionDenied", "ResourceExhausted", "FailedPrecondition",
      "Aborted",  "OutOfRange",      "Unimplemented",    "Internal",          "Unavailable",
      "DataLoss", "Unauthenticated",
  };
  return code >= 0 && code < 17 ? kNames[code] : "Unknown";
}

void EtcdMetrics::InitializeGrpcMethod(const std::string& service, const std::string& method,
                                       const std::string& grpc_type) {
  grpc_server_started_total.With({grpc_type, service, method});
  grpc_server_msg_received_total.With({grpc_type, service, method});
  grpc_server_msg_sent_total.With({grpc_type, service, method});
  if (grpc_handling_time_enabled()) grpc_server_handling_seconds.With({grpc_type, service, method});
  for (int code = 0; code < 17; code++)
    grpc_server_handled_total.With({grpc_type, service, method, GrpcCodeName(code)});
}

EtcdMetrics& Etcd() {
  static EtcdMetrics* metrics = new EtcdMetrics(DefaultRegistry());
  return *metrics;
}

}  // namespace cairn::metrics

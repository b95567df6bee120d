// ServerConfig: everything `etcd`/`cairn serve` is told by flags, ETCD_* variables or
// --config-file, with etcd 3.5's defaults as member initializers.
//
// The field comments name the etcd flag; units are in the names. A default-constructed
// ServerConfig equals `etcd` with no flags except for the two fields etcd derives after parsing
// (data_dir, initial_cluster), which FinalizeServerConfig() fills in.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "server/flags/urls.h"

namespace cairn::flags {

inline constexpr int64_t kDefaultQuotaBackendBytes = int64_t{2} * 1024 * 1024 * 1024;  // 2 GiB
inline constexpr uint32_t kMaxElectionTimeoutMs = 50000;

// --cert-file & co (client) or --peer-cert-file & co (peer). Client TLS is served by
// server/http + server/tls (docs/security.md); peer TLS by raft/transport.
struct TlsConfig {
  std::string cert_file;
  std::string key_file;
  std::string trusted_ca_file;
  std::string crl_file;
  bool client_cert_auth = false;
  bool auto_tls = false;
  std::string allowed_cn;        // --peer-cert-allowed-cn (peer only)
  std::string allowed_hostname;  // --client-cert-allowed-hostname / --peer-cert-allowed-hostname

  bool Empty() const { return cert_file.empty() && key_file.empty(); }
};

struct ServerConfig {
  // --- Member ---
  std::string name = "default";          // --name
  std::string data_dir;                  // --data-dir; "" until finalized to "<name>.etcd"
  std::string wal_dir;                   // --wal-dir ("" = <data-dir>/member/wal)
  uint64_t snapshot_count = 100000;      // --snapshot-count
  uint32_t heartbeat_interval_ms = 100;  // --heartbeat-interval
  uint32_t election_timeout_ms = 1000;   // --election-timeout
  std::vector<Url> listen_peer_urls = {{"http", "localhost:2380", "", ""}};    // --listen-peer-urls
  std::vector<Url> listen_client_urls = {{"http", "localhost:2379", "", ""}};  // --listen-client-urls
  std::vector<Url> listen_client_http_urls;            // --listen-client-http-urls (HTTP only, no gRPC)
  int64_t quota_backend_bytes = 0;                     // --quota-backend-bytes (0 = 2 GiB default)
  std::chrono::nanoseconds backend_batch_interval{0};  // --backend-batch-interval (0 = built-in 100ms)
  int64_t backend_batch_limit = 0;                     // --backend-batch-limit (0 = built-in 10000)
  uint64_t max_txn_ops = 128;                          // --max-txn-ops
  uint64_t max_request_bytes = 1572864;                // --max-request-bytes (1.5 MiB)

  // --- Clustering ---
  std::vector<Url> initial_advertise_peer_urls = {
      {"http", "localhost:2380", "", ""}};                        // --initial-advertise-peer-urls
  std::string initial_cluster = "default=http://localhost:2380";  // --initial-cluster
  std::string initial_cluster_state = "new";                      // --initial-cluster-state
  bool strict_reconfig_check = true;                              // --strict-reconfig-check
  bool force_new_cluster = false;                                 // --force-new-cluster
  std::string metrics = "basic";                                  // --metrics basic|extensive
  std::string initial_cluster_token = "etcd-cluster";             // --initial-cluster-token
  std::vector<Url> advertise_client_urls = {{"http", "localhost:2379", "", ""}};  // --advertise-client-urls
  std::string auto_compaction_mode = "periodic";  // --auto-compaction-mode: periodic|revision
  std::string auto_compaction_retention = "0";    // --auto-compaction-retention (0 = off)

  // --- Security ---
  TlsConfig client_tls;                    // --cert-file --key-file --trusted-ca-file --client-cert-auth ...
  TlsConfig peer_tls;                      // --peer-cert-file --peer-key-file ...
  std::vector<std::string> cipher_suites;  // --cipher-suites (Go names)
  std::string tls_min_version = "TLS1.2";  // --tls-min-version
  std::string tls_max_version;             // --tls-max-version ("" = highest)
  uint64_t self_signed_cert_validity_years = 1;  // --self-signed-cert-validity

  // --- Auth ---
  std::string auth_token = "simple";  // --auth-token: simple | jwt,pub-key=...,priv-key=...,sign-method=...
  uint32_t auth_token_ttl_seconds = 300;  // --auth-token-ttl (simple tokens)
  uint32_t bcrypt_cost = 10;              // --bcrypt-cost

  // --- Monitoring and logging ---
  std::vector<Url> listen_metrics_urls;                // --listen-metrics-urls
  std::string logger = "zap";                          // --logger (3.5: only zap)
  std::string log_level = "info";                      // --log-level
  std::vector<std::string> log_outputs = {"default"};  // --log-outputs (default = stderr)

  // --- Experimental ---
  std::chrono::nanoseconds experimental_watch_progress_notify_interval = std::chrono::minutes(10);
  std::chrono::nanoseconds experimental_warning_apply_duration = std::chrono::milliseconds(100);
  bool experimental_initial_corrupt_check = false;              // --experimental-initial-corrupt-check
  std::chrono::nanoseconds experimental_corrupt_check_time{0};  // --experimental-corrupt-check-time (0 = off)
  bool experimental_compact_hash_check_enabled = false;         // --experimental-compact-hash-check-enabled
  std::chrono::nanoseconds experimental_compact_hash_check_time = std::chrono::minutes(1);  // ...-check-time

  // etcd flags Cairn accepts for drop-in compatibility but does not act on: flag name -> value
  // as given. The server logs each once at start-up.
  std::map<std::string, std::string> ignored_flags;

  // Where the configuration came from: "" (flags/env) or the --config-file path.
  std::string config_file;

  // Derived values.
  int64_t QuotaBackendBytesEffective() const {
    return quota_backend_bytes == 0 ? kDefaultQuotaBackendBytes : quota_backend_bytes;
  }
  int ElectionTicks() const { return static_cast<int>(election_timeout_ms / heartbeat_interval_ms); }
  std::string MemberDir() const { return data_dir + "/member"; }
  std::string WalDirEffective() const { return wal_dir.empty() ? MemberDir() + "/wal" : wal_dir; }
  std::string SnapDir() const { return MemberDir() + "/snap"; }
};

// etcd's parseCompactionRetention: an integer is hours (periodic) or revisions (revision);
// otherwise a Go duration. For revision mode the result counts revisions in `.count()`.
// Error text: `error parsing CompactionRetention: time: invalid duration "x"`.
Status ParseCompactionRetention(const ServerConfig& config, std::chrono::nanoseconds* retention);

}  // namespace cairn::flags

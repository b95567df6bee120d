#include "server/flags/flag_table.h"

#include <limits>

#include "server/flags/go_values.h"

namespace cairn::flags {

namespace {

Status Reason(const std::string& why) { return Status::InvalidArgument(why); }

Status ToUint(std::string_view v, uint64_t max, uint64_t* out) {
  std::string why;
  if (!ParseGoUint(v, 64, out, &why)) return Reason(why);
  if (*out > max) return Reason("value out of range");
  return Status::Ok();
}

Status SetUint64(std::string_view v, uint64_t* out) {
  return ToUint(v, std::numeric_limits<uint64_t>::max(), out);
}

Status SetUint32(std::string_view v, uint32_t* out) {
  uint64_t u = 0;
  CAIRN_RETURN_IF_ERROR(ToUint(v, std::numeric_limits<uint32_t>::max(), &u));
  *out = static_cast<uint32_t>(u);
  return Status::Ok();
}

Status SetInt64(std::string_view v, int64_t* out) {
  std::string why;
  if (!ParseGoInt(v, 64, out, &why)) return Reason(why);
  return Status::Ok();
}

Status SetBool(std::string_view v, bool* out) {
  std::string why;
  if (!ParseGoBool(v, out, &why)) return Reason(why);
  return Status::Ok();
}

Status SetDuration(std::string_view v, std::chrono::nanoseconds* out) {
  std::string why;
  if (!ParseGoDuration(v, out, &why)) return Reason(why);
  return Status::Ok();
}

// etcd's StringsValue / UniqueStringsValue: comma-separated.
void SetStringList(std::string_view v, std::vector<std::string>* out) {
  out->clear();
  size_t start = 0;
  while (true) {
    size_t comma = v.find(',', start);
    out->emplace_back(v.substr(start, comma == std::string_view::npos ? v.npos : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
}

// bcrypt accepts costs 4..31 (Go's bcrypt.MinCost/MaxCost).
Status SetBcryptCost(std::string_view v, uint32_t* out) {
  CAIRN_RETURN_IF_ERROR(SetUint32(v, out));
  if (*out < 4 || *out > 31) return Reason("bcrypt cost must be between 4 and 31");
  return Status::Ok();
}

#define CAIRN_SET(expr) [](ServerConfig& c, std::string_view v) -> Status { return expr; }
#define CAIRN_ASSIGN(field)                           \
  [](ServerConfig& c, std::string_view v) -> Status { \
    c.field.assign(v);                                \
    return Status::Ok();                              \
  }

constexpr FlagKind S = FlagKind::kString, B = FlagKind::kBool, U = FlagKind::kUint, U32 = FlagKind::kUint32,
                   I = FlagKind::kInt, D = FlagKind::kDuration, URLS = FlagKind::kUrls, C = FlagKind::kChoice;

const FlagSpec kFlags[] = {
    // ---------------------------------------------------------------- Member
    {"name", S, "default", "Member", "Human-readable name for this member.", CAIRN_ASSIGN(name), "string"},
    {"data-dir", S, "${name}.etcd", "Member", "Path to the data directory.", CAIRN_ASSIGN(data_dir),
     "string"},
    {"wal-dir", S, "", "Member", "Path to the dedicated wal directory.", CAIRN_ASSIGN(wal_dir), "string"},
    {"snapshot-count", U, "100000", "Member",
     "Number of committed transactions to trigger a snapshot to disk.",
     CAIRN_SET(SetUint64(v, &c.snapshot_count)), "uint64"},
    {"heartbeat-interval", U, "100", "Member", "Time (in milliseconds) of a heartbeat interval.",
     CAIRN_SET(SetUint32(v, &c.heartbeat_interval_ms)), "uint"},
    {"election-timeout", U, "1000", "Member",
     "Time (in milliseconds) for an election to timeout. See tuning documentation for details.",
     CAIRN_SET(SetUint32(v, &c.election_timeout_ms)), "uint"},
    {"initial-election-tick-advance", B, "true", "Member",
     "Whether to fast-forward initial election ticks on boot for faster election.", nullptr, "bool"},
    {"listen-peer-urls", URLS, "http://localhost:2380", "Member",
     "List of URLs to listen on for peer traffic.", CAIRN_SET(ParseUrlList(v, &c.listen_peer_urls)),
     "string"},
    {"listen-client-urls", URLS, "http://localhost:2379", "Member",
     "List of URLs to listen on for client grpc traffic and http as long as --listen-client-http-urls is "
     "not specified.",
     CAIRN_SET(ParseUrlList(v, &c.listen_client_urls)), "string"},
    {"listen-client-http-urls", URLS, "", "Member",
     "List of URLs to listen on for http only client traffic. Enabling this flag removes http services "
     "from --listen-client-urls.",
     CAIRN_SET(ParseUrlList(v, &c.listen_client_http_urls)), "string"},
    {"max-snapshots", U, "5", "Member", "Maximum number of snapshot files to retain (0 is unlimited).",
     nullptr, "uint"},
    {"max-wals", U, "5", "Member", "Maximum number of wal files to retain (0 is unlimited).", nullptr,
     "uint"},
    {"quota-backend-bytes", I, "0", "Member",
     "Raise alarms when backend size exceeds the given quota (0 defaults to low space quota).",
     CAIRN_SET(SetInt64(v, &c.quota_backend_bytes)), "int64"},
    {"backend-bbolt-freelist-type", S, "map", "Member",
     "BackendFreelistType specifies the type of freelist that boltdb backend uses(array and map are "
     "supported types)",
     nullptr, "string"},
    {"backend-batch-interval", D, "", "Member",
     "BackendBatchInterval is the maximum time before commit the backend transaction.",
     CAIRN_SET(SetDuration(v, &c.backend_batch_interval)), "time.Duration"},
    {"backend-batch-limit", I, "0", "Member",
     "BackendBatchLimit is the maximum operations before commit the backend transaction.",
     CAIRN_SET(SetInt64(v, &c.backend_batch_limit)), "int"},
    {"max-txn-ops", U, "128", "Member", "Maximum number of operations permitted in a transaction.",
     CAIRN_SET(SetUint64(v, &c.max_txn_ops)), "uint"},
    {"max-request-bytes", U, "1572864", "Member",
     "Maximum client request size in bytes the server will accept.",
     CAIRN_SET(SetUint64(v, &c.max_request_bytes)), "uint"},
    {"max-concurrent-streams", U32, "math.MaxUint32", "Member",
     "Maximum concurrent streams that each client can open at a time.", nullptr, "uint32"},
    {"grpc-keepalive-min-time", D, "5s", "Member",
     "Minimum duration interval that a client should wait before pinging server.", nullptr, "time.Duration"},
    {"grpc-keepalive-interval", D, "2h", "Member",
     "Frequency duration of server-to-client ping to check if a connection is alive (0 to disable).", nullptr,
     "time.Duration"},
    {"grpc-keepalive-timeout", D, "20s", "Member",
     "Additional duration of wait before closing a non-responsive connection (0 to disable).", nullptr,
     "time.Duration"},
    {"socket-reuse-port", B, "false", "Member", "Enable to set socket option SO_REUSEPORT on listeners.",
     nullptr, "bool"},
    {"socket-reuse-address", B, "false", "Member", "Enable to set socket option SO_REUSEADDR on listeners.",
     nullptr, "bool"},

    // ---------------------------------------------------------------- Clustering
    {"initial-advertise-peer-urls", URLS, "http://localhost:2380", "Clustering",
     "List of this member's peer URLs to advertise to the rest of the cluster.",
     CAIRN_SET(ParseUrlList(v, &c.initial_advertise_peer_urls)), "string"},
    {"initial-cluster", S, "default=http://localhost:2380", "Clustering",
     "Initial cluster configuration for bootstrapping.", CAIRN_ASSIGN(initial_cluster), "string"},
    {"initial-cluster-state", C, "new", "Clustering", "Initial cluster state ('new' or 'existing').",
     CAIRN_ASSIGN(initial_cluster_state), "string", "new|existing"},
    {"initial-cluster-token", S, "etcd-cluster", "Clustering",
     "Initial cluster token for the etcd cluster during bootstrap.\n"
     "Specifying this can protect you from unintended cross-cluster interaction when running multiple "
     "clusters.",
     CAIRN_ASSIGN(initial_cluster_token), "string"},
    {"advertise-client-urls", URLS, "http://localhost:2379", "Clustering",
     "List of this member's client URLs to advertise to the public.\n"
     "The client URLs advertised should be accessible to machines that talk to etcd cluster. etcd client "
     "libraries parse these URLs to connect to the cluster.",
     CAIRN_SET(ParseUrlList(v, &c.advertise_client_urls)), "string"},
    {"discovery", S, "", "Clustering", "Discovery URL used to bootstrap the cluster.", nullptr, "string"},
    {"discovery-fallback", C, "proxy", "Clustering",
     "Expected behavior ('exit' or 'proxy') when discovery services fails.", nullptr, nullptr, "exit|proxy"},
    {"discovery-proxy", S, "", "Clustering", "HTTP proxy to use for traffic to discovery service.", nullptr,
     "string"},
    {"discovery-srv", S, "", "Clustering", "DNS srv domain used to bootstrap the cluster.", nullptr,
     "string"},
    {"discovery-srv-name", S, "", "Clustering", "Suffix to the dns srv name queried when bootstrapping.",
     nullptr, "string"},
    {"strict-reconfig-check", B, "true", "Clustering",
     "Reject reconfiguration requests that would cause quorum loss.",
     CAIRN_SET(SetBool(v, &c.strict_reconfig_check)), "bool"},
    {"pre-vote", B, "false", "Clustering", "Enable to run an additional Raft election phase.", nullptr,
     "bool"},
    {"auto-compaction-retention", S, "0", "Clustering",
     "Auto compaction retention length. 0 means disable auto compaction.",
     CAIRN_ASSIGN(auto_compaction_retention), "string"},
    {"auto-compaction-mode", S, "periodic", "Clustering",
     "Interpret 'auto-compaction-retention' one of: periodic|revision. 'periodic' for duration based "
     "retention, defaulting to hours if no time unit is provided (e.g. '5m'). 'revision' for revision number "
     "based retention.",
     CAIRN_ASSIGN(auto_compaction_mode), "string"},
    {"enable-v2", B, "false", "Clustering",
     "Accept etcd V2 client requests. Deprecated and to be decommissioned in v3.6.", nullptr, "bool"},
    {"v2-deprecation", S, "not-yet", "Clustering",
     "v2store deprecation stage: 'not-yet' (default), 'write-only', "
     "'write-only-drop-data', 'gone'.",
     nullptr, "string"},

    // ---------------------------------------------------------------- Security
    {"cert-file", S, "", "Security", "Path to the client server TLS cert file.",
     CAIRN_ASSIGN(client_tls.cert_file), nullptr},
    {"key-file", S, "", "Security", "Path to the client server TLS key file.",
     CAIRN_ASSIGN(client_tls.key_file), nullptr},
    {"client-cert-auth", B, "false", "Security", "Enable client cert authentication.",
     CAIRN_SET(SetBool(v, &c.client_tls.client_cert_auth)), nullptr},
    {"client-crl-file", S, "", "Security", "Path to the client certificate revocation list file.",
     CAIRN_ASSIGN(client_tls.crl_file), nullptr},
    {"client-cert-allowed-hostname", S, "", "Security",
     "Allowed TLS hostname for client cert authentication.", CAIRN_ASSIGN(client_tls.allowed_hostname),
     nullptr},
    {"trusted-ca-file", S, "", "Security", "Path to the client server TLS trusted CA cert file.",
     CAIRN_ASSIGN(client_tls.trusted_ca_file), nullptr},
    {"auto-tls", B, "false", "Security", "Client TLS using generated certificates.",
     CAIRN_SET(SetBool(v, &c.client_tls.auto_tls)), nullptr},
    {"peer-cert-file", S, "", "Security", "Path to the peer server TLS cert file.",
     CAIRN_ASSIGN(peer_tls.cert_file), nullptr},
    {"peer-key-file", S, "", "Security", "Path to the peer server TLS key file.",
     CAIRN_ASSIGN(peer_tls.key_file), nullptr},
    {"peer-client-cert-auth", B, "false", "Security", "Enable peer client cert authentication.",
     CAIRN_SET(SetBool(v, &c.peer_tls.client_cert_auth)), nullptr},
    {"peer-trusted-ca-file", S, "", "Security", "Path to the peer server TLS trusted CA file.",
     CAIRN_ASSIGN(peer_tls.trusted_ca_file), nullptr},
    {"peer-cert-allowed-cn", S, "", "Security",
     "Required CN for client certs connecting to the peer endpoint.", CAIRN_ASSIGN(peer_tls.allowed_cn),
     nullptr},
    {"peer-cert-allowed-hostname", S, "", "Security", "Allowed TLS hostname for inter peer authentication.",
     CAIRN_ASSIGN(peer_tls.allowed_hostname), nullptr},
    {"peer-auto-tls", B, "false", "Security",
     "Peer TLS using self-generated certificates if --peer-key-file and --peer-cert-file are not provided.",
     CAIRN_SET(SetBool(v, &c.peer_tls.auto_tls)), nullptr},
    {"peer-crl-file", S, "", "Security", "Path to the peer certificate revocation list file.",
     CAIRN_ASSIGN(peer_tls.crl_file), nullptr},
    {"self-signed-cert-validity", U, "1", "Security",
     "The validity period of the client and peer certificates, unit is year.",
     CAIRN_SET(SetUint64(v, &c.self_signed_cert_validity_years)), "uint"},
    {"cipher-suites", S, "", "Security",
     "Comma-separated list of supported TLS cipher suites between client/server and peers (empty will be "
     "auto-populated by Go).",
     CAIRN_SET((SetStringList(v, &c.cipher_suites), Status::Ok())), "[]string"},
    {"cors", S, "*", "Security",
     "Comma-separated whitelist of origins for CORS, or cross-origin resource sharing, (empty or * means "
     "allow "
     "all).",
     nullptr, "string"},
    {"host-whitelist", S, "*", "Security",
     "Acceptable hostnames from HTTP client requests, if server is not secure (empty or * means allow all).",
     nullptr, "string"},
    {"tls-min-version", S, "TLS1.2", "Security", "Minimum TLS version supported by etcd.",
     CAIRN_ASSIGN(tls_min_version), "string"},
    {"tls-max-version", S, "", "Security", "Maximum TLS version supported by etcd.", CAIRN_ASSIGN(tls_max_version),
     "string"},

    // ---------------------------------------------------------------- Auth
    {"auth-token", S, "simple", "Auth",
     "Specify a v3 authentication token type and its options ('simple' or 'jwt').", CAIRN_ASSIGN(auth_token),
     "string"},
    {"bcrypt-cost", U, "10", "Auth",
     "Specify the cost / strength of the bcrypt algorithm for hashing auth passwords.",
     CAIRN_SET(SetBcryptCost(v, &c.bcrypt_cost)), "uint"},
    {"auth-token-ttl", U, "300", "Auth", "Time (in seconds) of the auth-token-ttl.",
     CAIRN_SET(SetUint32(v, &c.auth_token_ttl_seconds)), "uint"},

    // ---------------------------------------------------------------- Profiling and Monitoring
    {"enable-pprof", B, "false", "Profiling and Monitoring", "Enable runtime profiling data via HTTP server.",
     nullptr, "bool"},
    {"metrics", S, "basic", "Profiling and Monitoring",
     "Set level of detail for exported metrics, specify 'extensive' to include server side grpc histogram "
     "metrics.",
     CAIRN_ASSIGN(metrics), "string"},
    {"listen-metrics-urls", URLS, "", "Profiling and Monitoring",
     "List of URLs to listen on for the metrics and health endpoints.",
     CAIRN_SET(ParseUrlList(v, &c.listen_metrics_urls)), "string"},

    // ---------------------------------------------------------------- Logging
    {"logger", S, "zap", "Logging", "Currently only supports 'zap' for structured logging.",
     CAIRN_ASSIGN(logger), "string"},
    {"log-outputs", S, "default", "Logging",
     "Specify 'stdout' or 'stderr' to skip journald logging even when running under systemd, or list of "
     "comma "
     "separated output targets.",
     CAIRN_SET((SetStringList(v, &c.log_outputs), Status::Ok())), "[]string"},
    {"log-level", S, "info", "Logging",
     "Configures log level. Only supports debug, info, warn, error, panic, or fatal.",
     CAIRN_ASSIGN(log_level), "string"},
    {"enable-log-rotation", B, "false", "Logging", "Enable log rotation of a single log-outputs file target.",
     nullptr, "bool"},
    {"log-rotation-config-json", S, "", "Logging", "Configures log rotation if enabled.", nullptr, "string"},

    // ---------------------------------------------------------------- v2 Proxy
    {"proxy", C, "off", "v2 Proxy", "Proxy mode setting ('off', 'readonly' or 'on').", nullptr, nullptr,
     "off|readonly|on"},
    {"proxy-failure-wait", U, "5000", "v2 Proxy",
     "Time (in milliseconds) an endpoint will be held in a failed state.", nullptr, nullptr},
    {"proxy-refresh-interval", U, "30000", "v2 Proxy",
     "Time (in milliseconds) of the endpoints refresh interval.", nullptr, nullptr},
    {"proxy-dial-timeout", U, "1000", "v2 Proxy", "Time (in milliseconds) for a dial to timeout.", nullptr,
     nullptr},
    {"proxy-write-timeout", U, "5000", "v2 Proxy", "Time (in milliseconds) for a write to timeout.", nullptr,
     nullptr},
    {"proxy-read-timeout", U, "0", "v2 Proxy", "Time (in milliseconds) for a read to timeout.", nullptr,
     nullptr},

    // ---------------------------------------------------------------- Experimental
    {"experimental-initial-corrupt-check", B, "false", "Experimental feature",
     "Enable to check data corruption before serving any client/peer traffic.",
     CAIRN_SET(SetBool(v, &c.experimental_initial_corrupt_check)), "bool"},
    {"experimental-corrupt-check-time", D, "0s", "Experimental feature",
     "Duration of time between cluster corruption check passes.",
     CAIRN_SET(SetDuration(v, &c.experimental_corrupt_check_time)), "time.Duration"},
    {"experimental-compact-hash-check-enabled", B, "false", "Experimental feature",
     "Enable leader to periodically check followers compaction hashes.",
     CAIRN_SET(SetBool(v, &c.experimental_compact_hash_check_enabled)), "bool"},
    {"experimental-compact-hash-check-time", D, "1m", "Experimental feature",
     "Duration of time between leader checks followers compaction hashes.",
     CAIRN_SET(SetDuration(v, &c.experimental_compact_hash_check_time)), "time.Duration"},
    {"experimental-enable-v2v3", S, "", "Experimental feature",
     "Serve v2 requests through the v3 backend under a given prefix.", nullptr, "string"},
    {"experimental-enable-lease-checkpoint", B, "false", "Experimental feature",
     "Enable leader to send regular checkpoints to other members to prevent reset of remaining TTL on leader "
     "change.",
     nullptr, "bool"},
    {"experimental-enable-lease-checkpoint-persist", B, "false", "Experimental feature",
     "Enable persisting remainingTTL to prevent indefinite auto-renewal of long lived leases.", nullptr,
     "bool"},
    {"experimental-compaction-batch-limit", I, "1000", "Experimental feature",
     "Sets the maximum revisions deleted in each compaction batch.", nullptr, "int"},
    {"experimental-compaction-sleep-interval", D, "10ms", "Experimental feature",
     "Sets the sleep interval between each compaction batch.", nullptr, "time.Duration"},
    {"experimental-peer-skip-client-san-verification", B, "false", "Experimental feature",
     "Skip verification of SAN field in client certificate for peer connections.", nullptr, "bool"},
    {"experimental-watch-progress-notify-interval", D, "10m", "Experimental feature",
     "Duration of periodical watch progress notification.",
     CAIRN_SET(SetDuration(v, &c.experimental_watch_progress_notify_interval)), "time.Duration"},
    {"experimental-warning-apply-duration", D, "100ms", "Experimental feature",
     "Warning is generated if requests take more than this duration.",
     CAIRN_SET(SetDuration(v, &c.experimental_warning_apply_duration)), "time.Duration"},
    {"experimental-warning-unary-request-duration", D, "300ms", "Experimental feature",
     "Time duration after which a warning is generated if a unary request takes more time.", nullptr,
     "time.Duration"},
    {"experimental-txn-mode-write-with-shared-buffer", B, "true", "Experimental feature",
     "Enable the write transaction to use a shared buffer in its readonly check operations.", nullptr,
     "bool"},
    {"experimental-bootstrap-defrag-threshold-megabytes", U, "0", "Experimental feature",
     "Enable the defrag during etcd server bootstrap on condition that it will free at least the provided "
     "threshold of disk space. Needs to be set to non-zero value to take effect.",
     nullptr, "uint"},
    {"experimental-enable-distributed-tracing", B, "false", "Experimental feature",
     "Enable experimental distributed tracing using OpenTelemetry Tracing.", nullptr, "bool"},
    {"experimental-distributed-tracing-address", S, "localhost:4317", "Experimental feature",
     "Address for distributed tracing used for OpenTelemetry Tracing.", nullptr, "string"},
    {"experimental-distributed-tracing-service-name", S, "etcd", "Experimental feature",
     "Configures service name for distributed tracing to be used to define service name for OpenTelemetry "
     "Tracing.",
     nullptr, "string"},
    {"experimental-distributed-tracing-instance-id", S, "", "Experimental feature",
     "Configures service instance ID for distributed tracing to be used to define service instance ID key "
     "for "
     "OpenTelemetry Tracing.",
     nullptr, "string"},
    {"experimental-distributed-tracing-sampling-rate", I, "0", "Experimental feature",
     "Number of samples to collect per million spans for OpenTelemetry Tracing.", nullptr, "int"},
    {"experimental-memory-mlock", B, "false", "Experimental feature",
     "Enable to enforce etcd pages (in particular bbolt) to stay in RAM.", nullptr, "bool"},
    {"experimental-downgrade-check-time", D, "5s", "Experimental feature",
     "Duration of time between two downgrade status checks.", nullptr, "time.Duration"},
    {"experimental-max-learners", I, "1", "Experimental feature",
     "Sets the maximum number of learners that can be available in the cluster membership.", nullptr, "int"},
    {"experimental-wait-cluster-ready-timeout", D, "5s", "Experimental feature",
     "Maximum duration to wait for the cluster to be ready.", nullptr, "time.Duration"},
    {"experimental-snapshot-catchup-entries", U, "5000", "Experimental feature",
     "Number of entries for a slow follower to catch up after compacting the raft storage entries.", nullptr,
     "uint64"},
    {"experimental-stop-grpc-service-on-defrag", B, "false", "Experimental feature",
     "Enable etcd gRPC service to stop serving client requests on defragmentation.", nullptr, "bool"},

    // ---------------------------------------------------------------- Unsafe
    {"unsafe-no-fsync", B, "false", "Unsafe feature", "Disables fsync, unsafe, will cause data loss.",
     nullptr, "bool"},
    {"force-new-cluster", B, "false", "Unsafe feature", "Force to create a new one-member cluster.",
     CAIRN_SET(SetBool(v, &c.force_new_cluster)), "bool"},
};

#undef CAIRN_SET
#undef CAIRN_ASSIGN

}  // namespace

std::span<const FlagSpec> AllFlags() { return kFlags; }

const FlagSpec* FindFlag(std::string_view name) {
  for (const FlagSpec& f : kFlags) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

Status SetFlag(const FlagSpec& spec, std::string_view value, ServerConfig* config) {
  // Kind check first, so flags without effect still reject what etcd rejects.
  std::string why;
  switch (spec.kind) {
    case FlagKind::kString: break;
    case FlagKind::kBool: {
      bool b;
      if (!ParseGoBool(value, &b, &why)) return Reason(why);
      break;
    }
    case FlagKind::kUint: {
      uint64_t u;
      if (!ParseGoUint(value, 64, &u, &why)) return Reason(why);
      break;
    }
    case FlagKind::kUint32: {
      uint64_t u;
      if (!ParseGoUint(value, 32, &u, &why)) return Reason(why);
      break;
    }
    case FlagKind::kInt: {
      int64_t i;
      if (!ParseGoInt(value, 64, &i, &why)) return Reason(why);
      break;
    }
    case FlagKind::kDuration: {
      std::chrono::nanoseconds d;
      if (!ParseGoDuration(value, &d, &why)) return Reason(why);
      break;
    }
    case FlagKind::kUrls: {
      std::vector<Url> urls;
      CAIRN_RETURN_IF_ERROR(ParseUrlList(value, &urls));
      break;
    }
    case FlagKind::kChoice: {
      bool found = false;
      std::string_view choices = spec.choices;
      while (!choices.empty()) {
        size_t bar = choices.find('|');
        if (choices.substr(0, bar) == value) found = true;
        choices = bar == std::string_view::npos ? std::string_view() : choices.substr(bar + 1);
      }
      if (!found) return Reason("invalid value");
      break;
    }
  }
  if (spec.apply == nullptr) {
    config->ignored_flags[spec.name] = std::string(value);
    return Status::Ok();
  }
  return spec.apply(*config, value);
}

}  // namespace cairn::flags

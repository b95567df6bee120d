// FinalizeServerConfig, ValidateServerConfig and ParseCompactionRetention: etcd 3.5's
// embed.Config.Validate() and the defaults etcdmain derives after parsing.
#include <arpa/inet.h>

#include "server/flags/go_values.h"
#include "server/flags/parse.h"
#include "server/tls/names.h"

namespace cairn::flags {

namespace {

constexpr char kDefaultInitialCluster[] = "default=http://localhost:2380";

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

bool IsIp(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

// embed.checkBindURLs: listeners bind to IPs (or "localhost"), never to other names.
Status CheckBindUrls(const std::vector<Url>& urls) {
  for (const Url& u : urls) {
    if (u.scheme == "unix" || u.scheme == "unixs") continue;
    std::string host = u.Hostname();
    if (host == "localhost") continue;
    if (!IsIp(host)) return Status::InvalidArgument("expected IP in URL for binding (" + u.String() + ")");
  }
  return Status::Ok();
}

// embed.checkHostURLs, wrapped as Validate wraps it.
Status CheckHostUrls(const char* flag, const std::vector<Url>& urls) {
  for (const Url& u : urls) {
    if (u.Hostname().empty()) {
      return Status::InvalidArgument(std::string(flag) + " " + Quote(UrlListString(urls)) +
                                     " must be \"host:port\" (unexpected empty host (" + u.String() + "))");
    }
  }
  return Status::Ok();
}

// embed.configureClientListeners / configurePeerListeners / serveMetrics: a TLS URL needs a
// certificate (or --auto-tls / --peer-auto-tls). Cairn serves no unix sockets yet: refused.
Status CheckTlsUrls(const std::vector<Url>& urls, const TlsConfig& tls, const char* kind, const char* flags) {
  for (const Url& u : urls) {
    if (u.scheme == "unix" || u.scheme == "unixs") {
      return Status::InvalidArgument("unix socket URLs are not supported by Cairn yet (" + std::string(kind) +
                                     " url " + u.String() + ")");
    }
    if (u.scheme == "https" && tls.Empty() && !tls.auto_tls) {
      return Status::InvalidArgument("TLS key/cert (" + std::string(flags) + ") must be provided for " + kind +
                                     " url " + u.String() + " with HTTPS scheme");
    }
  }
  return Status::Ok();
}

bool ValidZapLevel(const std::string& level) {
  for (const char* l : {"", "debug", "info", "warn", "error", "dpanic", "panic", "fatal", "DEBUG", "INFO",
                        "WARN", "ERROR", "DPANIC", "PANIC", "FATAL"}) {
    if (level == l) return true;
  }
  return false;
}

}  // namespace

void FinalizeServerConfig(ServerConfig* config) {
  if (config->data_dir.empty()) config->data_dir = config->name + ".etcd";
  // embed.Config.UpdateDefaultClusterFromName: `etcd --name=abc` alone bootstraps "abc=...".
  if (config->name != "default" && config->initial_cluster == kDefaultInitialCluster &&
      !config->initial_advertise_peer_urls.empty()) {
    std::string cluster;
    for (const Url& u : config->initial_advertise_peer_urls) {
      if (!cluster.empty()) cluster += ',';
      cluster += config->name + "=" + u.String();
    }
    config->initial_cluster = cluster;
  }
}

Status ValidateServerConfig(const ServerConfig& c) {
  // setupLogging.
  if (c.logger == "capnslog") return Status::InvalidArgument("--logger=capnslog is removed in v3.5");
  if (c.logger != "zap") return Status::InvalidArgument("unknown logger option " + Quote(c.logger));
  if (c.log_outputs.size() > 1) {
    for (const std::string& o : c.log_outputs) {
      if (o == "default")
        return Status::InvalidArgument("multi logoutput for \"default\" is not supported yet");
    }
  }
  if (!ValidZapLevel(c.log_level))
    return Status::InvalidArgument("unrecognized level: " + Quote(c.log_level));

  CAIRN_RETURN_IF_ERROR(CheckBindUrls(c.listen_peer_urls));
  CAIRN_RETURN_IF_ERROR(CheckBindUrls(c.listen_client_urls));
  CAIRN_RETURN_IF_ERROR(CheckBindUrls(c.listen_client_http_urls));
  CAIRN_RETURN_IF_ERROR(CheckBindUrls(c.listen_metrics_urls));
  CAIRN_RETURN_IF_ERROR(CheckHostUrls("--initial-advertise-peer-urls", c.initial_advertise_peer_urls));
  CAIRN_RETURN_IF_ERROR(CheckHostUrls("--advertise-client-urls", c.advertise_client_urls));

  if (c.initial_cluster_state != "new" && c.initial_cluster_state != "existing") {
    return Status::InvalidArgument("unexpected clusterState " + Quote(c.initial_cluster_state));
  }
  if (c.heartbeat_interval_ms == 0) {
    return Status::InvalidArgument("--heartbeat-interval must be >0 (set to 0ms)");
  }
  if (c.election_timeout_ms == 0) {
    return Status::InvalidArgument("--election-timeout must be >0 (set to 0ms)");
  }
  if (uint64_t{5} * c.heartbeat_interval_ms > c.election_timeout_ms) {
    return Status::InvalidArgument("--election-timeout[" + std::to_string(c.election_timeout_ms) +
                                   "ms] should be at least as 5 times as --heartbeat-interval[" +
                                   std::to_string(c.heartbeat_interval_ms) + "ms]");
  }
  if (c.election_timeout_ms > kMaxElectionTimeoutMs) {
    return Status::InvalidArgument("--election-timeout[" + std::to_string(c.election_timeout_ms) +
                                   "ms] is too long, and should be set less than " +
                                   std::to_string(kMaxElectionTimeoutMs) + "ms");
  }
  if (!c.listen_client_urls.empty() && c.advertise_client_urls.empty()) {
    return Status::InvalidArgument(
        "--advertise-client-urls is required when --listen-client-urls is set explicitly");
  }
  if (!c.auto_compaction_mode.empty() && c.auto_compaction_mode != "periodic" &&
      c.auto_compaction_mode != "revision") {
    return Status::InvalidArgument("unknown auto-compaction-mode " + Quote(c.auto_compaction_mode));
  }
  std::chrono::nanoseconds retention;
  CAIRN_RETURN_IF_ERROR(ParseCompactionRetention(c, &retention));

  // TLS (embed.Config.Validate's version/suite checks, then the listeners' scheme checks).
  CAIRN_RETURN_IF_ERROR(tls::ValidateTlsFlags(c.tls_min_version, c.tls_max_version, c.cipher_suites));
  constexpr char kClientFlags[] = "--cert-file, --key-file";
  CAIRN_RETURN_IF_ERROR(CheckTlsUrls(c.listen_client_urls, c.client_tls, "client", kClientFlags));
  CAIRN_RETURN_IF_ERROR(CheckTlsUrls(c.listen_client_http_urls, c.client_tls, "client", kClientFlags));
  CAIRN_RETURN_IF_ERROR(CheckTlsUrls(c.listen_metrics_urls, c.client_tls, "metrics", kClientFlags));
  CAIRN_RETURN_IF_ERROR(CheckTlsUrls(c.listen_peer_urls, c.peer_tls, "peer", "--peer-cert-file, --peer-key-file"));
  if (!c.peer_tls.allowed_cn.empty() && !c.peer_tls.allowed_hostname.empty()) {
    return Status::InvalidArgument("AllowedCN and AllowedHostname are mutually exclusive (cn=" +
                                   Quote(c.peer_tls.allowed_cn) + ", hostname=" +
                                   Quote(c.peer_tls.allowed_hostname) + ")");
  }
  return Status::Ok();
}

Status ParseCompactionRetention(const ServerConfig& config, std::chrono::nanoseconds* retention) {
  const std::string& text = config.auto_compaction_retention;
  // strconv.Atoi: optional sign and decimal digits only.
  bool integer = !text.empty();
  for (size_t i = 0; i < text.size(); i++) {
    char ch = text[i];
    if (!((ch >= '0' && ch <= '9') || (i == 0 && (ch == '-' || ch == '+') && text.size() > 1)))
      integer = false;
  }
  if (integer && text[0] != '-' && text.size() < 19) {
    int64_t h = std::stoll(text);
    if (config.auto_compaction_mode == "revision") {
      *retention = std::chrono::nanoseconds(h);
    } else {
      *retention = std::chrono::hours(h);
    }
    return Status::Ok();
  }
  std::string why;
  if (!ParseGoDuration(text, retention, &why)) {
    return Status::InvalidArgument("error parsing CompactionRetention: time: invalid duration " +
                                   Quote(text));
  }
  return Status::Ok();
}

}  // namespace cairn::flags

#include "server/api/serve.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/server_posix.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <map>
#include <thread>

#include "raft/transport/grpc_transport.h"
#include "raft/transport/node_handler.h"
#include "server/api/auth_service.h"
#include "server/api/cert_expiry_monitor.h"
#include "server/api/cluster_service.h"
#include "server/api/cluster_start.h"
#include "server/api/concurrency.h"
#include "server/api/data_dir_lock.h"
#include "server/api/db_snapshot_source.h"
#include "server/api/election_service.h"
#include "server/api/gateway.h"
#include "server/api/grpc_metrics.h"
#include "server/api/http_endpoints.h"
#include "server/api/kv_service.h"
#include "server/api/lease_service.h"
#include "server/api/lock_service.h"
#include "server/api/maintenance_service.h"
#include "server/api/systemd_notify.h"
#include "server/api/watch_service.h"
#include "server/corruption/peer_hashkv_service.h"
#include "server/corruption/startup.h"
#include "server/etcdserver/auto_compaction.h"
#include "server/etcdserver/bootstrap.h"
#include "server/etcdserver/member_id.h"
#include "server/etcdserver/raft_log.h"
#include "server/flags/startup.h"
#include "server/http/handlers.h"
#include "server/http/server.h"
#include "server/tls/self_signed.h"
#include "server/tls/server_context.h"
#include "server/logging/logger.h"
#include "server/metrics/etcd_metrics.h"
#include "server/metrics/peer_metrics_observer.h"
#include "server/metrics/process_metrics.h"
#include "server/slowdisk/diagnostics.h"
#include "server/slowdisk/slow_apply.h"
#include "server/version.h"
#include "storage/backend/bolt_backend.h"
#include "storage/io/file.h"
#include "storage/io/slow_sync_env.h"
#include "storage/wal/format.h"

namespace cairn::api {
namespace {

using logging::Logger;

// The WAL directory holds segments: this member has been initialized before.
bool WalExists(const std::string& dir) {
  std::vector<std::string> names;
  if (!io::DefaultEnv()->ListDir(dir, &names).ok()) return false;
  const std::string_view suffix = wal::kSegmentSuffix;
  return std::any_of(names.begin(), names.end(), [&](const std::string& n) {
    return n.size() > suffix.size() && n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0;
  });
}

// Makes the snapshot received from the leader the member's db: rename over it, then make the
// rename durable.
Status AdoptReceivedDb(const std::string& received, const std::string& db_path, const std::string& snap_dir) {
  CAIRN_RETURN_IF_ERROR(io::DefaultEnv()->Rename(received, db_path));
  return io::DefaultEnv()->SyncDir(snap_dir);
}
// Replaces the process image with a fresh start of the same command line (the way a received
// snapshot is loaded: every in-memory structure is rebuilt from the new db, as at a restart).
[[noreturn]] void ReExec(Logger& lg) {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::vector<std::string> args;
  std::string arg;
  while (std::getline(in, arg, '\0')) args.push_back(arg);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  execv("/proc/self/exe", argv.data());
  lg.Fatal("failed to restart after installing a snapshot", {logging::String("error", strerror(errno))});
  std::abort();
}

raft::transport::TlsOptions PeerTls(const flags::ServerConfig& c) {
  raft::transport::TlsOptions t;
  t.cert_file = c.peer_tls.cert_file;
  t.key_file = c.peer_tls.key_file;
  t.trusted_ca_file = c.peer_tls.trusted_ca_file;
  t.client_cert_auth = c.peer_tls.client_cert_auth;
  t.allowed_cn = c.peer_tls.allowed_cn;
  t.allowed_hostname = c.peer_tls.allowed_hostname;
  t.crl_file = c.peer_tls.crl_file;
  return t;
}

void InitGrpcMetrics() {
  metrics::EtcdMetrics& m = metrics::Etcd();
  for (const char* method : {"Range", "Put", "DeleteRange", "Txn", "Compact"}) {
    m.InitializeGrpcMethod("etcdserverpb.KV", method, "unary");
  }
  m.InitializeGrpcMethod("etcdserverpb.Watch", "Watch", "bidi_stream");
  for (const char* method : {"LeaseGrant", "LeaseRevoke", "LeaseTimeToLive", "LeaseLeases"}) {
    m.InitializeGrpcMethod("etcdserverpb.Lease", method, "unary");
  }
  m.InitializeGrpcMethod("etcdserverpb.Lease", "LeaseKeepAlive", "bidi_stream");
  for (const char* method : {"Alarm", "Status", "Defragment", "Hash", "HashKV"}) {
    m.InitializeGrpcMethod("etcdserverpb.Maintenance", method, "unary");
  }
  m.InitializeGrpcMethod("etcdserverpb.Maintenance", "Snapshot", "server_stream");
  for (const char* method : {"MemberList", "MemberAdd", "MemberRemove", "MemberUpdate", "MemberPromote"}) {
    m.InitializeGrpcMethod("etcdserverpb.Cluster", method, "unary");
  }
  // v3lockpb.Lock and v3electionpb.Election are not pre-initialized: etcd registers them after
  // grpc_prometheus.Register, so their series appear on first use.
}

// Opens member/snap/db with --backend-batch-interval/--backend-batch-limit. A file that is not a
// valid bolt database (bad magic/meta checksums, truncated) is refused here, before serving.
Status OpenDb(const flags::ServerConfig& config, const std::string& path,
              std::unique_ptr<backend::BufferedBackend>* out) {
  backend::BoltBackendOptions options;
  if (config.backend_batch_limit > 0) options.batch_limit = static_cast<int>(config.backend_batch_limit);
  if (config.backend_batch_interval.count() > 0) {
    options.batch_interval =
        std::max(std::chrono::milliseconds(1),
                 std::chrono::duration_cast<std::chrono::milliseconds>(config.backend_batch_interval));
  }
  return backend::OpenBoltBackend(io::ServerEnv(), path, options, out);
}

// Binds and closes every TCP address this member will listen on (the first peer URL, as served;
// all client URLs): the first one taken is returned as Go's "listen tcp ...: bind: ..." error.
Status CheckListenAddresses(const flags::ServerConfig& config) {
  std::vector<flags::Url> urls = config.listen_client_urls;
  if (!config.listen_peer_urls.empty()) urls.push_back(config.listen_peer_urls[0]);
  for (const flags::Url& u : urls) {
    if (u.scheme != "http" && u.scheme != "https") continue;
    int fd = -1;
    CAIRN_RETURN_IF_ERROR(http::OpenTcpListener(u.host, &fd, nullptr));
    ::close(fd);
  }
  return Status::Ok();
}

bool AnyHttps(const std::vector<flags::Url>& urls) {
  return std::any_of(urls.begin(), urls.end(), [](const flags::Url& u) { return u.scheme == "https"; });
}

// The client TLS context (docs/security.md), when any client, client-http or metrics URL is
// https. Reads every file now, so a bad one stops the start before the data dir exists; only
// --auto-tls writes (<data-dir>/fixtures/client, as etcd).
// `expiry` follows the served certificate, also across rotation.
Status MakeClientTls(const flags::ServerConfig& c, Logger& lg, CertExpiryMonitor* expiry,
                     std::shared_ptr<tls::ServerContext>* out) {
  if (!AnyHttps(c.listen_client_urls) && !AnyHttps(c.listen_client_http_urls) &&
      !AnyHttps(c.listen_metrics_urls)) {
    return Status::Ok();
  }
  tls::ServerTlsOptions o;
  o.cert_file = c.client_tls.cert_file;
  o.key_file = c.client_tls.key_file;
  o.trusted_ca_file = c.client_tls.trusted_ca_file;
  o.crl_file = c.client_tls.crl_file;
  o.client_cert_auth = c.client_tls.client_cert_auth;
  o.allowed_hostname = c.client_tls.allowed_hostname;
  o.cipher_suites = c.cipher_suites;
  o.min_version = c.tls_min_version;
  o.max_version = c.tls_max_version;
  if (c.client_tls.Empty() && c.client_tls.auto_tls) {
    std::vector<std::string> hosts;
    for (const flags::Url& u : c.listen_client_urls) hosts.push_back(u.host);
    const std::string dir = c.data_dir + "/fixtures/client";
    CAIRN_RETURN_IF_ERROR(tls::EnsureSelfSignedCert(dir, hosts, static_cast<int>(c.self_signed_cert_validity_years),
                                                    /*client_auth=*/false, &o.cert_file, &o.key_file));
    lg.Info("automatically generated or reused self-signed client certificate",
            {logging::String("cert-file", o.cert_file), logging::String("key-file", o.key_file)});
  } else if (c.client_tls.auto_tls) {
    lg.Warn("ignoring client auto TLS since certs given");
  }
  o.on_reloaded = [expiry, file = o.cert_file] { expiry->Check(file); };
  CAIRN_RETURN_IF_ERROR(tls::ServerContext::Create(o, out));
  expiry->Check(o.cert_file);
  return Status::Ok();
}

// Go's RLIMIT_NOFILE raise (os package, Go >= 1.19): the front door holds one fd per pending
// connection and evicts the oldest when fds run out, so give it the hard limit.
void RaiseOpenFileLimit() {
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
  }
}

}  // namespace

int RunServe(int argc, char** argv) {
  // Block the shutdown signals in every thread; the main thread waits for them with sigwait.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  Logger& lg = logging::DefaultLogger();
  flags::ServerConfig config;
  int exit_code = 0;
  if (!flags::LoadServerConfig(std::vector<std::string>(argv, argv + argc), flags::ProcessEnvironment(), lg,
                               &config, &exit_code)) {
    return exit_code;
  }
  // Test-only fault injection (storage/io/slow_sync_env.h): a slow disk.
  if (Status st = io::InitServerEnv(std::getenv(io::kFsyncDelayVariable)); !st.ok()) {
    lg.Error(st.message());
    return 1;
  }
  if (io::FsyncDelay().count() > 0) {
    lg.Warn(
        "TEST-ONLY fault injection: every fdatasync of the WAL and the db is delayed",
        {logging::String("variable", io::kFsyncDelayVariable), logging::Duration("delay", io::FsyncDelay())});
  }
  for (const auto& [flag, value] : config.ignored_flags) {
    lg.Warn("flag is accepted for compatibility but has no effect in Cairn",
            {logging::String("flag", flag), logging::String("value", value)});
  }
  // --auth-token (its JWT key files included) is checked before anything is written.
  std::unique_ptr<auth::TokenProvider> auth_tokens;
  if (Status st = auth::NewTokenProvider(
          config.auth_token, std::chrono::seconds(config.auth_token_ttl_seconds),
          [] { return std::chrono::system_clock::now(); }, &auth_tokens);
      !st.ok()) {
    lg.Error("failed to start etcd server",
             {logging::String("auth-token", config.auth_token), logging::Error(st)});
    return 1;
  }
  const std::string wal_dir = config.WalDirEffective();
  const bool member_initialized = WalExists(wal_dir);
  lg.Info(
      "starting an etcd server",
      {logging::String("etcd-version", kEtcdServerVersion), logging::String("git-sha", GitSha()),
       logging::String("cairn-version", kCairnVersion),
       logging::Int("max-cpu-available", std::thread::hardware_concurrency()),
       logging::Bool("member-initialized", member_initialized), logging::String("name", config.name),
       logging::String("data-dir", config.data_dir), logging::String("wal-dir", config.wal_dir),
       logging::String("member-dir", config.MemberDir()),
       logging::Strings("initial-advertise-peer-urls", flags::UrlStrings(config.initial_advertise_peer_urls)),
       logging::Strings("listen-client-urls", flags::UrlStrings(config.listen_client_urls)),
       logging::Strings("advertise-client-urls", flags::UrlStrings(config.advertise_client_urls)),
       logging::String("initial-cluster", config.initial_cluster),
       logging::String("initial-cluster-state", config.initial_cluster_state),
       logging::String("initial-cluster-token", config.initial_cluster_token),
       logging::Int("quota-backend-bytes", config.QuotaBackendBytesEffective()),
       logging::Uint("max-request-bytes", config.max_request_bytes)});

  // Step 1b: like etcd, refuse at once when a peer or client address is taken, before the member
  // starts (the real listeners bind later; a port taken in between still fails there).
  if (Status st = CheckListenAddresses(config); !st.ok()) {
    lg.Error("failed to listen", {logging::Error(st)});
    return 1;
  }
  // Step 1c: client TLS: every certificate, key, CA and CRL file is read now (never weaker than
  // asked: an https:// URL is TLS or the server does not start).
  RaiseOpenFileLimit();
  CertExpiryMonitor cert_expiry(lg, metrics::DefaultRegistry());
  std::shared_ptr<tls::ServerContext> client_tls;
  if (Status st = MakeClientTls(config, lg, &cert_expiry, &client_tls); !st.ok()) {
    lg.Error("failed to set up client TLS", {logging::Error(st)});
    return 1;
  }
  // Step 1d: peer TLS files (checked before anything is written).
  if (!config.peer_tls.crl_file.empty()) {
    std::ifstream crl(config.peer_tls.crl_file);
    if (!crl) {
      lg.Error("failed to read --peer-crl-file", {logging::String("path", config.peer_tls.crl_file),
                                                  logging::String("error", strerror(errno))});
      return 1;
    }
  }
  // --peer-auto-tls (etcd's PeerSelfCert): a self-signed pair in <data-dir>/fixtures/peer, peers
  // dialled without verification; any --peer-trusted-ca-file/--peer-client-cert-auth still apply.
  bool peer_auto_tls = false;
  if (config.peer_tls.auto_tls && config.peer_tls.Empty() &&
      std::any_of(config.listen_peer_urls.begin(), config.listen_peer_urls.end(),
                  [](const flags::Url& u) { return u.scheme == "https"; })) {
    std::vector<std::string> hosts;
    for (const flags::Url& u : config.listen_peer_urls) hosts.push_back(u.host);
    if (Status st = tls::EnsureSelfSignedCert(config.data_dir + "/fixtures/peer", hosts,
                                              static_cast<int>(config.self_signed_cert_validity_years),
                                              /*client_auth=*/true, &config.peer_tls.cert_file,
                                              &config.peer_tls.key_file);
        !st.ok()) {
      lg.Error("failed to get peer self-signed certs", {logging::Error(st)});
      return 1;
    }
    peer_auto_tls = true;
    lg.Info("automatically generated or reused self-signed peer certificate",
            {logging::String("cert-file", config.peer_tls.cert_file)});
  } else if (config.peer_tls.auto_tls) {
    lg.Warn("ignoring peer auto TLS since certs given");
  }
  if (!config.peer_tls.cert_file.empty()) cert_expiry.Check(config.peer_tls.cert_file);

  // Step 2: data dir layout.
  for (const std::string& d : {config.data_dir, config.MemberDir(), config.SnapDir(), wal_dir}) {
    Status st = io::DefaultEnv()->CreateDir(d);
    if (!st.ok()) {
      lg.Error("failed to create data directory", {logging::String("path", d), logging::Error(st)});
      return 1;
    }
  }

  DataDirLock data_dir_lock;
  if (Status st = DataDirLock::Acquire(config.MemberDir(), &data_dir_lock); !st.ok()) {
    lg.Error("failed to lock data directory", {logging::Error(st)});
    return 1;
  }

  // Step 3: the backend (member/snap/db, a bbolt file): it is Raft's snapshot (bootstrap.h).
  std::unique_ptr<backend::BufferedBackend> backend;
  const std::string db_path = config.SnapDir() + "/db";
  auto open_db = [&]() -> bool {
    if (Status st = OpenDb(config, db_path, &backend); !st.ok()) {
      lg.Error(
          "failed to open backend database; restore the member from a snapshot (etcdctl snapshot "
          "restore), or remove the member's data dir and add it to the cluster again",
          {logging::String("path", db_path), logging::Error(st)});
      return false;
    }
    return true;
  };
  if (!open_db()) return 1;
  {
    // A snapshot received from the leader whose install was interrupted: adopt it now.
    raft::Snapshot current;
    if (Status st = etcdserver::BackendRaftSnapshot(backend.get(), &current); !st.ok()) {
      lg.Error("failed to read the backend's raft position",
               {logging::String("path", db_path), logging::Error(st)});
      return 1;
    }
    const std::string pending = PendingReceivedSnapshot(config.SnapDir(), current.metadata.index);
    if (!pending.empty()) {
      backend.reset();
      if (Status st = AdoptReceivedDb(pending, db_path, config.SnapDir()); !st.ok()) {
        lg.Error("failed to install received snapshot",
                 {logging::String("path", pending), logging::Error(st)});
        return 1;
      }
      lg.Info("installed the snapshot received from the leader", {logging::String("path", pending)});
      if (!open_db()) return 1;
    }
  }

  // Step 4: the cluster: who we are, whom to talk to (cluster_start.h), the peer transport.
  raft::transport::TlsOptions peer_tls = PeerTls(config);
  peer_tls.skip_server_verify = peer_auto_tls;
  // Served on the peer URL too: a joining member reads the membership there, and members forward
  // to the leader what only it can answer (leader_channel.h).
  LeaderChannel leader_channel(peer_tls);
  ClusterService peer_cluster_service(nullptr, &leader_channel);
  LeaseService peer_lease_service(nullptr, &leader_channel);
  corruption::PeerHashKVService peer_hashkv_service(peer_tls);  // the corruption checks' HashKV
  ClusterStart start;
  if (Status st = PrepareClusterStart(config, backend.get(), member_initialized, peer_tls, &start);
      !st.ok()) {
    lg.Error("failed to start etcd server", {logging::Error(st)});
    return 1;
  }
  const uint64_t member_id = start.member_id;
  const uint64_t cluster_id = start.cluster_id;
  lg.Info("starting member",
          {logging::HexId("local-member-id", member_id), logging::HexId("cluster-id", cluster_id),
           logging::String("start", KindName(start.kind)),
           logging::Uint("snapshot-index", start.snapshot.metadata.index)});
  if (config.listen_peer_urls.size() > 1) {
    lg.Warn("only the first --listen-peer-urls entry is served",
            {logging::String("serving", config.listen_peer_urls[0].String())});
  }
  std::atomic<etcdserver::EtcdServer*> server_ptr{nullptr};
  DbSnapshotSource snapshot_source(&server_ptr, config.SnapDir());
  raft::transport::NodeHandler peer_handler(raft::transport::NodeHandler::SnapshotData::kPassPath);
  raft::transport::TransportOptions to;
  to.id = member_id;
  to.listen_url = config.listen_peer_urls.empty() ? std::string("http://localhost:2380")
                                                  : config.listen_peer_urls[0].String();
  to.tls = peer_tls;
  to.handler = &peer_handler;
  to.snapshot_source = &snapshot_source;
  to.snapshot_dir = config.SnapDir();
  to.extra_services = {&peer_cluster_service, &peer_lease_service, &peer_hashkv_service};
  metrics::PeerMetricsObserver peer_metrics(&metrics::Network(), member_id);  // etcd_network_peer_*
  to.observer = &peer_metrics;
  std::unique_ptr<raft::transport::GrpcTransport> transport;
  if (Status st = raft::transport::GrpcTransport::Start(to, &transport); !st.ok()) {
    lg.Error("failed to listen on peer URL", {logging::String("url", to.listen_url), logging::Error(st)});
    return 1;
  }
  for (const etcdserver::Member& p : start.peers) {
    if (p.peer_urls.empty()) continue;
    if (Status st = transport->AddPeer(p.id, p.peer_urls[0]); !st.ok()) {
      lg.Warn("failed to add peer", {logging::HexId("peer-id", p.id), logging::Error(st)});
    }
  }

  // Step 5: Raft over the WAL, then the server core over the backend and the log.
  metrics::EtcdMetrics& m = metrics::Etcd();
  etcdserver::RaftLogOptions ro;
  ro.member_id = member_id;
  ro.wal_dir = wal_dir;
  ro.wal_options.log = [&lg](std::string_view line) { lg.Info(line); };
  ro.wal_options.on_sync = [&lg](std::chrono::nanoseconds d) { slowdisk::ObserveWalSync(d, lg); };
  ro.wal_options.env = io::ServerEnv();
  if (io::FsyncDelay().count() > 0) ro.wal_options.use_io_uring = false;  // every sync through the Env
  ro.on_read_index_retry = [&lg](uint64_t seq) { slowdisk::ReadIndexRetried(seq, lg); };
  ro.on_read_index_failed = slowdisk::ReadIndexFailed;
  ro.snapshot = start.snapshot;
  ro.election_ticks = config.ElectionTicks();
  ro.tick_interval = std::chrono::milliseconds(config.heartbeat_interval_ms);
  ro.snapshot_count = config.snapshot_count;
  // The leader's heartbeats are watched on their way out (etcd's "failed to send out heartbeat").
  slowdisk::HeartbeatWatch heartbeat_watch(transport.get(),
                                           std::chrono::milliseconds(config.heartbeat_interval_ms), &lg);
  slowdisk::LeaderChangeWatch leader_watch(member_id, &lg);
  ro.transport = &heartbeat_watch;
  ro.leader_wait = std::chrono::milliseconds(config.election_timeout_ms);
  ro.on_leader_change = [&lg, &server_ptr, &heartbeat_watch, &leader_watch, member_id](uint64_t leader,
                                                                                       uint64_t term) {
    heartbeat_watch.Reset();
    leader_watch.NoteLeaderChange(leader, term);
    metrics::EtcdMetrics& em = metrics::Etcd();
    em.has_leader.Set(leader != 0 ? 1 : 0);
    em.is_leader.Set(leader == member_id ? 1 : 0);
    if (leader != 0) em.leader_changes_seen_total.Inc();
    if (leader == 0) {
      lg.Info("raft.node: lost leader",
              {logging::HexId("local-member-id", member_id), logging::Uint("term", term)});
    } else {
      lg.Info("raft.node: elected leader", {logging::HexId("local-member-id", member_id),
                                            logging::HexId("leader", leader), logging::Uint("term", term)});
    }
    if (etcdserver::EtcdServer* s = server_ptr.load()) s->OnLeaderChange(leader, term);
  };
  ro.fatal = [&lg](const Status& st) { lg.Fatal("raft node failed (WAL write)", {logging::Error(st)}); };
  auto log = std::make_unique<etcdserver::RaftLog>(ro);

  etcdserver::ServerOptions so;
  so.name = config.name;
  so.member_id = member_id;
  so.cluster_id = cluster_id;
  so.peer_urls = flags::UrlStrings(config.initial_advertise_peer_urls);
  so.client_urls = flags::UrlStrings(config.advertise_client_urls);
  so.max_request_bytes = config.max_request_bytes;
  so.max_txn_ops = config.max_txn_ops;
  so.quota_backend_bytes = config.QuotaBackendBytesEffective();
  so.request_timeout = std::chrono::milliseconds(5000 + 2 * config.election_timeout_ms);
  so.election_timeout = std::chrono::milliseconds(config.election_timeout_ms);
  so.strict_reconfig_check = config.strict_reconfig_check;
  so.warning_apply_duration = config.experimental_warning_apply_duration;
  so.record_compaction_hashes = config.experimental_compact_hash_check_enabled;
  so.on_slow_apply = [&lg, d = config.experimental_warning_apply_duration](
                         const etcdserver::InternalRequest& req, const etcdserver::ApplyResult& res,
                         std::chrono::nanoseconds took) { slowdisk::WarnOfSlowApply(lg, took, d, req, res); };
  int64_t min_ttl_ms = int64_t{3} * config.ElectionTicks() / 2 * config.heartbeat_interval_ms;
  so.lease_min_ttl_seconds = (min_ttl_ms + 999) / 1000;
  so.on_proposals_pending = [](int delta) { metrics::Etcd().proposals_pending.Add(delta); };
  so.on_proposal_failed = [] { metrics::Etcd().proposals_failed_total.Inc(); };
  // The housekeeping loop drives the backend's interval commits: tick at least that often
  // (floor 10 ms: it also syncs slow watchers).
  if (config.backend_batch_interval.count() > 0) {
    so.watch_sync_interval =
        std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(config.backend_batch_interval),
                   std::chrono::milliseconds(10), so.watch_sync_interval);
  }
  so.on_backend_commit = [](std::chrono::nanoseconds d) {
    metrics::Etcd().backend_commit_duration_seconds.Observe(std::chrono::duration<double>(d).count());
  };
  so.on_defrag = [](std::chrono::nanoseconds d) {
    metrics::Etcd().backend_defrag_duration_seconds.Observe(std::chrono::duration<double>(d).count());
  };
  raft::transport::GrpcTransport* transport_raw = transport.get();
  so.on_member_change = [&lg, transport_raw, member_id](const etcdserver::Member& mem, bool removed) {
    if (mem.id == member_id) return;
    transport_raw->RemovePeer(mem.id);
    if (!removed && !mem.peer_urls.empty()) {
      if (Status st = transport_raw->AddPeer(mem.id, mem.peer_urls[0]); !st.ok()) {
        lg.Warn("failed to add peer", {logging::HexId("peer-id", mem.id), logging::Error(st)});
      }
    }
    lg.Info(removed ? "removed member" : "added or updated member",
            {logging::HexId("member-id", mem.id), logging::Strings("peer-urls", mem.peer_urls)});
  };
  so.on_removed = [&lg] {
    lg.Warn("the member has been permanently removed from the cluster; shutting down");
    kill(getpid(), SIGTERM);
  };
  const std::string snap_dir = config.SnapDir();
  so.on_install_snapshot = [&lg, db_path, snap_dir](const std::string& path, uint64_t index) {
    lg.Info("applying snapshot from the leader; restarting the member to load it",
            {logging::String("path", path), logging::Uint("snapshot-index", index)});
    if (Status st = AdoptReceivedDb(path, db_path, snap_dir); !st.ok()) {
      lg.Fatal("failed to install received snapshot", {logging::String("path", path), logging::Error(st)});
      std::abort();
    }
    ReExec(lg);
  };
  // Auth (docs/security.md): --auth-token, --auth-token-ttl, --bcrypt-cost, CN-as-user.
  so.bcrypt_cost = static_cast<int>(config.bcrypt_cost);
  so.client_cert_auth = config.client_tls.client_cert_auth;
  so.token_provider = std::move(auth_tokens);
  std::unique_ptr<etcdserver::EtcdServer> server;
  if (Status st = etcdserver::EtcdServer::Open(so, backend.get(), log.get(), &server); !st.ok()) {
    lg.Error("failed to start etcd server", {logging::String("db", db_path), logging::Error(st)});
    return 1;
  }
  server_ptr.store(server.get());
  peer_handler.Attach(log->node());
  peer_cluster_service.set_server(server.get());
  peer_lease_service.set_server(server.get());
  peer_hashkv_service.set_server(server.get());
  if (!corruption::PassesInitialCheck(config, member_initialized, server.get(), peer_tls, lg)) {
    peer_handler.Attach(nullptr);
    server->Stop();
    transport->Stop();
    return 1;
  }
  if (log->leader().leader_id != 0) server->OnLeaderChange(log->leader().leader_id, log->leader().term);
  const uint64_t restored_index = server->restored_consistent_index();
  const uint64_t replayed = log->replayed_entries();
  lg.Info(
      "replayed WAL entries above the backend's consistent index",
      {logging::String("db", db_path), logging::Uint("consistent-index", restored_index),
       logging::Uint("replayed-entries", replayed), logging::Uint("applied-index", log->applied_index())});
  std::unique_ptr<etcdserver::AutoCompaction> auto_compaction;
  std::chrono::nanoseconds retention{0};
  if (Status st = flags::ParseCompactionRetention(config, &retention); st.ok() && retention.count() > 0) {
    const bool periodic = config.auto_compaction_mode == "periodic";
    std::unique_ptr<mvcc::AutoCompactor> policy;
    if (periodic) {
      policy = std::make_unique<mvcc::PeriodicCompactor>(
          std::chrono::duration_cast<std::chrono::milliseconds>(retention), std::chrono::steady_clock::now(),
          server->kv()->current_revision());
    } else {
      policy = std::make_unique<mvcc::RevisionCompactor>(retention.count());
    }
    const std::string mode = periodic ? "periodic" : "revision";
    auto_compaction = std::make_unique<etcdserver::AutoCompaction>(
        server.get(), std::move(policy),
        [&lg, mode](const std::string& phase, int64_t rev, const Status& st) {
          std::string msg = phase + " auto " + mode + " compaction";
          if (st.ok()) {
            lg.Info(msg, {logging::Int("revision", rev)});
          } else {
            lg.Warn(msg, {logging::Int("revision", rev), logging::Error(st)});
          }
        });
    auto_compaction->Start();
    lg.Info("enabled auto compaction",
            {logging::String("auto-compaction-mode", mode),
             logging::String("auto-compaction-retention", config.auto_compaction_retention)});
  }
  metrics::RegisterProcessMetrics(metrics::DefaultRegistry());
  m.SetVersions(kEtcdServerVersion, "3.5");
  m.SetServerId(member_id);
  m.quota_backend_bytes.Set(static_cast<double>(so.quota_backend_bytes));
  // --metrics=extensive adds grpc_server_handling_seconds (etcd's etcdGRPCRequestsSlow alert).
  if (config.metrics == "extensive") metrics::Etcd().EnableGrpcHandlingTimeHistogram();
  InitGrpcMetrics();
  lg.Info("enabled capabilities for version", {logging::String("cluster-version", "3.5")});

  // Like etcd, serve clients once this member's name and client URLs are in the membership (a
  // new or joining member needs a quorum for that; a restarted one has published before).
  bool stop_requested = false;
  while (!server->WaitPublished(std::chrono::seconds(1))) {
    lg.Info("waiting to publish this member's attributes to the cluster (needs a leader)",
            {logging::HexId("local-member-id", member_id)});
    const timespec zero{0, 0};
    if (sigtimedwait(&signals, nullptr, &zero) > 0) {
      stop_requested = true;
      break;
    }
  }
  if (stop_requested) {
    lg.Info("received signal before the member was ready; shutting down");
    peer_handler.Attach(nullptr);
    server->Stop();
    transport->Stop();
    return 0;
  }

  lg.Info("published local member to cluster through raft",
          {logging::HexId("local-member-id", member_id),
           logging::String("local-member-attributes", "{Name:" + config.name + " ClientURLs:[" +
                                                          flags::UrlListString(config.advertise_client_urls) +
                                                          "]}"),
           logging::HexId("cluster-id", cluster_id)});

  std::unique_ptr<corruption::RunningMonitors> corruption_monitors =
      corruption::StartMonitors(config, server.get(), peer_tls, lg);

  // Step 6: gRPC services and listeners.
  KvService kv_service(server.get());
  WatchService watch_service(server.get(),
                             std::chrono::duration_cast<std::chrono::milliseconds>(
                                 config.experimental_watch_progress_notify_interval),
                             config.max_request_bytes);
  LeaseService lease_service(server.get(), &leader_channel);
  MaintenanceService maintenance_service(server.get(), config.SnapDir());
  ClusterService cluster_service(server.get(), &leader_channel);
  LockService lock_service(server.get());
  ElectionService election_service(server.get());
  AuthService auth_service(server.get());
  grpc::ServerBuilder builder;
  builder.SetMaxReceiveMessageSize(static_cast<int>(config.max_request_bytes + uint64_t{512} * 1024));
  builder.SetMaxSendMessageSize(INT32_MAX);
  // etcd's gRPC keepalive policy (--grpc-keepalive-min-time 5s, -interval 2h, -timeout 20s, pings
  // allowed without active calls): clientv3 (kube-apiserver) pings every 30 s, which gRPC's
  // default enforcement (5 min) would answer with GOAWAY "too_many_pings".
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 5000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 2 * 60 * 60 * 1000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20 * 1000);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<GrpcMetricsInterceptorFactory>());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  builder.RegisterService(&kv_service);
  builder.RegisterService(&watch_service);
  builder.RegisterService(&lease_service);
  builder.RegisterService(&maintenance_service);
  builder.RegisterService(&cluster_service);
  builder.RegisterService(&lock_service);
  builder.RegisterService(&election_service);
  builder.RegisterService(&auth_service);
  std::unique_ptr<grpc::Server> grpc_server = builder.BuildAndStart();
  if (!grpc_server) {
    lg.Error("failed to start gRPC server");
    return 1;
  }
  grpc::Server* g = grpc_server.get();
  auto handoff = [g](int fd) { grpc::AddInsecureChannelFromFd(g, fd); };

  const bool http_separate = !config.listen_client_http_urls.empty();
  auto client_mux = std::make_shared<http::Mux>();
  if (!http_separate) InstallHttpEndpoints(client_mux.get(), server.get(), true);
  std::vector<std::unique_ptr<http::Server>> listeners;
  auto listen = [&](const flags::Url& url, http::Handler handler, http::GrpcHandoff h, const char* what) {
    http::Server::Options options;
    const bool secure = url.scheme == "https";
    if (secure) {
      options.tls = client_tls;
      options.on_tls_rejected = [&lg](const http::TlsRejection& r) {  // etcd's shape; rate-limited
        if (r.suppressed == 0) {
          lg.Warn("rejected connection",
                  {logging::String("remote-addr", r.remote_addr), logging::String("server-name", r.server_name),
                   logging::String("error", r.error)});
        } else {
          lg.Warn("rejected connection",
                  {logging::String("remote-addr", r.remote_addr), logging::String("server-name", r.server_name),
                   logging::String("error", r.error), logging::Uint("suppressed-since-last", r.suppressed)});
        }
      };
      options.on_tls_reload_failed = [&lg](const std::string& why) {
        lg.Warn("failed to reload TLS files; serving with the previous ones", {logging::String("error", why)});
      };
    } else if (!config.client_tls.Empty() || config.client_tls.client_cert_auth) {
      lg.Warn(config.client_tls.Empty()
                  ? "scheme is HTTP while --client-cert-auth is enabled; ignoring client cert auth for this URL"
                  : "scheme is HTTP while key and cert files are present; ignoring key and cert files",
              {logging::String("client-url", url.String())});
    }
    auto s = std::make_unique<http::Server>(options, std::move(handler));
    int port = 0;
    Status st = s->Listen(url.host, std::move(h), &port);
    if (!st.ok()) {
      lg.Error("failed to listen",
               {logging::String("address", url.host), logging::String("kind", what), logging::Error(st)});
      return false;
    }
    listeners.push_back(std::move(s));
    return true;
  };
  bool ok = true;
  for (const flags::Url& u : config.listen_client_urls) {
    ok = ok && listen(u, http::ClientAccessController(client_mux), handoff, "client");
  }
  if (http_separate) {
    auto mux = std::make_shared<http::Mux>();
    InstallHttpEndpoints(mux.get(), server.get(), true);
    for (const flags::Url& u : config.listen_client_http_urls) {
      ok = ok && listen(u, http::ClientAccessController(mux), nullptr, "client-http");
    }
  }
  if (!config.listen_metrics_urls.empty()) {
    auto mux = std::make_shared<http::Mux>();
    InstallHttpEndpoints(mux.get(), server.get(), false);
    for (const flags::Url& u : config.listen_metrics_urls) {
      ok = ok &&
           listen(
               u, [mux](const http::Request& r, http::Response* w) { mux->Serve(r, w); }, nullptr, "metrics");
    }
  }
  if (ok) {
    lg.Info("ready to serve client requests");
    NotifySystemdReady(lg);
    for (const flags::Url& u : config.listen_client_urls) {
      if (u.scheme == "https") {
        lg.Info("serving client traffic securely", {logging::String("address", u.host)});
      } else {
        lg.Warn("serving client traffic insecurely; this is strongly discouraged!",
                {logging::String("address", u.host)});
      }
    }
    int sig = 0;
    sigwait(&signals, &sig);
    lg.Info("received signal; shutting down",
            {logging::String("signal", sig == SIGTERM ? "terminated" : "interrupt")});
  }

  StopAllWaits();  // waiting Lock/Campaign/Observe calls (gRPC and gateway) end now
  // Shutdown, bounded whatever clients do: stop accepting and end HTTP streams (gRPC's TLS relays
  // stay up so gRPC can end its streams), give gRPC 2 s, then end everything.
  for (auto& l : listeners) l->StopAccepting();
  grpc_server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  for (auto& l : listeners) l->Stop();
  if (auto_compaction) auto_compaction->Stop();
  corruption_monitors.reset();
  peer_handler.Attach(nullptr);
  server->Stop();
  transport->Stop();
  lg.Info("stopped etcd server", {logging::HexId("local-member-id", member_id)});
  return ok ? 0 : 1;
}

}  // namespace cairn::api

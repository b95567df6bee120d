#include "server/flags/parse.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "server/flags/flag_table.h"
#include "server/flags/go_values.h"

namespace cairn::flags {
namespace {

using Outcome = ParseResult::Outcome;

ParseResult Parse(std::vector<std::string> args, Environment env = {}) { return ParseServerFlags(args, env); }

std::string FirstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

TEST(ParseTest, NoFlagsGivesEtcdDefaults) {
  ParseResult r = Parse({});
  ASSERT_EQ(r.outcome, Outcome::kRun) << r.message;
  const ServerConfig& c = r.config;
  EXPECT_EQ(c.name, "default");
  EXPECT_EQ(c.data_dir, "default.etcd");
  EXPECT_EQ(c.wal_dir, "");
  EXPECT_EQ(UrlListString(c.listen_client_urls), "http://localhost:2379");
  EXPECT_EQ(UrlListString(c.advertise_client_urls), "http://localhost:2379");
  EXPECT_EQ(UrlListString(c.listen_peer_urls), "http://localhost:2380");
  EXPECT_EQ(UrlListString(c.initial_advertise_peer_urls), "http://localhost:2380");
  EXPECT_TRUE(c.listen_metrics_urls.empty());
  EXPECT_TRUE(c.listen_client_http_urls.empty());
  EXPECT_EQ(c.initial_cluster, "default=http://localhost:2380");
  EXPECT_EQ(c.initial_cluster_state, "new");
  EXPECT_EQ(c.initial_cluster_token, "etcd-cluster");
  EXPECT_EQ(c.snapshot_count, 100000u);
  EXPECT_EQ(c.heartbeat_interval_ms, 100u);
  EXPECT_EQ(c.election_timeout_ms, 1000u);
  EXPECT_EQ(c.ElectionTicks(), 10);
  EXPECT_EQ(c.quota_backend_bytes, 0);
  EXPECT_EQ(c.QuotaBackendBytesEffective(), int64_t{2} << 30);
  EXPECT_EQ(c.max_request_bytes, 1572864u);
  EXPECT_EQ(c.max_txn_ops, 128u);
  EXPECT_EQ(c.auto_compaction_mode, "periodic");
  EXPECT_EQ(c.auto_compaction_retention, "0");
  EXPECT_EQ(c.log_level, "info");
  EXPECT_EQ(c.logger, "zap");
  EXPECT_EQ(c.experimental_watch_progress_notify_interval, std::chrono::minutes(10));
  EXPECT_EQ(c.backend_batch_interval.count(), 0);
  EXPECT_EQ(c.backend_batch_limit, 0);
  EXPECT_TRUE(c.client_tls.Empty());
  EXPECT_TRUE(c.ignored_flags.empty());
  EXPECT_EQ(c.WalDirEffective(), "default.etcd/member/wal");
}

// The defaults --help prints are the defaults the struct holds: parsing each printed default
// into a default config changes nothing.
TEST(ParseTest, HelpDefaultsAgreeWithStructDefaults) {
  for (const FlagSpec& f : AllFlags()) {
    if (f.apply == nullptr) continue;
    std::string text = f.default_text;
    if (std::string(f.name) == "data-dir" || (f.kind == FlagKind::kDuration && text.empty())) continue;
    if (text.empty()) continue;  // URL lists that default to none
    ServerConfig a, b;
    ASSERT_TRUE(SetFlag(f, text, &b).ok()) << f.name;
    FinalizeServerConfig(&a);
    FinalizeServerConfig(&b);
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(UrlListString(a.listen_client_urls), UrlListString(b.listen_client_urls)) << f.name;
    EXPECT_EQ(UrlListString(a.advertise_client_urls), UrlListString(b.advertise_client_urls)) << f.name;
    EXPECT_EQ(UrlListString(a.listen_peer_urls), UrlListString(b.listen_peer_urls)) << f.name;
    EXPECT_EQ(UrlListString(a.initial_advertise_peer_urls), UrlListString(b.initial_advertise_peer_urls))
        << f.name;
    EXPECT_EQ(a.initial_cluster, b.initial_cluster) << f.name;
    EXPECT_EQ(a.snapshot_count, b.snapshot_count) << f.name;
    EXPECT_EQ(a.heartbeat_interval_ms, b.heartbeat_interval_ms) << f.name;
    EXPECT_EQ(a.election_timeout_ms, b.election_timeout_ms) << f.name;
    EXPECT_EQ(a.quota_backend_bytes, b.quota_backend_bytes) << f.name;
    EXPECT_EQ(a.max_txn_ops, b.max_txn_ops) << f.name;
    EXPECT_EQ(a.max_request_bytes, b.max_request_bytes) << f.name;
    EXPECT_EQ(a.backend_batch_limit, b.backend_batch_limit) << f.name;
    EXPECT_EQ(a.experimental_watch_progress_notify_interval, b.experimental_watch_progress_notify_interval)
        << f.name;
    EXPECT_EQ(a.log_outputs, b.log_outputs) << f.name;
    EXPECT_EQ(a.client_tls.client_cert_auth, b.client_tls.client_cert_auth) << f.name;
  }
}

TEST(ParseTest, AllFlagSyntaxesOfGo) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--name", "n1"}, {"--name=n1"}, {"-name", "n1"}, {"-name=n1"}}) {
    ParseResult r = Parse(args);
    ASSERT_EQ(r.outcome, Outcome::kRun) << args[0];
    EXPECT_EQ(r.config.name, "n1");
    EXPECT_EQ(r.config.data_dir, "n1.etcd");
    EXPECT_EQ(r.config.initial_cluster, "n1=http://localhost:2380");
  }
  // Bool flags: alone means true, a value must be attached.
  EXPECT_TRUE(Parse({"--client-cert-auth"}).config.client_tls.client_cert_auth);
  EXPECT_FALSE(Parse({"--client-cert-auth=false"}).config.client_tls.client_cert_auth);
  ParseResult detached = Parse({"--client-cert-auth", "false"});
  EXPECT_EQ(detached.outcome, Outcome::kConfigError);
  EXPECT_EQ(detached.message, "'false' is not a valid flag");
  // Last one wins; "--" ends flags.
  EXPECT_EQ(Parse({"--name=a", "--name=b"}).config.name, "b");
  EXPECT_EQ(Parse({"--", "--name=a"}).message, "'--name=a' is not a valid flag");
}

TEST(ParseTest, TypedValues) {
  ParseResult r = Parse({"--snapshot-count=5",
                         "--heartbeat-interval=50",
                         "--election-timeout=500",
                         "--quota-backend-bytes=-1",
                         "--max-request-bytes=0x100",
                         "--max-txn-ops",
                         "7",
                         "--auto-compaction-mode=revision",
                         "--auto-compaction-retention=1000",
                         "--log-level=debug",
                         "--experimental-watch-progress-notify-interval=5s",
                         "--backend-batch-interval=10ms",
                         "--backend-batch-limit=3",
                         "--wal-dir=/w",
                         "--data-dir=/d",
                         "--initial-cluster-state=existing",
                         "--initial-cluster-token=tok",
                         "--listen-metrics-urls=http://127.0.0.1:2381",
                         "--listen-client-http-urls=http://127.0.0.1:2382",
                         "--cert-file=c",
                         "--key-file=k",
                         "--trusted-ca-file=ca",
                         "--peer-cert-file=pc",
                         "--peer-key-file=pk",
                         "--peer-trusted-ca-file=pca",
                         "--peer-client-cert-auth",
                         "--log-outputs=stderr"});
  ASSERT_EQ(r.outcome, Outcome::kRun) << r.message;
  const ServerConfig& c = r.config;
  EXPECT_EQ(c.snapshot_count, 5u);
  EXPECT_EQ(c.heartbeat_interval_ms, 50u);
  EXPECT_EQ(c.election_timeout_ms, 500u);
  EXPECT_EQ(c.quota_backend_bytes, -1);
  EXPECT_EQ(c.max_request_bytes, 256u);
  EXPECT_EQ(c.max_txn_ops, 7u);
  EXPECT_EQ(c.auto_compaction_mode, "revision");
  std::chrono::nanoseconds retention;
  ASSERT_TRUE(ParseCompactionRetention(c, &retention).ok());
  EXPECT_EQ(retention.count(), 1000);
  EXPECT_EQ(c.experimental_watch_progress_notify_interval, std::chrono::seconds(5));
  EXPECT_EQ(c.backend_batch_interval, std::chrono::milliseconds(10));
  EXPECT_EQ(c.backend_batch_limit, 3);
  EXPECT_EQ(c.WalDirEffective(), "/w");
  EXPECT_EQ(c.data_dir, "/d");
  EXPECT_EQ(c.initial_cluster_state, "existing");
  EXPECT_EQ(c.initial_cluster_token, "tok");
  EXPECT_EQ(UrlListString(c.listen_metrics_urls), "http://127.0.0.1:2381");
  EXPECT_EQ(UrlListString(c.listen_client_http_urls), "http://127.0.0.1:2382");
  EXPECT_EQ(c.client_tls.cert_file, "c");
  EXPECT_EQ(c.client_tls.key_file, "k");
  EXPECT_EQ(c.client_tls.trusted_ca_file, "ca");
  EXPECT_EQ(c.peer_tls.cert_file, "pc");
  EXPECT_EQ(c.peer_tls.key_file, "pk");
  EXPECT_EQ(c.peer_tls.trusted_ca_file, "pca");
  EXPECT_TRUE(c.peer_tls.client_cert_auth);
  EXPECT_EQ(c.log_outputs, std::vector<std::string>{"stderr"});
}

TEST(ParseTest, PeriodicRetentionIsHoursOrDuration) {
  ServerConfig c;
  std::chrono::nanoseconds retention;
  c.auto_compaction_retention = "2";
  ASSERT_TRUE(ParseCompactionRetention(c, &retention).ok());
  EXPECT_EQ(retention, std::chrono::hours(2));
  c.auto_compaction_retention = "5m";
  ASSERT_TRUE(ParseCompactionRetention(c, &retention).ok());
  EXPECT_EQ(retention, std::chrono::minutes(5));
  c.auto_compaction_retention = "xyz";
  EXPECT_EQ(ParseCompactionRetention(c, &retention).message(),
            "error parsing CompactionRetention: time: invalid duration \"xyz\"");
}

TEST(ParseTest, IgnoredFlagsAreAcceptedAndRecorded) {
  // A kubeadm etcd manifest's flags must all parse.
  ParseResult r = Parse(
      {"--advertise-client-urls=https://10.0.0.1:2379", "--cert-file=/etc/kubernetes/pki/etcd/server.crt",
       "--client-cert-auth=true", "--data-dir=/var/lib/etcd", "--experimental-initial-corrupt-check=true",
       "--experimental-watch-progress-notify-interval=5s",
       "--initial-advertise-peer-urls=https://10.0.0.1:2380", "--initial-cluster=node=https://10.0.0.1:2380",
       "--key-file=/k", "--listen-client-urls=https://127.0.0.1:2379,https://10.0.0.1:2379",
       "--listen-metrics-urls=http://127.0.0.1:2381", "--listen-peer-urls=https://10.0.0.1:2380",
       "--proxy-failure-wait=6000", "--name=node", "--peer-cert-file=/p", "--peer-client-cert-auth=true",
       "--peer-key-file=/pk", "--peer-trusted-ca-file=/ca", "--snapshot-count=10000", "--trusted-ca-file=/ca"});
  ASSERT_EQ(r.outcome, Outcome::kRun) << r.message;
  EXPECT_TRUE(r.config.experimental_initial_corrupt_check);
  EXPECT_EQ(r.config.ignored_flags.count("experimental-initial-corrupt-check"), 0u);
  EXPECT_EQ(r.config.ignored_flags.at("proxy-failure-wait"), "6000");
  EXPECT_EQ(UrlListString(r.config.listen_client_urls), "https://10.0.0.1:2379,https://127.0.0.1:2379");
  EXPECT_EQ(r.config.initial_cluster, "node=https://10.0.0.1:2380");
  // Kind checks apply to ignored flags too.
  EXPECT_EQ(FirstLine(Parse({"--max-wals=x"}).message),
            "invalid value \"x\" for flag -max-wals: parse error");
}

TEST(ParseTest, UsageErrorsExitTwoWithGoText) {
  struct Case {
    std::vector<std::string> args;
    std::string first_line;
  };
  for (const Case& c : std::vector<Case>{
           {{"--foo"}, "flag provided but not defined: -foo"},
           {{"--foo=1"}, "flag provided but not defined: -foo"},
           {{"-foo"}, "flag provided but not defined: -foo"},
           {{"--snapshot-count=abc"}, "invalid value \"abc\" for flag -snapshot-count: parse error"},
           {{"--snapshot-count=-1"}, "invalid value \"-1\" for flag -snapshot-count: parse error"},
           {{"--heartbeat-interval", "x"}, "invalid value \"x\" for flag -heartbeat-interval: parse error"},
           {{"--listen-client-urls=foo"},
            "invalid value \"foo\" for flag -listen-client-urls: URL scheme must be http, https, unix, or "
            "unixs: foo"},
           {{"--name"}, "flag needs an argument: -name"},
           {{"--initial-cluster-state=bad"},
            "invalid value \"bad\" for flag -initial-cluster-state: invalid value"},
           {{"--client-cert-auth=maybe"},
            "invalid boolean value \"maybe\" for -client-cert-auth: parse error"},
           {{"---name=x"}, "bad flag syntax: ---name=x"},
           {{"--backend-batch-interval=10"},
            "invalid value \"10\" for flag -backend-batch-interval: parse error"},
       }) {
    ParseResult r = Parse(c.args);
    EXPECT_EQ(r.outcome, Outcome::kUsageError) << c.args[0];
    EXPECT_EQ(r.ExitCode(), 2);
    EXPECT_EQ(FirstLine(r.message), c.first_line);
    EXPECT_NE(r.message.find("Usage:"), std::string::npos);
  }
}

TEST(ParseTest, HelpAndVersion) {
  for (const char* h : {"-h", "--help", "-help", "--h"}) {
    ParseResult r = Parse({h});
    EXPECT_EQ(r.outcome, Outcome::kHelp) << h;
    EXPECT_EQ(r.ExitCode(), 0);
  }
  EXPECT_EQ(Parse({"--version"}).outcome, Outcome::kVersion);
  EXPECT_EQ(Parse({"--name=x", "-version"}).outcome, Outcome::kVersion);
  // Unknown flags are reported before --help is seen, as Go parses left to right.
  EXPECT_EQ(Parse({"--foo", "--help"}).outcome, Outcome::kUsageError);
  std::string help = HelpText();
  EXPECT_NE(help.find("  --name 'default'\n    Human-readable name for this member.\n"), std::string::npos);
  EXPECT_NE(help.find("--max-request-bytes '1572864'"), std::string::npos);
  EXPECT_NE(help.find("Accepted for compatibility"), std::string::npos);
  // Every flag appears in the help text exactly once as "--name".
  for (const FlagSpec& f : AllFlags()) {
    std::string needle = "--" + std::string(f.name) + (f.apply ? " '" : "");
    EXPECT_NE(help.find(needle), std::string::npos) << f.name;
  }
}

TEST(ParseTest, ValidationErrorsUseEtcdMessages) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {{"--election-timeout=100"},
            "--election-timeout[100ms] should be at least as 5 times as --heartbeat-interval[100ms]"},
           {{"--heartbeat-interval=0"}, "--heartbeat-interval must be >0 (set to 0ms)"},
           {{"--election-timeout=60000"},
            "--election-timeout[60000ms] is too long, and should be set less than 50000ms"},
           {{"--auto-compaction-mode=xx"}, "unknown auto-compaction-mode \"xx\""},
           {{"--logger=bogus"}, "unknown logger option \"bogus\""},
           {{"--logger=capnslog"}, "--logger=capnslog is removed in v3.5"},
           {{"--log-level=bogus"}, "unrecognized level: \"bogus\""},
           {{"extra"}, "'extra' is not a valid flag"},
           {{"--listen-client-urls=http://127.0.0.1:2379"},
            "--advertise-client-urls is required when --listen-client-urls is set explicitly"},
           {{"--listen-peer-urls=http://example.com:2380"},
            "expected IP in URL for binding (http://example.com:2380)"},
           {{"--advertise-client-urls=http://:2379"},
            "--advertise-client-urls \"http://:2379\" must be \"host:port\" (unexpected empty host "
            "(http://:2379))"},
           {{"--auto-compaction-retention=xyz"},
            "error parsing CompactionRetention: time: invalid duration \"xyz\""},
       }) {
    ParseResult r = Parse(c.args);
    EXPECT_EQ(r.outcome, Outcome::kConfigError) << c.args[0];
    EXPECT_EQ(r.ExitCode(), 1);
    EXPECT_EQ(r.message, c.message);
  }
}

TEST(ParseTest, EnvironmentVariables) {
  ParseResult r = Parse({}, {{"ETCD_NAME", "env-node"},
                             {"ETCD_INITIAL_CLUSTER_TOKEN", "t1"},
                             {"ETCD_SNAPSHOT_COUNT", "42"},
                             {"ETCD_CLIENT_CERT_AUTH", "true"},
                             {"PATH", "/bin"},
                             {"ETCD_LOG_LEVEL", ""}});
  ASSERT_EQ(r.outcome, Outcome::kRun) << r.message;
  EXPECT_EQ(r.config.name, "env-node");
  EXPECT_EQ(r.config.data_dir, "env-node.etcd");
  EXPECT_EQ(r.config.initial_cluster_token, "t1");
  EXPECT_EQ(r.config.snapshot_count, 42u);
  EXPECT_TRUE(r.config.client_tls.client_cert_auth);
  EXPECT_EQ(r.config.log_level, "info");  // empty variables are ignored
  int recognized = 0;
  for (const ParseNote& n : r.notes) recognized += n.msg == "recognized and used environment variable";
  EXPECT_EQ(recognized, 4);
}

TEST(ParseTest, EnvironmentErrorsAndWarnings) {
  ParseResult bad = Parse({}, {{"ETCD_SNAPSHOT_COUNT", "abc"}});
  EXPECT_EQ(bad.outcome, Outcome::kConfigError);
  EXPECT_EQ(bad.message, "invalid value \"abc\" for ETCD_SNAPSHOT_COUNT: parse error");

  // etcd refuses a variable shadowed by a command-line flag.
  ParseResult conflict = Parse({"--name=y"}, {{"ETCD_NAME", "x"}});
  EXPECT_EQ(conflict.outcome, Outcome::kFatal);
  EXPECT_EQ(conflict.ExitCode(), 1);
  ASSERT_FALSE(conflict.notes.empty());
  EXPECT_EQ(conflict.notes.back().level, "fatal");
  EXPECT_EQ(conflict.notes.back().fields[0],
            (std::pair<std::string, std::string>{"environment-variable", "ETCD_NAME"}));
  EXPECT_EQ(
      conflict.message,
      "conflicting environment variable \"ETCD_NAME\" is shadowed by corresponding command-line flag (either "
      "unset environment variable or disable flag)");

  ParseResult unknown = Parse({"--data-dir=x"}, {{"ETCD_FOO", "1"}});
  ASSERT_EQ(unknown.outcome, Outcome::kRun);
  ASSERT_EQ(unknown.notes.size(), 1u);
  EXPECT_EQ(unknown.notes[0].level, "warn");
  EXPECT_EQ(unknown.notes[0].msg, "unrecognized environment variable");
  EXPECT_EQ(unknown.notes[0].fields[0].second, "ETCD_FOO=1");

  // An environment --listen-client-urls counts as set for the advertise rule.
  EXPECT_EQ(Parse({}, {{"ETCD_LISTEN_CLIENT_URLS", "http://127.0.0.1:1"}}).message,
            "--advertise-client-urls is required when --listen-client-urls is set explicitly");
}

class ConfigFileTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& yaml) {
    std::string path = ::testing::TempDir() + "/cairn_config_" + std::to_string(counter_++) + ".yaml";
    std::ofstream(path) << yaml;
    return path;
  }
  int counter_ = 0;
};

TEST_F(ConfigFileTest, YamlKeysAreFlagNames) {
  std::string path = Write(
      "name: infra1\n"
      "data-dir: /var/lib/x\n"
      "listen-client-urls: http://127.0.0.1:12379\n"
      "advertise-client-urls: http://127.0.0.1:12379\n"
      "initial-cluster: infra1=http://127.0.0.1:12380\n"
      "initial-cluster-state: existing\n"
      "snapshot-count: 5000\n"
      "heartbeat-interval: 50\n"
      "election-timeout: 500\n"
      "quota-backend-bytes: 8589934592\n"
      "experimental-watch-progress-notify-interval: 5000000000\n"
      "log-outputs: [stderr]\n"
      "client-transport-security:\n"
      "  cert-file: /c.crt\n"
      "  client-cert-auth: true\n"
      "peer-transport-security:\n"
      "  trusted-ca-file: /ca.crt\n"
      "unknown-key: ignored\n");
  ParseResult r = Parse({"--config-file", path, "--name=ignored"}, {{"ETCD_SNAPSHOT_COUNT", "1"}});
  ASSERT_EQ(r.outcome, Outcome::kRun) << r.message;
  const ServerConfig& c = r.config;
  EXPECT_EQ(c.config_file, path);
  EXPECT_EQ(c.name, "infra1");
  EXPECT_EQ(c.data_dir, "/var/lib/x");
  EXPECT_EQ(UrlListString(c.listen_client_urls), "http://127.0.0.1:12379");
  EXPECT_EQ(c.initial_cluster, "infra1=http://127.0.0.1:12380");
  EXPECT_EQ(c.initial_cluster_state, "existing");
  EXPECT_EQ(c.snapshot_count, 5000u);
  EXPECT_EQ(c.heartbeat_interval_ms, 50u);
  EXPECT_EQ(c.election_timeout_ms, 500u);
  EXPECT_EQ(c.quota_backend_bytes, int64_t{8} << 30);
  EXPECT_EQ(c.experimental_watch_progress_notify_interval, std::chrono::seconds(5));
  EXPECT_EQ(c.log_outputs, std::vector<std::string>{"stderr"});
  EXPECT_EQ(c.client_tls.cert_file, "/c.crt");
  EXPECT_TRUE(c.client_tls.client_cert_auth);
  EXPECT_EQ(c.peer_tls.trusted_ca_file, "/ca.crt");
}

TEST_F(ConfigFileTest, EnvironmentSelectsFileAndDefaultsApply) {
  std::string path = Write("name: n2\nlisten-client-urls: http://127.0.0.1:1\n");
  ParseResult r = Parse({}, {{"ETCD_CONFIG_FILE", path}, {"ETCD_NAME", "ignored"}});
  ASSERT_EQ(r.outcome, Outcome::kRun) << r.message;
  EXPECT_EQ(r.config.name, "n2");
  EXPECT_EQ(r.config.data_dir, "n2.etcd");
  EXPECT_EQ(r.config.initial_cluster, "n2=http://localhost:2380");
  // In file mode etcd keeps the default advertise URL.
  EXPECT_EQ(UrlListString(r.config.advertise_client_urls), "http://localhost:2379");
}

TEST_F(ConfigFileTest, Errors) {
  EXPECT_EQ(Parse({"--config-file=/nonexistent/x.yaml"}).message,
            "open /nonexistent/x.yaml: no such file or directory");
  EXPECT_EQ(Parse({"--config-file=" + Write("snapshot-count: abc\n")}).message,
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go struct "
            "field configYAML.snapshot-count "
            "of type uint64");
  EXPECT_EQ(Parse({"--config-file=" + Write("max-txn-ops: \"5\"\n")}).message,
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go struct "
            "field configYAML.max-txn-ops "
            "of type uint");
  EXPECT_EQ(
      Parse({"--config-file=" + Write("backend-batch-interval: 10ms\n")}).message,
      "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go struct field "
      "configYAML.backend-batch-interval of type time.Duration");
  EXPECT_EQ(
      Parse({"--config-file=" + Write("listen-client-urls: foo\n")}).message,
      "unexpected error setting up listen-client-urls: URL scheme must be http, https, unix, or unixs: foo");
  EXPECT_EQ(Parse({"--config-file=" + Write("initial-cluster-state: bogus\n")}).message,
            "unexpected clusterState \"bogus\"");
  EXPECT_EQ(Parse({"--config-file=" + Write("election-timeout: 100\n")}).message,
            "--election-timeout[100ms] should be at least as 5 times as --heartbeat-interval[100ms]");
  ParseResult syntax = Parse({"--config-file=" + Write("name: [unclosed\n")});
  EXPECT_EQ(syntax.outcome, Outcome::kConfigError);
  EXPECT_EQ(syntax.message.rfind("error converting YAML to JSON: yaml: line", 0), 0u) << syntax.message;
  // Flag syntax errors still count in file mode.
  EXPECT_EQ(Parse({"--config-file=" + Write("name: a\n"), "--bogus"}).outcome, Outcome::kUsageError);
}

}  // namespace
}  // namespace cairn::flags

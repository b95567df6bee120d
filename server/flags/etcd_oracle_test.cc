// External oracle (CRAFT.md §11): for bad flags, the real etcd binary (Debian's etcd-server 3.4)
// and Cairn's parser must print the same error text. etcd 3.4 and 3.5 share these parsing paths
// (Go's flag package, pkg/types URLs, embed.Config.Validate).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <string>

#include "server/flags/parse.h"

namespace cairn::flags {
namespace {

constexpr char kEtcd[] = "/usr/bin/etcd";

struct EtcdRun {
  std::string output;
  int exit_code;
};

// Runs etcd with a clean environment in a scratch directory; args are single-quoted.
EtcdRun RunEtcd(const std::vector<std::string>& args) {
  std::string cmd = "cd " + ::testing::TempDir() + " && env -i " + kEtcd;
  for (const std::string& a : args) cmd += " '" + a + "'";
  cmd += " 2>&1 </dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  EtcdRun run{"", -1};
  if (p == nullptr) return run;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) run.output.append(buf.data(), n);
  int status = pclose(p);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

std::string FirstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

class EtcdOracleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access(kEtcd, X_OK) != 0) GTEST_SKIP() << kEtcd << " not installed";
  }
};

TEST_F(EtcdOracleTest, UsageErrorsMatchByteForByte) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--foo"},
           {"-foo=1"},
           {"--snapshot-count=abc"},
           {"--snapshot-count=-1"},
           {"--heartbeat-interval=x"},
           {"--max-txn-ops=1.5"},
           {"--quota-backend-bytes=99999999999999999999"},
           {"--listen-client-urls=foo"},
           {"--listen-client-urls=http://a:b:c"},
           {"--listen-peer-urls=http://localhost:2380/x"},
           {"--advertise-client-urls=http://[::1]x"},
           {"--initial-advertise-peer-urls=http://nohostport"},
           {"--name"},
           {"--initial-cluster-state=bad"},
           {"--client-cert-auth=maybe"},
           {"--experimental-watch-progress-notify-interval=10"},
           {"---x"},
       }) {
    EtcdRun etcd = RunEtcd(args);
    ParseResult ours = ParseServerFlags(args, {});
    EXPECT_EQ(etcd.exit_code, 2) << args[0] << ": " << etcd.output;
    EXPECT_EQ(ours.ExitCode(), etcd.exit_code) << args[0];
    EXPECT_EQ(FirstLine(ours.message), FirstLine(etcd.output)) << args[0];
    // The usage text that follows starts alike (Cairn omits etcd's proxy sub-commands).
    EXPECT_EQ(ours.message.substr(0, 200), etcd.output.substr(0, ours.message.substr(0, 200).size()))
        << args[0];
  }
}

TEST_F(EtcdOracleTest, ValidationErrorsCarryTheSameText) {
  // etcd 3.4 logs "etcdmain: error verifying flags, <error>. See 'etcd --help'." and exits 1;
  // 3.5 logs "failed to verify flags" with the same <error>.
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--election-timeout=100"},
           {"--heartbeat-interval=0"},
           {"--election-timeout=60000"},
           {"--auto-compaction-mode=xx"},
           {"--logger=bogus"},
           {"extra-word"},
           {"--listen-client-urls=http://127.0.0.1:2379"},
           {"--listen-peer-urls=http://example.com:2380"},
           {"--advertise-client-urls=http://:2379"},
       }) {
    EtcdRun etcd = RunEtcd(args);
    ParseResult ours = ParseServerFlags(args, {});
    EXPECT_EQ(etcd.exit_code, 1) << args[0] << ": " << etcd.output;
    EXPECT_EQ(ours.ExitCode(), 1) << args[0];
    EXPECT_NE(etcd.output.find("error verifying flags, " + ours.message + ". See 'etcd --help'."),
              std::string::npos)
        << args[0] << "\n etcd: " << etcd.output << "\n ours: " << ours.message;
  }
}

TEST_F(EtcdOracleTest, ConfigFileErrorsCarryTheSameText) {
  struct Case {
    std::string yaml;
    bool printed_raw;  // etcd prints these to stderr instead of logging them
  };
  int i = 0;
  for (const Case& c : std::vector<Case>{
           {"snapshot-count: abc\n", false},
           {"max-txn-ops: \"5\"\n", false},
           {"backend-batch-interval: 10ms\n", false},
           {"heartbeat-interval: -5\n", false},
           {"quota-backend-bytes: 1.5\n", false},
           {"client-cert-auth: 1\nclient-transport-security: 5\n", false},
           {"- a\n", false},
           {"initial-cluster-state: bogus\n", false},
           {"election-timeout: 100\n", false},
           {"listen-client-urls: foo\n", true},
           {"advertise-client-urls: http://x:1/p\n", true},
       }) {
    std::string path = ::testing::TempDir() + "/oracle_" + std::to_string(i++) + ".yaml";
    FILE* f = fopen(path.c_str(), "w");
    fputs(c.yaml.c_str(), f);
    fclose(f);
    EtcdRun etcd = RunEtcd({"--config-file", path});
    ParseResult ours = ParseServerFlags({"--config-file", path}, {});
    EXPECT_EQ(etcd.exit_code, 1) << c.yaml << etcd.output;
    EXPECT_EQ(ours.ExitCode(), 1) << c.yaml;
    if (c.printed_raw) {
      EXPECT_EQ(ours.outcome, ParseResult::Outcome::kPrintedError);
      EXPECT_EQ(etcd.output, ours.message + "\n") << c.yaml;
    } else {
      EXPECT_EQ(ours.outcome, ParseResult::Outcome::kConfigError);
      EXPECT_NE(etcd.output.find("error verifying flags, " + ours.message + ". See 'etcd --help'."),
                std::string::npos)
          << c.yaml << "\n etcd: " << etcd.output << "\n ours: " << ours.message;
    }
  }
}

TEST_F(EtcdOracleTest, ShadowedEnvironmentVariableIsFatalInBoth) {
  std::string cmd = "cd " + ::testing::TempDir() + " && env -i ETCD_NAME=x " + kEtcd + " --name y 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int status = pclose(p);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
  ParseResult ours = ParseServerFlags({"--name", "y"}, {{"ETCD_NAME", "x"}});
  EXPECT_EQ(ours.ExitCode(), 1);
  EXPECT_NE(out.find(ours.message), std::string::npos) << out;
}

}  // namespace
}  // namespace cairn::flags

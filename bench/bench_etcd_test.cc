// Black-box test of `cairn bench` (bench_tool) against a real etcd (Debian's etcd-server): one
// etcd on free loopback ports in a temp dir (etcd_process.h), killed at the end. Checks etcd's report format
// line by line, that the requests reached etcd, and the error distribution of failing requests.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_tool_fixture.h"
#include "bench/etcd_process.h"
#include "proto/rpc.grpc.pb.h"

namespace {

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

class BenchEtcdTest : public cairn::bench::testing::BenchToolTest {
 protected:
  // Checks etcd report.go's layout (default "%4.4f" precision) from lines[first]; returns the
  // index after the latency distribution and the histogram's total count.
  // min_percentile_lines: percentiles of 0 are not printed (watch-latency can measure 0).
  // `header` is the text on the report's first (otherwise empty) line, e.g. txn-mixed's "Details:".
  static size_t CheckReport(const std::vector<std::string>& lines, size_t first, int64_t* histogram_total,
                            int min_percentile_lines = 5, const std::string& header = "") {
    const std::regex secs(R"(  (Total|Slowest|Fastest|Average|Stddev):\t\d+\.\d{4} secs\.)");
    const std::regex rps(R"(  Requests/sec:\t\d+\.\d{4})");
    const std::regex bucket(R"(  (\d+\.\d{4}) \[(\d+)\]\t\|(∎)*)");
    const std::regex pct(R"(  (10|25|50|75|90|95|99|99\.9)% in \d+\.\d{4} secs\.)");
    size_t i = first;
    auto line = [&](size_t k) { return k < lines.size() ? lines[k] : std::string("<missing>"); };
    EXPECT_EQ(line(i++), header);
    EXPECT_EQ(line(i++), "Summary:");
    const char* names[] = {"Total", "Slowest", "Fastest", "Average", "Stddev"};
    for (const char* name : names) {
      const std::string l = line(i++);
      EXPECT_TRUE(std::regex_match(l, secs)) << l;
      EXPECT_EQ(l.rfind(std::string("  ") + name + ":", 0), 0u) << l;
    }
    EXPECT_TRUE(std::regex_match(line(i), rps)) << line(i);
    i++;
    EXPECT_EQ(line(i++), "");
    EXPECT_EQ(line(i++), "Response time histogram:");
    *histogram_total = 0;
    double previous = -1;
    for (int b = 0; b < 11; b++) {
      std::smatch m;
      const std::string l = line(i++);
      EXPECT_TRUE(std::regex_match(l, m, bucket)) << l;
      if (m.size() > 2) {
        *histogram_total += std::stoll(m[2]);
        EXPECT_GE(std::stod(m[1]), previous) << l;
        previous = std::stod(m[1]);
      }
    }
    EXPECT_EQ(line(i++), "");
    EXPECT_EQ(line(i++), "Latency distribution:");
    int pct_lines = 0;
    while (i < lines.size() && std::regex_match(lines[i], pct)) {
      i++;
      pct_lines++;
    }
    EXPECT_GE(pct_lines, min_percentile_lines);
    return i;
  }
};

TEST_F(BenchEtcdTest, PutReportAndKeysReachEtcd) {
  int rc = -1;
  const std::string out = RunBench("put --total 200 --clients 4 --conns 2", &rc);
  ASSERT_EQ(rc, 0) << out;
  const std::vector<std::string> lines = Lines(out);
  int64_t histogram_total = 0;
  size_t i = CheckReport(lines, 0, &histogram_total);
  EXPECT_EQ(histogram_total, 200);
  // fmt.Println's newline, then Cairn's CPU line, then nothing.
  ASSERT_LT(i + 1, lines.size() + 1) << out;
  EXPECT_EQ(lines[i], "") << out;
  EXPECT_TRUE(std::regex_match(lines.at(i + 1), std::regex(R"(Client CPU time:\t\d+\.\d{4} secs .*)")))
      << out;
  EXPECT_EQ(lines.size(), i + 2) << out;

  // Default --key-space-size 1 and --key-size 8: all 200 puts wrote key "\0"*8 with an 8-byte value.
  auto kv =
      etcdserverpb::KV::NewStub(grpc::CreateChannel(etcd_->endpoint(), grpc::InsecureChannelCredentials()));
  etcdserverpb::RangeRequest req;
  req.set_key(std::string(8, '\0'));
  etcdserverpb::RangeResponse resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(kv->Range(&ctx, req, &resp).ok());
  ASSERT_EQ(resp.kvs_size(), 1);
  EXPECT_EQ(resp.kvs(0).version(), 200);
  EXPECT_EQ(resp.kvs(0).value().size(), 8u);
}

TEST_F(BenchEtcdTest, RangeReport) {
  int rc = -1;
  const std::string out = RunBench("range foo --total 100", &rc);
  ASSERT_EQ(rc, 0) << out;
  const std::vector<std::string> lines = Lines(out);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0], "bench with linearizable range");
  int64_t histogram_total = 0;
  CheckReport(lines, 1, &histogram_total);
  EXPECT_EQ(histogram_total, 100);

  const std::string serializable = RunBench("range foo --total 10 --consistency s --clients 2", &rc);
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(Lines(serializable).at(0), "bench with serializable range");
  RunBench("range foo --consistency x", &rc);
  EXPECT_EQ(rc, 1);
  RunBench("range", &rc);
  EXPECT_EQ(rc, 1);
}

TEST_F(BenchEtcdTest, SequentialKeysFillTheKeySpace) {
  int rc = -1;
  RunBench("put --total 50 --key-space-size 50 --sequential-keys --key-size 4 --val-size 16 --clients 5",
           &rc);
  ASSERT_EQ(rc, 0);
  // Keys are the zig-zag varints of 0..49 padded to 4 bytes: 0x00.. to 0x62 0 0 0.
  auto kv =
      etcdserverpb::KV::NewStub(grpc::CreateChannel(etcd_->endpoint(), grpc::InsecureChannelCredentials()));
  etcdserverpb::RangeRequest req;
  req.set_key(std::string(1, '\0'));
  req.set_range_end(std::string(1, '\x63'));
  req.set_count_only(true);
  etcdserverpb::RangeResponse resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(kv->Range(&ctx, req, &resp).ok());
  // 50 four-byte keys plus the 8-byte zero key of the previous test (if it ran first).
  EXPECT_GE(resp.count(), 50);
  EXPECT_LE(resp.count(), 51);
}

TEST_F(BenchEtcdTest, ErrorDistribution) {
  int rc = -1;
  // Two puts of the same key in one txn: etcd rejects every request.
  const std::string out = RunBench("txn-put --total 20 --txn-ops 2 --clients 2", &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_EQ(out.rfind("\nError distribution:\n  [20]\tetcdserver: duplicate key given in txn request\n\n", 0),
            0u)
      << out;
}

TEST_F(BenchEtcdTest, TxnPutLeaseKeepaliveWatchLatency) {
  int rc = -1;
  int64_t total = 0;
  std::string out = RunBench("txn-put --total 60 --txn-ops 3 --key-space-size 30 --clients 3", &rc);
  ASSERT_EQ(rc, 0) << out;
  CheckReport(Lines(out), 0, &total);
  EXPECT_EQ(total, 60);

  out = RunBench("lease-keepalive --total 100 --clients 4 --conns 2", &rc);
  ASSERT_EQ(rc, 0) << out;
  CheckReport(Lines(out), 0, &total);
  EXPECT_EQ(total, 100);

  out = RunBench("watch-latency --put-total 20 --put-rate 200 --clients 3 --conns 2", &rc);
  ASSERT_EQ(rc, 0) << out;
  CheckReport(Lines(out), 0, &total, /*min_percentile_lines=*/0);
  EXPECT_EQ(total, 60);  // every watcher saw every put

  // Measured from before the put, no latency is zero: all percentiles that 60 samples reach
  // (10 .. 95) are printed.
  out = RunBench("watch-latency --put-total 20 --put-rate 200 --clients 3 --from-put-start", &rc);
  ASSERT_EQ(rc, 0) << out;
  CheckReport(Lines(out), 0, &total, /*min_percentile_lines=*/6);
  EXPECT_EQ(total, 60);
}

TEST_F(BenchEtcdTest, TxnMixedReportsReadsAndWritesSeparately) {
  int rc = -1;
  const std::string out =
      RunBench("txn-mixed --total 80 --clients 4 --key-space-size 10 --limit 5 --rw-ratio 1 --seed 7", &rc);
  ASSERT_EQ(rc, 0) << out;
  const std::vector<std::string> lines = Lines(out);
  ASSERT_GT(lines.size(), 2u) << out;
  EXPECT_EQ(lines[0], "bench with linearizable range");
  std::smatch m;
  ASSERT_TRUE(std::regex_match(lines[1], m, std::regex(R"(Total Read Ops: (\d+))"))) << out;
  const int64_t reads = std::stoll(m[1]);
  ASSERT_GT(reads, 0);
  ASSERT_LT(reads, 80);
  int64_t read_total = 0, write_total = 0;
  size_t i = CheckReport(lines, 2, &read_total, 5, "Details:");
  EXPECT_EQ(read_total, reads);
  ASSERT_LT(i + 1, lines.size()) << out;
  EXPECT_EQ(lines[i], "") << out;
  EXPECT_EQ(lines[i + 1], "Total Write Ops: " + std::to_string(80 - reads)) << out;
  i = CheckReport(lines, i + 2, &write_total, 5, "Details:");
  EXPECT_EQ(write_total, 80 - reads);
}

TEST_F(BenchEtcdTest, WatchCreationAndEvents) {
  int rc = -1;
  const std::string out = RunBench(
      "watch --streams 4 --watch-per-stream 5 --watched-key-total 2 --sequential-keys --key-space-size 2 "
      "--put-total 10 --clients 2 --conns 2",
      &rc);
  ASSERT_EQ(rc, 0) << out;
  const std::vector<std::string> lines = Lines(out);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0], "Watch creation summary:");
  int64_t creates = 0, events = 0;
  size_t i = CheckReport(lines, 1, &creates);
  EXPECT_EQ(creates, 20);
  ASSERT_LT(i, lines.size()) << out;
  EXPECT_EQ(lines[i], "Watch events received summary:") << out;
  CheckReport(lines, i + 1, &events, 0);
  // 20 watches over 2 distinct keys (10 each); every put reaches the 10 watchers of its key. (With
  // the default --key-space-size 1 both watched keys would be the same key, as in etcd.)
  EXPECT_EQ(events, 100);
}

TEST_F(BenchEtcdTest, StmAllIsolations) {
  for (const char* isolation : {"c", "r", "s", "ss"}) {
    int rc = -1;
    const std::string out = RunBench(std::string("stm --isolation ") + isolation +
                                         " --keys 5 --keys-per-txn 2 --total 40 --clients 4 --conns 2",
                                     &rc);
    ASSERT_EQ(rc, 0) << isolation << "\n" << out;
    int64_t total = 0;
    const std::vector<std::string> lines = Lines(out);
    const size_t end = CheckReport(lines, 0, &total);
    EXPECT_EQ(total, 40) << isolation;
    // fmt.Printf("%s", report): the CPU line follows the report directly.
    ASSERT_LT(end, lines.size()) << out;
    EXPECT_EQ(lines[end].rfind("Client CPU time:", 0), 0u) << out;
  }
  int rc = -1;
  RunBench("stm --isolation x", &rc);
  EXPECT_EQ(rc, 1);
  RunBench("stm --use-mutex", &rc);
  EXPECT_EQ(rc, 1);
  RunBench("stm --keys 2 --keys-per-txn 3", &rc);
  EXPECT_EQ(rc, 1);
}

TEST_F(BenchEtcdTest, WatchGet) {
  int rc = -1;
  // 300 watchers created one after the other on one stream: Gets run during all of it.
  const std::string out = RunBench("watch-get --watchers 300 --streams 1 --events 8", &rc);
  ASSERT_EQ(rc, 0) << out;
  const std::vector<std::string> lines = Lines(out);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0], "Get during watch summary:");
  int64_t gets = 0;
  CheckReport(lines, 1, &gets);
  EXPECT_GT(gets, 0);
}

TEST_F(BenchEtcdTest, PreciseAndJson) {
  int rc = -1;
  std::string out = RunBench("put --total 30 --precise --rate 1000", &rc);
  ASSERT_EQ(rc, 0) << out;
  const std::vector<std::string> lines = Lines(out);
  ASSERT_GT(lines.size(), 3u);
  EXPECT_TRUE(std::regex_match(lines[2], std::regex(R"(  Total:\t[0-9.e+-]+ secs\.)"))) << lines[2];

  out = RunBench("range foo --total 25 --output json", &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_EQ(out.rfind("{\"command\":\"range\",\"requests\":25,\"successes\":25,\"failures\":0,", 0), 0u)
      << out;
  EXPECT_NE(out.find("\"client_cpu\":{\"user_seconds\":"), std::string::npos) << out;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
}

TEST_F(BenchEtcdTest, SampleAndTargetLeader) {
  int rc = -1;
  const std::string out = RunBench("--target-leader --sample put --total 20 --clients 2", &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("\nSample in one second (unix latency throughput):\n"
                     "UNIX-SECOND,MIN-LATENCY-MS,AVG-LATENCY-MS,MAX-LATENCY-MS,AVG-THROUGHPUT\n"),
            std::string::npos)
      << out;
}

TEST_F(BenchEtcdTest, UnreachableEndpointFailsWithinDialTimeout) {
  int rc = -1;
  const auto start = std::chrono::steady_clock::now();
  const std::string cmd = "timeout 30 bench/bench_tool --endpoints 127.0.0.1:" +
                          std::to_string(cairn::bench::testing::FreeLoopbackPort()) +
                          " --dial-timeout 500ms put --total 3 >/dev/null 2>&1";
  rc = std::system(cmd.c_str());
  EXPECT_EQ(WEXITSTATUS(rc), 1);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

// --user against an etcd with authentication enabled (its own etcd: auth stays on).
TEST(BenchEtcdAuthTest, UserFlagAuthenticates) {
  cairn::bench::testing::EtcdProcess etcd;
  const cairn::Status started = etcd.Start();
  ASSERT_TRUE(started.ok()) << started.ToString();
  auto auth =
      etcdserverpb::Auth::NewStub(grpc::CreateChannel(etcd.endpoint(), grpc::InsecureChannelCredentials()));
  {
    grpc::ClientContext ctx;
    etcdserverpb::AuthUserAddRequest req;
    req.set_name("root");
    req.set_password("secret");
    etcdserverpb::AuthUserAddResponse resp;
    ASSERT_TRUE(auth->UserAdd(&ctx, req, &resp).ok());
  }
  {
    grpc::ClientContext ctx;
    etcdserverpb::AuthUserGrantRoleRequest req;
    req.set_user("root");
    req.set_role("root");
    etcdserverpb::AuthUserGrantRoleResponse resp;
    ASSERT_TRUE(auth->UserGrantRole(&ctx, req, &resp).ok());
  }
  {
    grpc::ClientContext ctx;
    etcdserverpb::AuthEnableResponse resp;
    ASSERT_TRUE(auth->AuthEnable(&ctx, etcdserverpb::AuthEnableRequest(), &resp).ok());
  }
  auto run = [&](const std::string& args, int* rc) {
    return cairn::bench::testing::RunCapture(
        "timeout 60 bench/bench_tool --endpoints " + etcd.endpoint() + " " + args + " 2>&1", rc);
  };
  int rc = -1;
  std::string out = run("--user root:secret put --total 20 --clients 2", &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(out.find("Error distribution"), std::string::npos) << out;

  out = run("--user root:wrong put --total 5", &rc);
  EXPECT_EQ(rc, 1) << out;
  EXPECT_NE(out.find("etcdserver: authentication failed, invalid user ID or password"), std::string::npos)
      << out;

  out = run("put --total 5", &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("\nError distribution:\n  [5]\tetcdserver: user name is empty\n"), std::string::npos)
      << out;
}

}  // namespace

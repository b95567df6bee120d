#include "server/http/server.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "server/http/handlers.h"
#include "server/http/test_client.h"

namespace cairn::http {
namespace {

using testing::ClientResponse;

class ServerTest : public ::testing::Test {
 protected:
  void Start(Server::Options options = {}) {
    server_ = std::make_unique<Server>(options, mux_);
    ASSERT_TRUE(server_->Listen("127.0.0.1:0", nullptr, &port_).ok());
  }
  std::shared_ptr<Mux> mux_ = std::make_shared<Mux>();
  std::unique_ptr<Server> server_;
  int port_ = 0;
};

TEST_F(ServerTest, VersionEndpointMatchesEtcd) {
  mux_->Handle("/version", VersionHandler([] { return std::string("3.5.0"); }));
  Start();
  ClientResponse r = testing::Get(port_, "/version");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{\"etcdserver\":\"3.5.17\",\"etcdcluster\":\"3.5.0\"}");
  EXPECT_NE(r.head.find("Content-Type: application/json"), std::string::npos);
  ClientResponse post = testing::Get(port_, "/version", "POST");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.body, "Method Not Allowed\n");
  EXPECT_NE(post.head.find("Allow: GET"), std::string::npos);
}

TEST_F(ServerTest, HealthPassesQueryToCallback) {
  std::vector<std::string> seen_excluded;
  bool seen_serializable = false;
  mux_->Handle("/health", HealthHandler([&](const HealthQuery& q) {
                 seen_excluded = q.excluded_alarms;
                 seen_serializable = q.serializable;
                 bool nospace_excluded = std::find(q.excluded_alarms.begin(), q.excluded_alarms.end(),
                                                   "NOSPACE") != q.excluded_alarms.end();
                 return nospace_excluded ? HealthStatus{true, ""} : HealthStatus{false, "ALARM NOSPACE"};
               }));
  Start();
  ClientResponse bad = testing::Get(port_, "/health");
  EXPECT_EQ(bad.status, 503);
  EXPECT_EQ(bad.body, "{\"health\":\"false\",\"reason\":\"ALARM NOSPACE\"}\n");
  EXPECT_FALSE(seen_serializable);
  ClientResponse ok = testing::Get(port_, "/health?exclude=NOSPACE&serializable=true");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "{\"health\":\"true\",\"reason\":\"\"}");
  EXPECT_EQ(seen_excluded, std::vector<std::string>{"NOSPACE"});
  EXPECT_TRUE(seen_serializable);
}

TEST_F(ServerTest, LivezAndReadyz) {
  std::atomic<bool> linearizable_ok{false};
  InstallProbe(mux_.get(), "/livez", {{"serializable_read", [] { return Status::Ok(); }}});
  InstallProbe(mux_.get(), "/readyz",
               {{"data_corruption", [] { return Status::Ok(); }},
                {"serializable_read", [] { return Status::Ok(); }},
                {"linearizable_read", [&] {
                   return linearizable_ok ? Status::Ok() : Status::Unavailable("etcdserver: no leader");
                 }}});
  Start();
  EXPECT_EQ(testing::Get(port_, "/livez").body, "ok\n");
  EXPECT_EQ(testing::Get(port_, "/livez?verbose").body, "[+]serializable_read ok\nok\n");
  ClientResponse notready = testing::Get(port_, "/readyz");
  EXPECT_EQ(notready.status, 503);
  EXPECT_EQ(notready.body,
            "[+]data_corruption ok\n[+]serializable_read ok\n[-]linearizable_read failed: etcdserver: no "
            "leader\n\n");
  EXPECT_EQ(testing::Get(port_, "/readyz?exclude=linearizable_read").status, 200);
  EXPECT_EQ(testing::Get(port_, "/readyz/serializable_read?verbose").body, "[+]serializable_read ok\nok\n");
  linearizable_ok = true;
  EXPECT_EQ(testing::Get(port_, "/readyz").status, 200);
}

TEST_F(ServerTest, MetricsEndpointContentType) {
  mux_->Handle("/metrics", MetricsHandler([] { return std::string("# TYPE x counter\nx 1\n"); }));
  Start();
  ClientResponse r = testing::Get(port_, "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "# TYPE x counter\nx 1\n");
  EXPECT_NE(r.head.find("Content-Type: text/plain; version=0.0.4; charset=utf-8"), std::string::npos);
}

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  std::atomic<int> calls{0};
  mux_->Handle("/n", [&](const Request& r, Response* w) { w->body = std::to_string(++calls) + r.body; });
  Start();
  int fd = testing::Connect(port_);
  ASSERT_GE(fd, 0);
  // Two pipelined requests in one write, then a third.
  ASSERT_TRUE(testing::SendRaw(fd, "GET /n HTTP/1.1\r\n\r\nPOST /n HTTP/1.1\r\nContent-Length: 1\r\n\r\nx"));
  EXPECT_EQ(testing::ReadResponse(fd).body, "1");
  EXPECT_EQ(testing::ReadResponse(fd).body, "2x");
  ASSERT_TRUE(testing::SendRaw(fd, "GET /n HTTP/1.1\r\nConnection: close\r\n\r\n"));
  ClientResponse last = testing::ReadResponse(fd);
  EXPECT_EQ(last.body, "3");
  EXPECT_NE(last.head.find("Connection: close"), std::string::npos);
  char c;
  EXPECT_EQ(recv(fd, &c, 1, 0), 0);  // server closed
  close(fd);
}

TEST_F(ServerTest, NotFoundAndBadRequests) {
  Server::Options options;
  options.limits.max_header_bytes = 256;
  options.limits.max_body_bytes = 16;
  Start(options);
  ClientResponse nf = testing::Get(port_, "/nope");
  EXPECT_EQ(nf.status, 404);
  EXPECT_EQ(nf.body, "404 page not found\n");
  int fd = testing::Connect(port_);
  testing::SendRaw(fd, "POST /x HTTP/1.1\r\nContent-Length: 100\r\n\r\n");
  EXPECT_EQ(testing::ReadResponse(fd).status, 413);
  close(fd);
  fd = testing::Connect(port_);
  testing::SendRaw(fd, "GET /x HTTP/1.1\r\nX: " + std::string(300, 'a') + "\r\n\r\n");
  EXPECT_EQ(testing::ReadResponse(fd).status, 431);
  close(fd);
}

TEST_F(ServerTest, ExpectContinueGetsInterimResponse) {
  mux_->Handle("/put", [](const Request& r, Response* w) { w->body = r.body; });
  Start();
  int fd = testing::Connect(port_);
  testing::SendRaw(fd, "PUT /put HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
  char buf[64];
  ssize_t n = recv(fd, buf, sizeof(buf), 0);
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(buf, static_cast<size_t>(n)), "HTTP/1.1 100 Continue\r\n\r\n");
  testing::SendRaw(fd, "data");
  EXPECT_EQ(testing::ReadResponse(fd).body, "data");
  close(fd);
}

TEST_F(ServerTest, StreamedResponseIsChunked) {
  mux_->Handle("/stream", [](const Request&, Response* w) {
    w->SetHeader("Content-Type", "application/json");
    w->stream = [](ChunkWriter& out) {
      out.WriteChunk("{\"a\":1}\n");
      out.WriteChunk("{\"b\":2}\n");
    };
  });
  Start();
  ClientResponse r = testing::Get(port_, "/stream");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.head.find("Transfer-Encoding: chunked"), std::string::npos);
  EXPECT_EQ(r.body, "{\"a\":1}\n{\"b\":2}\n");
}

// The per-source cap closes the OLDEST pending connection: idle sockets cannot lock out a new
// client from the same address.
TEST_F(ServerTest, PendingCapEvictsTheOldestNotTheNewest) {
  mux_->Handle("/x", [](const Request&, Response* w) { w->body = "x"; });
  Server::Options options;
  options.max_pending_per_source = 2;
  Start(options);
  int first = testing::Connect(port_);
  int second = testing::Connect(port_);
  ASSERT_GE(first, 0);
  ASSERT_GE(second, 0);
  for (int i = 0; i < 5000 && server_->PendingConnections() < 2; i++) usleep(1000);
  ASSERT_EQ(server_->PendingConnections(), 2u);
  EXPECT_EQ(testing::Get(port_, "/x").body, "x");  // a third connection: evicts `first`
  char c;
  EXPECT_EQ(recv(first, &c, 1, 0), 0);  // closed without an answer
  close(first);
  close(second);
}

TEST_F(ServerTest, PendingTimeoutClosesSilentConnections) {
  Server::Options options;
  options.pending_timeout = std::chrono::milliseconds(200);
  Start(options);
  int fd = testing::Connect(port_);
  ASSERT_GE(fd, 0);
  char c;
  EXPECT_EQ(recv(fd, &c, 1, 0), 0);  // closed by the server after ~200 ms
  close(fd);
  for (int i = 0; i < 5000 && server_->ActiveConnections() > 0; i++) usleep(1000);
  EXPECT_EQ(server_->ActiveConnections(), 0u);
}

// A streamed response whose client has gone ends at the next probe, and Stop() ends streams.
TEST_F(ServerTest, StreamEndsWhenClientGoesOrServerStops) {
  std::atomic<int> ended{0};
  mux_->Handle("/watch", [&ended](const Request&, Response* w) {
    w->stream = [&ended](ChunkWriter& out) {
      out.WriteChunk("{}\n");
      while (out.WriteChunk("")) usleep(20000);  // the gateway probes like this
      ended++;
    };
  });
  Start();
  int fd = testing::Connect(port_);
  ASSERT_TRUE(testing::SendRaw(fd, "GET /watch HTTP/1.1\r\n\r\n"));
  char buf[256];
  ASSERT_GT(recv(fd, buf, sizeof(buf), 0), 0);
  close(fd);  // the client goes
  for (int i = 0; i < 5000 && ended.load() == 0; i++) usleep(1000);
  EXPECT_EQ(ended.load(), 1);
  int fd2 = testing::Connect(port_);
  ASSERT_TRUE(testing::SendRaw(fd2, "GET /watch HTTP/1.1\r\n\r\n"));
  ASSERT_GT(recv(fd2, buf, sizeof(buf), 0), 0);
  auto t0 = std::chrono::steady_clock::now();
  server_->Stop();  // the client stays: Stop must still end the stream
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
  EXPECT_EQ(ended.load(), 2);
  close(fd2);
}

TEST_F(ServerTest, StopClosesIdleKeepAliveConnections) {
  mux_->Handle("/x", [](const Request&, Response* w) { w->body = "x"; });
  Start();
  int fd = testing::Connect(port_);
  testing::SendRaw(fd, "GET /x HTTP/1.1\r\n\r\n");
  EXPECT_EQ(testing::ReadResponse(fd).body, "x");
  server_->Stop();  // must not hang on the idle connection
  char c;
  EXPECT_EQ(recv(fd, &c, 1, 0), 0);
  close(fd);
  EXPECT_EQ(testing::Connect(port_), -1);
}

// External oracle: the real curl must be able to talk to the server: keep-alive reuse across two
// URLs, a body large enough for curl to send "Expect: 100-continue", chunked responses.
TEST_F(ServerTest, RealCurlClient) {
  if (access("/usr/bin/curl", X_OK) != 0) GTEST_SKIP() << "curl not installed";
  mux_->Handle("/version", VersionHandler([] { return std::string("3.5.0"); }));
  mux_->Handle("/echo", [](const Request& r, Response* w) { w->body = std::to_string(r.body.size()); });
  mux_->Handle("/stream", [](const Request&, Response* w) {
    w->stream = [](ChunkWriter& out) {
      for (int i = 0; i < 3; i++) out.WriteChunk("chunk" + std::to_string(i) + "\n");
    };
  });
  Start();
  auto run = [](const std::string& args) {
    std::string cmd = "/usr/bin/curl -sS --max-time 10 " + args + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
    pclose(p);
    return out;
  };
  std::string base = "http://127.0.0.1:" + std::to_string(port_);
  EXPECT_EQ(run(base + "/version"), "{\"etcdserver\":\"3.5.17\",\"etcdcluster\":\"3.5.0\"}");
  std::string verbose = run("-v " + base + "/version " + base + "/version");
  EXPECT_NE(verbose.find("Re-using existing connection"), std::string::npos) << verbose;
  std::string body(200000, 'x');
  std::string file = ::testing::TempDir() + "/curl_body";
  FILE* f = fopen(file.c_str(), "w");
  fwrite(body.data(), 1, body.size(), f);
  fclose(f);
  EXPECT_EQ(run("--data-binary @" + file + " " + base + "/echo"), "200000");
  EXPECT_EQ(run(base + "/stream"), "chunk0\nchunk1\nchunk2\n");
  EXPECT_EQ(run("-o /dev/null -w '%{http_code}' " + base + "/missing"), "404");
}

TEST_F(ServerTest, ManyConcurrentKeepAliveClients) {
  std::atomic<int> served{0};
  mux_->Handle("/n", [&](const Request& r, Response* w) {
    served++;
    w->body = r.QueryValue("i");
  });
  Start();
  constexpr int kClients = 16, kRequests = 50;
  std::atomic<int> good{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; c++) {
    clients.emplace_back([&, c] {
      int fd = testing::Connect(port_);
      if (fd < 0) return;
      std::string leftover;
      for (int i = 0; i < kRequests; i++) {
        std::string want = std::to_string(c * 1000 + i);
        if (!testing::SendRaw(fd, "GET /n?i=" + want + " HTTP/1.1\r\n\r\n")) break;
        // ReadResponse keeps per-fd state in a map; read by hand to stay thread-safe.
        char buf[4096];
        while (leftover.find("\r\n\r\n") == std::string::npos ||
               leftover.size() < leftover.find("\r\n\r\n") + 4 + want.size()) {
          ssize_t n = recv(fd, buf, sizeof(buf), 0);
          if (n <= 0) break;
          leftover.append(buf, static_cast<size_t>(n));
        }
        size_t end = leftover.find("\r\n\r\n");
        if (end == std::string::npos) break;
        if (leftover.substr(end + 4, want.size()) == want) good++;
        leftover.erase(0, end + 4 + want.size());
      }
      close(fd);
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(good.load(), kClients * kRequests);
  EXPECT_EQ(served.load(), kClients * kRequests);
}

TEST(AccessControllerTest, CorsOptionsAndV3beta) {
  auto mux = std::make_shared<Mux>();
  mux->Handle("/v3/kv/range", [](const Request& r, Response* w) { w->body = "range " + r.path; });
  Server server(Server::Options{}, ClientAccessController(mux));
  int port = 0;
  ASSERT_TRUE(server.Listen("127.0.0.1:0", nullptr, &port).ok());
  ClientResponse r = testing::Get(port, "/v3beta/kv/range", "POST");
  EXPECT_EQ(r.body, "range /v3/kv/range");
  // The three headers a real etcd 3.4 client listener sends with --cors at its default.
  EXPECT_NE(r.head.find("Access-Control-Allow-Headers: accept, content-type, authorization\r\n"),
            std::string::npos);
  EXPECT_NE(r.head.find("Access-Control-Allow-Methods: POST, GET, OPTIONS, PUT, DELETE\r\n"),
            std::string::npos);
  EXPECT_NE(r.head.find("Access-Control-Allow-Origin: *\r\n"), std::string::npos);
  ClientResponse options = testing::Get(port, "/anything", "OPTIONS");
  EXPECT_EQ(options.status, 200);
  EXPECT_EQ(options.body, "");

  Server strict(Server::Options{}, ClientAccessController(mux, {"https://ok.example"}));
  ASSERT_TRUE(strict.Listen("127.0.0.1:0", nullptr, &port).ok());
  EXPECT_EQ(testing::Get(port, "/v3/kv/range").head.find("Access-Control"), std::string::npos);
  int fd = testing::Connect(port);
  testing::SendRaw(fd,
                   "GET /v3/kv/range HTTP/1.1\r\nOrigin: https://ok.example\r\nConnection: close\r\n\r\n");
  EXPECT_NE(testing::ReadResponse(fd).head.find("Access-Control-Allow-Origin: https://ok.example"),
            std::string::npos);
  close(fd);
}

TEST(ServerListenTest, BadAddressesFail) {
  Server server({}, std::make_shared<Mux>());
  int port;
  EXPECT_FALSE(server.Listen("nonsense", nullptr, &port).ok());
  EXPECT_FALSE(server.Listen("256.1.1.1:0", nullptr, &port).ok());
  ASSERT_TRUE(server.Listen("localhost:0", nullptr, &port).ok());
  Server other({}, std::make_shared<Mux>());
  Status busy = other.Listen("127.0.0.1:" + std::to_string(port), nullptr, &port);
  EXPECT_FALSE(busy.ok());
  EXPECT_NE(busy.message().find("address already in use"), std::string::npos) << busy.message();
}

}  // namespace
}  // namespace cairn::http

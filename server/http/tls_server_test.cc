// The TLS front door end to end in one process: certificates made by the real openssl CLI
// (server/tls/testdata/make_certs.sh), clients are the real curl and gRPC's own TLS stack.
// Proves: gRPC and HTTP/1 share a TLS port; gRPC reports a connection handed over the socketpair
// as "fd:N" and PeerCommonName() finds the verified client CN by it; HTTP handlers see the CN;
// every kind of refused client is refused and reported while good clients keep working; a
// rotated certificate is served to new connections while a live gRPC connection keeps working.
#include <grpcpp/grpcpp.h>
#include <grpcpp/server_posix.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "proto/rpc.grpc.pb.h"
#include "server/http/peer_identity.h"
#include "server/http/server.h"
#include "server/http/test_client.h"

namespace cairn::http {
namespace {

std::string Shell(const std::string& cmd, int* status = nullptr) {
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int st = pclose(p);
  if (status != nullptr) *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return out;
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

class RecordingMaintenance final : public etcdserverpb::Maintenance::Service {
 public:
  grpc::Status Status(grpc::ServerContext* ctx, const etcdserverpb::StatusRequest*,
                      etcdserverpb::StatusResponse* response) override {
    std::lock_guard<std::mutex> lock(mu);
    last_peer = ctx->peer();
    last_cn = PeerCommonName(last_peer);
    response->set_version("3.5.17");
    return grpc::Status::OK;
  }
  std::mutex mu;
  std::string last_peer, last_cn;
};

class TlsServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const char* tmp = getenv("TEST_TMPDIR");
    dir_ = new std::string(std::string(tmp ? tmp : "/tmp") + "/tls_server_test");
    std::filesystem::remove_all(*dir_);
    int st = 0;
    std::string out = Shell("sh server/tls/testdata/make_certs.sh " + *dir_, &st);
    ASSERT_EQ(st, 0) << out;
  }
  static std::string P(const std::string& name) { return *dir_ + "/" + name; }

  void Start(tls::ServerTlsOptions o) {
    std::shared_ptr<tls::ServerContext> ctx;
    Status st = tls::ServerContext::Create(o, &ctx);
    ASSERT_TRUE(st.ok()) << st.message();
    grpc::ServerBuilder builder;
    builder.RegisterService(&service_);
    grpc_server_ = builder.BuildAndStart();
    auto mux = std::make_shared<Mux>();
    mux->Handle("/whoami", [](const Request& r, Response* w) {
      w->body = std::string(r.tls ? "tls " : "plain ") + r.tls_common_name;
    });
    Server::Options options;
    options.tls = ctx;
    options.on_tls_rejected = [this](const TlsRejection& r) {
      std::lock_guard<std::mutex> lock(mu_);
      rejections_.push_back(r.error);
    };
    http_ = std::make_unique<Server>(options, mux);
    grpc::Server* raw = grpc_server_.get();
    ASSERT_TRUE(http_->Listen("127.0.0.1:0", [raw](int fd) { grpc::AddInsecureChannelFromFd(raw, fd); }, &port_)
                    .ok());
  }
  tls::ServerTlsOptions Mutual() {
    tls::ServerTlsOptions o;
    o.cert_file = P("server.pem");
    o.key_file = P("server-key.pem");
    o.trusted_ca_file = P("ca.pem");
    return o;
  }
  void TearDown() override {
    if (http_) http_->Stop();
    if (grpc_server_) grpc_server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  }
  std::string Url(const std::string& path) { return "https://127.0.0.1:" + std::to_string(port_) + path; }
  std::string Curl(const std::string& args, int* status = nullptr) {
    return Shell("curl -sS --max-time 10 --cacert " + P("ca.pem") + " " + args, status);
  }
  std::unique_ptr<etcdserverpb::Maintenance::Stub> Stub(const std::string& cert, const std::string& key) {
    grpc::SslCredentialsOptions o;
    o.pem_root_certs = ReadFile(P("ca.pem"));
    o.pem_cert_chain = ReadFile(P(cert));
    o.pem_private_key = ReadFile(P(key));
    auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(port_), grpc::SslCredentials(o));
    return etcdserverpb::Maintenance::NewStub(channel);
  }
  grpc::Status Call(etcdserverpb::Maintenance::Stub* stub) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    etcdserverpb::StatusRequest req;
    etcdserverpb::StatusResponse resp;
    return stub->Status(&ctx, req, &resp);
  }
  std::vector<std::string> Rejections() {
    std::lock_guard<std::mutex> lock(mu_);
    return rejections_;
  }

  static std::string* dir_;
  RecordingMaintenance service_;
  std::unique_ptr<grpc::Server> grpc_server_;
  std::unique_ptr<Server> http_;
  int port_ = 0;
  std::mutex mu_;
  std::vector<std::string> rejections_;
};
std::string* TlsServerTest::dir_ = nullptr;

TEST_F(TlsServerTest, GrpcAndHttpsShareThePortAndSeeTheClientCn) {
  Start(Mutual());
  EXPECT_EQ(Curl("--cert " + P("client.pem") + " --key " + P("client-key.pem") + " " + Url("/whoami")),
            "tls root");
  auto stub = Stub("client.pem", "client-key.pem");
  grpc::Status st = Call(stub.get());
  ASSERT_TRUE(st.ok()) << st.error_message();
  std::lock_guard<std::mutex> lock(service_.mu);
  EXPECT_EQ(service_.last_peer.rfind("fd:", 0), 0u) << service_.last_peer;  // gRPC's name for the fd
  EXPECT_EQ(service_.last_cn, "root");
}

TEST_F(TlsServerTest, RefusedClientsAreRefusedAndReported) {
  tls::ServerTlsOptions o = Mutual();
  o.crl_file = P("crl.pem");
  Start(o);
  int status = 0;
  Curl(Url("/whoami"), &status);  // no client certificate
  EXPECT_NE(status, 0);
  Curl("--cert " + P("expired.pem") + " --key " + P("expired-key.pem") + " " + Url("/whoami"), &status);
  EXPECT_NE(status, 0);
  Curl("--cert " + P("revoked.pem") + " --key " + P("revoked-key.pem") + " " + Url("/whoami"), &status);
  EXPECT_NE(status, 0);
  Curl("--cert " + P("other.pem") + " --key " + P("other-key.pem") + " " + Url("/whoami"), &status);
  EXPECT_NE(status, 0);
  // Plaintext HTTP on the TLS port: closed without an answer, as etcd does.
  int fd = testing::Connect(port_);
  ASSERT_TRUE(testing::SendRaw(fd, "GET /whoami HTTP/1.1\r\n\r\n"));
  char c;
  EXPECT_LE(recv(fd, &c, 1, 0), 0);
  close(fd);
  // Everyone else is still served.
  EXPECT_EQ(Curl("--cert " + P("client.pem") + " --key " + P("client-key.pem") + " " + Url("/whoami")),
            "tls root");
  // Nothing leaks: every refused or finished connection is gone from the loop (none is gRPC's).
  for (int i = 0; i < 5000 && http_->ActiveConnections() > 0; i++) usleep(1000);
  EXPECT_EQ(http_->ActiveConnections(), 0u);
  std::vector<std::string> r = Rejections();
  ASSERT_EQ(r.size(), 5u);
  std::string all;
  for (const std::string& e : r) all += e + "\n";
  EXPECT_NE(all.find("peer did not return a certificate"), std::string::npos) << all;
  EXPECT_NE(all.find("certificate has expired"), std::string::npos) << all;
  EXPECT_NE(all.find("certificate revoked"), std::string::npos) << all;
  EXPECT_NE(all.find("unable to get local issuer certificate"), std::string::npos) << all;
  EXPECT_NE(all.find("tls: first record does not look like a TLS handshake"), std::string::npos) << all;
}

// A flood of refused handshakes is reported at most 10 times a second; the rest are counted.
TEST_F(TlsServerTest, RejectionReportsAreRateLimited) {
  Start(Mutual());
  for (int i = 0; i < 40; i++) {
    int fd = testing::Connect(port_);
    ASSERT_TRUE(testing::SendRaw(fd, "GET / HTTP/1.1\r\n\r\n"));
    char c;
    recv(fd, &c, 1, 0);  // closed by the server
    close(fd);
  }
  std::vector<std::string> r = Rejections();
  EXPECT_GE(r.size(), 10u);
  EXPECT_LE(r.size(), 20u);  // at most 10 per second, and the loop took < 2 s
}

TEST_F(TlsServerTest, RotatedCertificateIsServedWhileALiveClientKeepsWorking) {
  const std::string cert = P("live-cert.pem"), key = P("live-key.pem");
  std::filesystem::copy_file(P("server.pem"), cert, std::filesystem::copy_options::overwrite_existing);
  std::filesystem::copy_file(P("server-key.pem"), key, std::filesystem::copy_options::overwrite_existing);
  tls::ServerTlsOptions o = Mutual();
  o.cert_file = cert;
  o.key_file = key;
  Start(o);
  auto stub = Stub("client.pem", "client-key.pem");
  ASSERT_TRUE(Call(stub.get()).ok());
  const std::string client = "--cert " + P("client.pem") + " --key " + P("client-key.pem") + " ";
  EXPECT_NE(Curl("-v " + client + Url("/whoami")).find("subject: CN=server\n"), std::string::npos);
  // Rotate: write the new pair beside, then rename over (what cert-manager & co. do).
  std::filesystem::copy_file(P("server2.pem"), cert + ".new");
  std::filesystem::copy_file(P("server2-key.pem"), key + ".new");
  std::filesystem::rename(key + ".new", key);
  std::filesystem::rename(cert + ".new", cert);
  std::string out = Curl("-v " + client + Url("/whoami"));
  EXPECT_NE(out.find("subject: CN=server2\n"), std::string::npos) << out;
  for (int i = 0; i < 10; i++) ASSERT_TRUE(Call(stub.get()).ok());  // the live connection
}

}  // namespace
}  // namespace cairn::http

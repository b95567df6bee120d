// Peer TLS on loopback with certificates made by the real openssl CLI
// (CRAFT.md §11): mutual TLS exchange, allowed-CN enforcement, refusal of
// clients without a certificate when client-cert auth is on.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <thread>

#include "raft/transport/grpc_transport.h"

namespace cairn::raft::transport {
namespace {

using namespace std::chrono_literals;

constexpr const char* kOpenssl = "/usr/bin/openssl";

class Recorder final : public PeerHandler {
 public:
  Status Receive(Message m) override {
    received_++;
    by_sender_[m.from & 7]++;
    return Status::Ok();
  }
  Status ReceiveSnapshot(Message, const std::string&) override { return Status::Ok(); }
  void ReportUnreachable(NodeId) override { unreachable_++; }
  void ReportSnapshot(NodeId, bool) override {}
  std::atomic<int> received_{0};
  std::atomic<int> by_sender_[8] = {};
  std::atomic<int> unreachable_{0};
};

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const char* tmp = getenv("TEST_TMPDIR");
    std::string tmpl = std::string(tmp ? tmp : "/tmp") + "/peertlsXXXXXX";
    dir_ = new std::string(mkdtemp(tmpl.data()));
    if (access(kOpenssl, X_OK) != 0) return;
    const std::string d = *dir_;
    const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes ";
    std::string script =
        "set -e; cd " + d + "; O=" + kOpenssl + "; " + "$O req -x509" + ec +
        "-keyout ca.key -out ca.crt -days 2 -subj /CN=cairn-test-ca; " +
        "printf 'subjectAltName=IP:127.0.0.1\\nextendedKeyUsage=serverAuth,clientAuth\\n' > ext; ";
    for (const char* m : {"member1", "member2"}) {
      script += std::string("$O req") + ec + "-keyout " + m + ".key -out " + m + ".csr -subj /CN=" + m +
                "; " + "$O x509 -req -in " + m +
                ".csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile ext " + "-out " + m +
                ".crt; ";
    }
    {
      std::ofstream f(d + "/make_certs.sh");
      f << script << "\n";
    }
    ok_ = std::system(("/bin/sh " + d + "/make_certs.sh >" + d + "/make_certs.log 2>&1").c_str()) == 0;
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }
  void SetUp() override {
    if (access(kOpenssl, X_OK) != 0) GTEST_SKIP() << "no " << kOpenssl;
    ASSERT_TRUE(ok_) << "openssl could not make the test certificates";
  }

  static TlsOptions Tls(const std::string& member, const std::string& allowed_cn = "") {
    TlsOptions t;
    t.cert_file = *dir_ + "/" + member + ".crt";
    t.key_file = *dir_ + "/" + member + ".key";
    t.trusted_ca_file = *dir_ + "/ca.crt";
    t.client_cert_auth = true;
    t.allowed_cn = allowed_cn;
    return t;
  }
  static Status Start(NodeId id, TlsOptions tls, Recorder* h, std::unique_ptr<GrpcTransport>* out) {
    TransportOptions o;
    o.id = id;
    o.listen_url = "https://127.0.0.1:0";
    o.tls = std::move(tls);
    o.handler = h;
    o.snapshot_dir = *dir_;
    o.backoff_initial = 10ms;
    o.backoff_max = 50ms;
    return GrpcTransport::Start(std::move(o), out);
  }
  static Message Heartbeat(NodeId from, NodeId to) {
    Message m;
    m.type = MessageType::kHeartbeat;
    m.from = from;
    m.to = to;
    m.term = 1;
    return m;
  }
  // Sends heartbeats from `a` to node `to` until `pred` or the timeout.
  static bool SendUntil(GrpcTransport& a, NodeId from, NodeId to, const std::function<bool()>& pred) {
    for (int i = 0; i < 300 && !pred(); ++i) {
      a.Send({Heartbeat(from, to)});
      std::this_thread::sleep_for(10ms);
    }
    return pred();
  }

  static std::string* dir_;
  static bool ok_;
};

std::string* TlsTest::dir_ = nullptr;
bool TlsTest::ok_ = false;

TEST_F(TlsTest, MutualTlsExchange) {
  Recorder h1, h2;
  std::unique_ptr<GrpcTransport> t1, t2;
  ASSERT_TRUE(Start(1, Tls("member1", "member2"), &h1, &t1).ok());
  ASSERT_TRUE(Start(2, Tls("member2", "member1"), &h2, &t2).ok());
  ASSERT_TRUE(t1->AddPeer(2, "https://127.0.0.1:" + std::to_string(t2->port())).ok());
  ASSERT_TRUE(t2->AddPeer(1, "https://127.0.0.1:" + std::to_string(t1->port())).ok());
  EXPECT_TRUE(SendUntil(*t1, 1, 2, [&] { return h2.received_ > 0; }));
  EXPECT_TRUE(SendUntil(*t2, 2, 1, [&] { return h1.received_ > 0; }));
}

TEST_F(TlsTest, WrongCommonNameIsRefused) {
  Recorder h1, h2;
  std::unique_ptr<GrpcTransport> t1, t2;
  ASSERT_TRUE(Start(1, Tls("member1"), &h1, &t1).ok());
  ASSERT_TRUE(Start(2, Tls("member2", "someone-else"), &h2, &t2).ok());
  ASSERT_TRUE(t1->AddPeer(2, "https://127.0.0.1:" + std::to_string(t2->port())).ok());
  // The stream is refused (PERMISSION_DENIED): the sender sees the peer unreachable.
  EXPECT_TRUE(SendUntil(*t1, 1, 2, [&] { return h1.unreachable_ > 0; }));
  EXPECT_EQ(h2.received_.load(), 0);
}

TEST_F(TlsTest, PlaintextClientIsRefused) {
  Recorder h1, h2;
  std::unique_ptr<GrpcTransport> t1, t2;
  TransportOptions o;
  o.id = 1;
  o.listen_url = "http://127.0.0.1:0";
  o.handler = &h1;
  o.snapshot_dir = *dir_;
  o.backoff_initial = 10ms;
  o.backoff_max = 50ms;
  ASSERT_TRUE(GrpcTransport::Start(std::move(o), &t1).ok());
  ASSERT_TRUE(Start(2, Tls("member2"), &h2, &t2).ok());
  ASSERT_TRUE(t1->AddPeer(2, "http://127.0.0.1:" + std::to_string(t2->port())).ok());
  EXPECT_TRUE(SendUntil(*t1, 1, 2, [&] { return h1.unreachable_ > 0; }));
  EXPECT_EQ(h2.received_.load(), 0);
}

TEST_F(TlsTest, AllowedHostnameMatchesASan) {
  Recorder h1, h2, h3;
  std::unique_ptr<GrpcTransport> t1, t2, t3;
  ASSERT_TRUE(Start(1, Tls("member1"), &h1, &t1).ok());
  TlsOptions good = Tls("member2");
  good.allowed_hostname = "127.0.0.1";  // the test certificates' IP SAN
  ASSERT_TRUE(Start(2, good, &h2, &t2).ok());
  TlsOptions bad = Tls("member2");
  bad.allowed_hostname = "etcd.example.com";
  ASSERT_TRUE(Start(3, bad, &h3, &t3).ok());
  ASSERT_TRUE(t1->AddPeer(2, "https://127.0.0.1:" + std::to_string(t2->port())).ok());
  ASSERT_TRUE(t1->AddPeer(3, "https://127.0.0.1:" + std::to_string(t3->port())).ok());
  EXPECT_TRUE(SendUntil(*t1, 1, 2, [&] { return h2.received_ > 0; }));
  EXPECT_TRUE(SendUntil(*t1, 1, 3, [&] { return h1.unreachable_ > 0; }));
  EXPECT_EQ(h3.received_.load(), 0);
}

// --peer-crl-file with a CRL made by the real `openssl ca` (server/tls/testdata/make_certs.sh).
TEST_F(TlsTest, RevokedPeerIsRefused) {
  const std::string pki = *dir_ + "/pki";
  ASSERT_EQ(std::system(("sh server/tls/testdata/make_certs.sh " + pki + " >/dev/null 2>&1").c_str()), 0);
  auto opts = [&](const std::string& name) {
    TlsOptions t;
    t.cert_file = pki + "/" + name + ".pem";
    t.key_file = pki + "/" + name + "-key.pem";
    t.trusted_ca_file = pki + "/ca.pem";
    t.client_cert_auth = true;
    return t;
  };
  Recorder h1, h2, h3;
  std::unique_ptr<GrpcTransport> t1, t2, t3;
  TlsOptions server = opts("server");
  server.crl_file = pki + "/crl.pem";
  ASSERT_TRUE(Start(1, server, &h1, &t1).ok());
  ASSERT_TRUE(Start(2, opts("client"), &h2, &t2).ok());
  ASSERT_TRUE(Start(3, opts("revoked"), &h3, &t3).ok());
  ASSERT_TRUE(t2->AddPeer(1, "https://127.0.0.1:" + std::to_string(t1->port())).ok());
  ASSERT_TRUE(t3->AddPeer(1, "https://127.0.0.1:" + std::to_string(t1->port())).ok());
  EXPECT_TRUE(SendUntil(*t2, 2, 1, [&] { return h1.by_sender_[2] > 0; }));
  EXPECT_TRUE(SendUntil(*t3, 3, 1, [&] { return h3.unreachable_ > 0; }));
  for (int i = 0; i < 20; i++) {
    t3->Send({Heartbeat(3, 1)});
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(h1.by_sender_[3].load(), 0);  // the revoked member's heartbeats never arrive
}

}  // namespace
}  // namespace cairn::raft::transport

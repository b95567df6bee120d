#include "client/client.h"

#include <gtest/gtest.h>

#include <atomic>

namespace cairn::client {
namespace {

TEST(Endpoint, Schemes) {
  Endpoint ep;
  ASSERT_TRUE(ParseEndpoint("https://127.0.0.1:2379", &ep).ok());
  EXPECT_EQ(ep.target, "127.0.0.1:2379");
  EXPECT_EQ(ep.creds, Creds::kRequire);
  ASSERT_TRUE(ParseEndpoint("http://localhost:2379/", &ep).ok());
  EXPECT_EQ(ep.target, "localhost:2379");
  EXPECT_EQ(ep.host, "localhost");
  EXPECT_EQ(ep.creds, Creds::kDrop);
  ASSERT_TRUE(ParseEndpoint("10.0.0.1:2379", &ep).ok());
  EXPECT_EQ(ep.creds, Creds::kOptional);
  ASSERT_TRUE(ParseEndpoint("unix:///tmp/etcd.sock", &ep).ok());
  EXPECT_EQ(ep.target, "unix:/tmp/etcd.sock");
  ASSERT_TRUE(ParseEndpoint("unixs://s.sock", &ep).ok());
  EXPECT_EQ(ep.creds, Creds::kRequire);
  EXPECT_FALSE(ParseEndpoint("foo://bar:1", &ep).ok());  // Client treats it as never ready
  EXPECT_FALSE(ParseEndpoint("http://", &ep).ok());
  EXPECT_FALSE(ParseEndpoint("", &ep).ok());
}

TEST(Errors, GoText) {
  EXPECT_EQ(GoErrorString(grpc::Status(grpc::StatusCode::OUT_OF_RANGE,
                                       "etcdserver: mvcc: required revision has been compacted")),
            "etcdserver: mvcc: required revision has been compacted");
  EXPECT_EQ(GoErrorString(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "Deadline Exceeded"), true),
            "context deadline exceeded");
  EXPECT_EQ(GoErrorString(grpc::Status(grpc::StatusCode::UNAVAILABLE, "x")),
            "rpc error: code = Unavailable desc = x");
}

TEST(Dial, UnreadableCertIsGoError) {
  Endpoint ep;
  ASSERT_TRUE(ParseEndpoint("https://127.0.0.1:1", &ep).ok());
  TlsFiles tls;
  tls.cacert_file = "/nonexistent/ca.pem";
  std::shared_ptr<grpc::ChannelCredentials> creds;
  const Status s = MakeCredentials(ep, tls, &creds);
  EXPECT_EQ(s.message(), "open /nonexistent/ca.pem: no such file or directory");
}

// A KV service answering Range with its own name, and counting token metadata.
class NamedKv final : public etcdserverpb::KV::Service {
 public:
  explicit NamedKv(std::string name) : name_(std::move(name)) {}
  grpc::Status Range(grpc::ServerContext* ctx, const etcdserverpb::RangeRequest*,
                     etcdserverpb::RangeResponse* resp) override {
    if (ctx->client_metadata().count("token") != 0) tokens_++;
    resp->add_kvs()->set_value(name_);
    return grpc::Status::OK;
  }
  std::atomic<int> tokens_{0};

 private:
  std::string name_;
};

struct TestServer {
  explicit TestServer(const std::string& name) : kv(name) {
    grpc::ServerBuilder b;
    b.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    b.RegisterService(&kv);
    server = b.BuildAndStart();
  }
  NamedKv kv;
  int port = 0;
  std::unique_ptr<grpc::Server> server;
};

int FreePortOfStoppedServer() {
  TestServer s("gone");
  const int port = s.port;
  s.server->Shutdown();
  return port;
}

TEST(Client, FailsOverToTheLiveEndpoint) {
  const int dead = FreePortOfStoppedServer();
  TestServer live("live");
  Options o;
  o.endpoints = {"127.0.0.1:" + std::to_string(dead), "http://127.0.0.1:" + std::to_string(live.port)};
  std::unique_ptr<Client> c;
  ASSERT_TRUE(Client::Open(o, &c).ok());
  for (int i = 0; i < 3; ++i) {
    etcdserverpb::RangeResponse resp;
    const Status s = c->Unary(&etcdserverpb::KV::Stub::Range, etcdserverpb::RangeRequest(), &resp,
                              Clock::now() + std::chrono::seconds(20), Idempotence::kImmutable);
    ASSERT_TRUE(s.ok()) << s.message();
    EXPECT_EQ(resp.kvs(0).value(), "live");
  }
}

TEST(Client, AllDownIsContextDeadlineExceeded) {
  const int dead = FreePortOfStoppedServer();
  Options o;
  o.endpoints = {"127.0.0.1:" + std::to_string(dead), "foo://malformed:1"};
  std::unique_ptr<Client> c;
  ASSERT_TRUE(Client::Open(o, &c).ok());
  etcdserverpb::RangeResponse resp;
  const Status s = c->Unary(&etcdserverpb::KV::Stub::Range, etcdserverpb::RangeRequest(), &resp,
                            Clock::now() + std::chrono::milliseconds(300), Idempotence::kImmutable);
  EXPECT_EQ(s.message(), "context deadline exceeded");
}

}  // namespace
}  // namespace cairn::client

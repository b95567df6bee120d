// One port, two protocols, as etcd serves its client URLs: gRPC (HTTP/2) connections are handed
// to a grpc::Server through AddInsecureChannelFromFd; HTTP/1.1 requests are answered by the Mux.
#include <grpcpp/grpcpp.h>
#include <grpcpp/server_posix.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <thread>

#include "proto/rpc.grpc.pb.h"
#include "server/http/handlers.h"
#include "server/http/server.h"
#include "server/http/test_client.h"

namespace cairn::http {
namespace {

// A stand-in Maintenance service: only Status, answering the reported etcd version.
class FakeMaintenance final : public etcdserverpb::Maintenance::Service {
 public:
  grpc::Status Status(grpc::ServerContext*, const etcdserverpb::StatusRequest*,
                      etcdserverpb::StatusResponse* response) override {
    response->set_version("3.5.17");
    response->set_dbsize(4096);
    response->mutable_header()->set_cluster_id(0xcdf818194e3a8c32ULL);
    response->mutable_header()->set_member_id(0x8e9e05c52164694dULL);
    response->set_leader(0x8e9e05c52164694dULL);
    return grpc::Status::OK;
  }
};

class PortMuxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.RegisterService(&service_);
    grpc_server_ = builder.BuildAndStart();  // no ports of its own
    ASSERT_NE(grpc_server_, nullptr);
    auto mux = std::make_shared<Mux>();
    mux->Handle("/version", VersionHandler([] { return std::string("3.5.0"); }));
    http_ = std::make_unique<Server>(Server::Options{}, mux);
    grpc::Server* raw = grpc_server_.get();
    ASSERT_TRUE(http_
                    ->Listen(
                        "127.0.0.1:0", [raw](int fd) { grpc::AddInsecureChannelFromFd(raw, fd); }, &port_)
                    .ok());
  }
  void TearDown() override {
    http_->Stop();
    grpc_server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  }

  FakeMaintenance service_;
  std::unique_ptr<grpc::Server> grpc_server_;
  std::unique_ptr<Server> http_;
  int port_ = 0;
};

TEST_F(PortMuxTest, GrpcAndHttpShareOnePort) {
  auto channel =
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port_), grpc::InsecureChannelCredentials());
  auto stub = etcdserverpb::Maintenance::NewStub(channel);
  // Interleave gRPC calls and HTTP requests, from two threads.
  std::thread http_thread([&] {
    for (int i = 0; i < 20; i++) {
      testing::ClientResponse r = testing::Get(port_, "/version");
      EXPECT_EQ(r.status, 200);
      EXPECT_EQ(r.body, "{\"etcdserver\":\"3.5.17\",\"etcdcluster\":\"3.5.0\"}");
    }
  });
  for (int i = 0; i < 20; i++) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    etcdserverpb::StatusRequest req;
    etcdserverpb::StatusResponse resp;
    grpc::Status st = stub->Status(&ctx, req, &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
    EXPECT_EQ(resp.version(), "3.5.17");
  }
  http_thread.join();
}

// External oracle: the real etcdctl (Debian's etcd-client) talks gRPC to the shared port.
TEST_F(PortMuxTest, RealEtcdctlReachesTheGrpcSide) {
  if (access("/usr/bin/etcdctl", X_OK) != 0) GTEST_SKIP() << "etcdctl not installed";
  std::string cmd =
      "env -i ETCDCTL_API=3 /usr/bin/etcdctl --dial-timeout=5s --command-timeout=10s "
      "--endpoints=http://127.0.0.1:" +
      std::to_string(port_) + " endpoint status -w json 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  EXPECT_EQ(pclose(p), 0) << out;
  EXPECT_NE(out.find("\"version\":\"3.5.17\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"dbSize\":4096"), std::string::npos) << out;
}

TEST_F(PortMuxTest, Http2WithoutHandoffIsClosed) {
  auto mux = std::make_shared<Mux>();
  Server http_only(Server::Options{}, mux);
  int port = 0;
  ASSERT_TRUE(http_only.Listen("127.0.0.1:0", nullptr, &port).ok());
  int fd = testing::Connect(port);
  ASSERT_TRUE(testing::SendRaw(fd, kHttp2Preface));
  char c;
  EXPECT_LE(recv(fd, &c, 1, 0), 0);  // closed (a reset, since the preface was never read)
  close(fd);
}

}  // namespace
}  // namespace cairn::http

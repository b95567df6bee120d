// The Auth service and the caller's credentials over gRPC: tokens in the "token" and
// "authorization" metadata, etcd's codes for refusals, and CN-as-user through the connection's
// registered client-certificate CN (http::RegisterPeerIdentity, what the TLS terminator calls).
#include "server/api/auth_service.h"

#include <grpcpp/create_channel_posix.h>
#include <grpcpp/server_posix.h>
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server/api/test_cluster.h"
#include "server/http/peer_identity.h"

namespace cairn::api {
namespace {

using etcdserverpb::Auth;
using etcdserverpb::KV;

std::unique_ptr<grpc::ClientContext> Ctx(const std::string& key = "", const std::string& token = "") {
  auto c = std::make_unique<grpc::ClientContext>();
  c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  if (!key.empty()) c->AddMetadata(key, token);
  return c;
}

// root (root role) and alice (readwrite [a, b)), then auth on; all through the Auth service.
void SetUpAuth(Auth::Stub* auth) {
  etcdserverpb::AuthUserAddRequest ua;
  etcdserverpb::AuthUserAddResponse uar;
  ua.set_name("root");
  ua.set_password("rootpw");
  ASSERT_TRUE(auth->UserAdd(Ctx().get(), ua, &uar).ok());
  ua.set_name("alice");
  ua.set_password("alicepw");
  ASSERT_TRUE(auth->UserAdd(Ctx().get(), ua, &uar).ok());
  ua.set_name("carol");
  ua.clear_password();
  ua.mutable_options()->set_no_password(true);
  ASSERT_TRUE(auth->UserAdd(Ctx().get(), ua, &uar).ok());
  etcdserverpb::AuthUserGrantRoleRequest g;
  etcdserverpb::AuthUserGrantRoleResponse gr;
  g.set_user("root");
  g.set_role("root");
  ASSERT_TRUE(auth->UserGrantRole(Ctx().get(), g, &gr).ok());
  etcdserverpb::AuthRoleAddRequest ra;
  etcdserverpb::AuthRoleAddResponse rar;
  ra.set_name("ab");
  ASSERT_TRUE(auth->RoleAdd(Ctx().get(), ra, &rar).ok());
  etcdserverpb::AuthRoleGrantPermissionRequest p;
  etcdserverpb::AuthRoleGrantPermissionResponse pr;
  p.set_name("ab");
  p.mutable_perm()->set_permtype(authpb::Permission::READWRITE);
  p.mutable_perm()->set_key("a");
  p.mutable_perm()->set_range_end("b");
  ASSERT_TRUE(auth->RoleGrantPermission(Ctx().get(), p, &pr).ok());
  for (const char* user : {"alice", "carol"}) {
    g.set_user(user);
    g.set_role("ab");
    ASSERT_TRUE(auth->UserGrantRole(Ctx().get(), g, &gr).ok());
  }
  etcdserverpb::AuthEnableResponse er;
  ASSERT_TRUE(auth->AuthEnable(Ctx().get(), {}, &er).ok());
}

grpc::Status PutAs(KV::Stub* kv, const std::string& key, const std::string& md_key = "",
                   const std::string& token = "") {
  etcdserverpb::PutRequest put;
  put.set_key(key);
  put.set_value("v");
  etcdserverpb::PutResponse resp;
  return kv->Put(Ctx(md_key, token).get(), put, &resp);
}

TEST(AuthServiceTest, TokensInMetadataAndEtcdsCodes) {
  testing::TestMember m;
  auto auth = Auth::NewStub(m.channel);
  auto kv = KV::NewStub(m.channel);
  SetUpAuth(auth.get());
  etcdserverpb::AuthStatusResponse st;
  ASSERT_TRUE(auth->AuthStatus(Ctx().get(), {}, &st).ok());
  EXPECT_TRUE(st.enabled());
  EXPECT_GT(st.authrevision(), 1u);

  etcdserverpb::AuthenticateRequest login;
  login.set_name("alice");
  login.set_password("alicepw");
  etcdserverpb::AuthenticateResponse token;
  ASSERT_TRUE(auth->Authenticate(Ctx().get(), login, &token).ok());
  EXPECT_TRUE(PutAs(kv.get(), "a1", "token", token.token()).ok());
  EXPECT_TRUE(PutAs(kv.get(), "a2", "authorization", token.token()).ok());
  grpc::Status denied = PutAs(kv.get(), "c", "token", token.token());
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(denied.error_message(), "etcdserver: permission denied");
  grpc::Status empty = PutAs(kv.get(), "a1");
  EXPECT_EQ(empty.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(empty.error_message(), "etcdserver: user name is empty");
  grpc::Status bad = PutAs(kv.get(), "a1", "token", "abcdefghijklmnop.99");
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(bad.error_message(), "etcdserver: invalid auth token");

  login.set_password("nope");
  grpc::Status failed = auth->Authenticate(Ctx().get(), login, &token);
  EXPECT_EQ(failed.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(failed.error_message(), "etcdserver: authentication failed, invalid user ID or password");
  login.set_name("carol");
  failed = auth->Authenticate(Ctx().get(), login, &token);
  EXPECT_EQ(failed.error_code(), grpc::StatusCode::UNKNOWN);
  EXPECT_EQ(failed.error_message(), "auth: authentication failed, password was given for no password user");

  // Root-only management with alice's token.
  login.set_name("alice");
  login.set_password("alicepw");
  ASSERT_TRUE(auth->Authenticate(Ctx().get(), login, &token).ok());
  etcdserverpb::AuthUserListResponse ul;
  grpc::Status list = auth->UserList(Ctx("token", token.token()).get(), {}, &ul);
  EXPECT_EQ(list.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  etcdserverpb::AuthUserGetRequest self;
  self.set_name("alice");
  etcdserverpb::AuthUserGetResponse roles;
  ASSERT_TRUE(auth->UserGet(Ctx("token", token.token()).get(), self, &roles).ok());
  ASSERT_EQ(roles.roles_size(), 1);
  EXPECT_EQ(roles.roles(0), "ab");
}

// A client connection handed to gRPC by fd, as the TLS terminator does, with a verified CN.
struct FdClient {
  FdClient(grpc::Server* server, const std::string& cn) {
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) std::abort();
    for (int fd : fds) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);  // gRPC's fd contract
    server_fd = fds[0];
    if (!cn.empty()) http::RegisterPeerIdentity(server_fd, cn);
    grpc::AddInsecureChannelFromFd(server, server_fd);
    channel = grpc::CreateInsecureChannelFromFd("cn-test", fds[1]);
    kv = KV::NewStub(channel);
  }
  ~FdClient() { http::ForgetPeerIdentity(server_fd); }
  int server_fd = -1;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<KV::Stub> kv;
};

TEST(AuthServiceTest, ClientCertificateCnIsTheUserWithoutAToken) {
  testing::TestMember m(std::chrono::minutes(10), 1572864, /*client_cert_auth=*/true);
  SetUpAuth(Auth::NewStub(m.channel).get());
  FdClient carol(m.grpc.get(), "carol");  // a no-password user: certificate only
  EXPECT_TRUE(PutAs(carol.kv.get(), "a1").ok());
  EXPECT_EQ(PutAs(carol.kv.get(), "c").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  FdClient ghost(m.grpc.get(), "ghost");  // a CN that is no user
  EXPECT_EQ(PutAs(ghost.kv.get(), "a1").error_message(), "etcdserver: permission denied");
  FdClient anonymous(m.grpc.get(), "");  // TLS without a client certificate
  EXPECT_EQ(PutAs(anonymous.kv.get(), "a1").error_message(), "etcdserver: user name is empty");
}

TEST(AuthServiceTest, CnIsIgnoredWithoutClientCertAuth) {
  testing::TestMember m;
  SetUpAuth(Auth::NewStub(m.channel).get());
  FdClient carol(m.grpc.get(), "carol");
  EXPECT_EQ(PutAs(carol.kv.get(), "a1").error_message(), "etcdserver: user name is empty");
}

}  // namespace
}  // namespace cairn::api

// Auth through the server core (no gRPC): auth entries through the log, the recheck of writes at
// apply, stale auth revisions, tokens, and replay of the auth entries after a restart.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "server/etcdserver/errors.h"
#include "server/etcdserver/server.h"
#include "server/etcdserver/single_node_log.h"
#include "storage/backend/mem_backend.h"

namespace cairn::etcdserver {
namespace {

class ServerAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/server_auth_testXXXXXX";
    dir_ = mkdtemp(tmpl);
    Boot();
  }
  void TearDown() override {
    Shutdown();
    std::filesystem::remove_all(dir_);
  }
  void Boot() {
    ServerOptions o;
    o.member_id = 0x8e9e05c52164694dULL;
    o.cluster_id = 0xcdf818194e3a8c32ULL;
    o.bcrypt_cost = 4;
    o.client_cert_auth = true;
    wal::Options wo;
    wo.segment_bytes = 1 << 20;
    wo.log = [](std::string_view) {};
    ASSERT_TRUE(wal::Wal::Open(dir_, wo, &wal_).ok());
    backend_ = std::make_unique<backend::MemBackend>();
    log_ = std::make_unique<SingleNodeLog>(wal_.get(), SingleNodeLog::Options{.member_id = o.member_id});
    ASSERT_TRUE(EtcdServer::Open(o, backend_.get(), log_.get(), &server_).ok());
  }
  void Shutdown() {
    server_.reset();
    log_.reset();
    backend_.reset();
    wal_.reset();
  }
  // root/rootpw with the root role, alice/alicepw with read-write on [a, b) and read on "k", auth on.
  void SetUpUsers() {
    etcdserverpb::AuthUserAddRequest ua;
    etcdserverpb::AuthUserAddResponse uar;
    ua.set_name("root");
    ua.set_password("rootpw");
    ASSERT_TRUE(server_->UserAdd(kNoCaller, ua, &uar).ok());
    ua.set_name("alice");
    ua.set_password("alicepw");
    ASSERT_TRUE(server_->UserAdd(kNoCaller, ua, &uar).ok());
    etcdserverpb::AuthUserGrantRoleRequest g;
    etcdserverpb::AuthUserGrantRoleResponse gr;
    g.set_user("root");
    g.set_role("root");
    ASSERT_TRUE(server_->UserGrantRole(kNoCaller, g, &gr).ok());
    etcdserverpb::AuthRoleAddRequest ra;
    etcdserverpb::AuthRoleAddResponse rar;
    ra.set_name("ab");
    ASSERT_TRUE(server_->RoleAdd(kNoCaller, ra, &rar).ok());
    etcdserverpb::AuthRoleGrantPermissionRequest p;
    etcdserverpb::AuthRoleGrantPermissionResponse pr;
    p.set_name("ab");
    p.mutable_perm()->set_permtype(authpb::Permission::READWRITE);
    p.mutable_perm()->set_key("a");
    p.mutable_perm()->set_range_end("b");
    ASSERT_TRUE(server_->RoleGrantPermission(kNoCaller, p, &pr).ok());
    p.mutable_perm()->set_permtype(authpb::Permission::READ);
    p.mutable_perm()->set_key("k");
    p.mutable_perm()->clear_range_end();
    ASSERT_TRUE(server_->RoleGrantPermission(kNoCaller, p, &pr).ok());
    g.set_user("alice");
    g.set_role("ab");
    ASSERT_TRUE(server_->UserGrantRole(kNoCaller, g, &gr).ok());
    etcdserverpb::AuthEnableResponse er;
    ASSERT_TRUE(server_->AuthEnable(kNoCaller, &er).ok());
  }
  auth::AuthInfo Login(const std::string& user, const std::string& pw) {
    etcdserverpb::AuthenticateRequest req;
    req.set_name(user);
    req.set_password(pw);
    etcdserverpb::AuthenticateResponse resp;
    Status st = server_->Authenticate(req, &resp);
    EXPECT_TRUE(st.ok()) << st.message();
    auth::AuthInfo who;
    EXPECT_TRUE(server_->AuthInfoFrom(resp.token(), "", &who).ok());
    return who;
  }
  Status Put(const std::string& k, const auth::AuthInfo& who, bool prev_kv = false) {
    etcdserverpb::PutRequest req;
    req.set_key(k);
    req.set_value("v");
    req.set_prev_kv(prev_kv);
    etcdserverpb::PutResponse resp;
    return server_->Put(req, &resp, who);
  }
  Status Get(const std::string& k, const std::string& end, const auth::AuthInfo& who) {
    etcdserverpb::RangeRequest req;
    req.set_key(k);
    req.set_range_end(end);
    etcdserverpb::RangeResponse resp;
    return server_->Range(req, &resp, who);
  }

  std::string dir_;
  std::unique_ptr<wal::Wal> wal_;
  std::unique_ptr<backend::MemBackend> backend_;
  std::unique_ptr<SingleNodeLog> log_;
  std::unique_ptr<EtcdServer> server_;
};

TEST_F(ServerAuthTest, ChecksWritesAtApplyAndReadsBefore) {
  SetUpUsers();
  const auth::AuthInfo alice = Login("alice", "alicepw");
  const auth::AuthInfo root = Login("root", "rootpw");
  EXPECT_EQ(alice.username, "alice");
  EXPECT_TRUE(Put("a1", alice).ok());
  EXPECT_EQ(Put("c", alice).message(), kErrPermissionDenied);
  EXPECT_EQ(Put("k", alice).message(), kErrPermissionDenied);  // read only
  EXPECT_TRUE(Put("k", root).ok());
  EXPECT_EQ(Put("x", kNoCaller).message(), kErrUserEmpty);
  EXPECT_TRUE(Get("k", "", alice).ok());
  EXPECT_TRUE(Get("a", "b", alice).ok());
  EXPECT_EQ(Get("a", "c", alice).message(), kErrPermissionDenied);
  EXPECT_EQ(Get("a", std::string("\0", 1), alice).message(), kErrPermissionDenied);
  // A txn whose failure branch writes outside the user's range is refused as a whole.
  etcdserverpb::TxnRequest txn;
  auto* cmp = txn.add_compare();
  cmp->set_key("a1");
  cmp->set_target(etcdserverpb::Compare::VERSION);
  cmp->set_version(0);
  txn.add_success()->mutable_request_put()->set_key("a2");
  txn.add_failure()->mutable_request_put()->set_key("zz");
  etcdserverpb::TxnResponse tr;
  EXPECT_EQ(server_->Txn(txn, &tr, alice).message(), kErrPermissionDenied);
  txn.mutable_failure(0)->mutable_request_put()->set_key("a3");
  EXPECT_TRUE(server_->Txn(txn, &tr, alice).ok());
  // Admin calls need root.
  etcdserverpb::AuthUserListResponse ul;
  EXPECT_EQ(server_->UserList(alice, &ul).message(), kErrPermissionDenied);
  ASSERT_TRUE(server_->UserList(root, &ul).ok());
  EXPECT_EQ(ul.users_size(), 2);
  etcdserverpb::AuthRoleAddRequest ra;
  ra.set_name("r2");
  etcdserverpb::AuthRoleAddResponse rar;
  EXPECT_EQ(server_->RoleAdd(alice, ra, &rar).message(), kErrPermissionDenied);
}

TEST_F(ServerAuthTest, StaleRevisionBadPasswordBadToken) {
  SetUpUsers();
  const auth::AuthInfo alice = Login("alice", "alicepw");
  const auth::AuthInfo root = Login("root", "rootpw");
  etcdserverpb::AuthRoleAddRequest ra;
  ra.set_name("later");
  etcdserverpb::AuthRoleAddResponse rar;
  ASSERT_TRUE(server_->RoleAdd(root, ra, &rar).ok());
  // `alice` was resolved before the change: the write is refused at apply.
  EXPECT_EQ(Put("a1", alice).message(), kErrAuthOldRevision);
  auth::AuthInfo fresh;
  etcdserverpb::AuthenticateRequest req;
  req.set_name("alice");
  req.set_password("wrong");
  etcdserverpb::AuthenticateResponse resp;
  EXPECT_EQ(server_->Authenticate(req, &resp).message(), kErrAuthFailed);
  EXPECT_EQ(server_->AuthInfoFrom("abcdefghijklmnop.3", "", &fresh).message(), kErrInvalidAuthToken);
  // CN-as-user: no token, a verified certificate CN.
  ASSERT_TRUE(server_->AuthInfoFrom("", "alice", &fresh).ok());
  EXPECT_EQ(fresh.username, "alice");
  EXPECT_TRUE(Put("a1", fresh).ok());
}

TEST_F(ServerAuthTest, AuthEntriesReplayAfterRestart) {
  SetUpUsers();
  Shutdown();
  Boot();  // a fresh mem backend: everything comes back from the WAL
  EXPECT_TRUE(server_->auth_store()->enabled());
  const auth::AuthInfo alice = Login("alice", "alicepw");
  EXPECT_TRUE(Put("a1", alice).ok());
  EXPECT_EQ(Put("c", alice).message(), kErrPermissionDenied);
  etcdserverpb::AuthDisableResponse dr;
  EXPECT_EQ(server_->AuthDisable(alice, &dr).message(), kErrPermissionDenied);
  EXPECT_TRUE(server_->AuthDisable(Login("root", "rootpw"), &dr).ok());
  EXPECT_TRUE(Put("c", kNoCaller).ok());
}

}  // namespace
}  // namespace cairn::etcdserver

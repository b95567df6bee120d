#include "server/auth/auth_store.h"

#include <gtest/gtest.h>

#include "server/etcdserver/errors.h"
#include "storage/backend/mem_backend.h"

namespace cairn::auth {
namespace {

namespace e = etcdserver;

class AuthStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(AuthStore::Open(&be_, &store_).ok()); }
  void Reopen() { ASSERT_TRUE(AuthStore::Open(&be_, &store_).ok()); }
  AuthInfo Who(std::string user) { return AuthInfo{std::move(user), store_->revision()}; }
  backend::MemBackend be_;
  std::unique_ptr<AuthStore> store_;
};

TEST_F(AuthStoreTest, EnableNeedsRootUserWithRootRole) {
  EXPECT_EQ(store_->AuthEnable().message(), e::kErrRootUserNotExist);
  ASSERT_TRUE(store_->UserAdd("root", "$2a$04$x", false).ok());
  EXPECT_EQ(store_->AuthEnable().message(), e::kErrRootRoleNotExist);
  ASSERT_TRUE(store_->UserGrantRole("root", "root").ok());  // the root role need not exist
  ASSERT_TRUE(store_->AuthEnable().ok());
  EXPECT_TRUE(store_->enabled());
  EXPECT_EQ(store_->UserRevokeRole("root", "root").message(), e::kErrInvalidAuthMgmt);
  EXPECT_EQ(store_->UserDelete("root").message(), e::kErrInvalidAuthMgmt);
  EXPECT_EQ(store_->RoleDelete("root").message(), e::kErrInvalidAuthMgmt);
}

TEST_F(AuthStoreTest, ErrorsAreEtcds) {
  EXPECT_EQ(store_->UserAdd("", "", true).message(), e::kErrUserEmpty);
  ASSERT_TRUE(store_->UserAdd("u", "h", false).ok());
  EXPECT_EQ(store_->UserAdd("u", "h", false).message(), e::kErrUserAlreadyExist);
  EXPECT_EQ(store_->UserGrantRole("u", "nope").message(), e::kErrRoleNotFound);
  EXPECT_EQ(store_->UserGrantRole("nope", "r").message(), e::kErrUserNotFound);
  EXPECT_EQ(store_->RoleAdd("").message(), e::kErrRoleEmpty);
  ASSERT_TRUE(store_->RoleAdd("r").ok());
  EXPECT_EQ(store_->RoleAdd("r").message(), e::kErrRoleAlreadyExist);
  EXPECT_EQ(store_->UserRevokeRole("u", "r").message(), e::kErrRoleNotGranted);
  EXPECT_EQ(store_->RoleRevokePermission("r", "k", "").message(), e::kErrPermissionNotGranted);
  EXPECT_EQ(store_->RoleDelete("zz").message(), e::kErrRoleNotFound);
  EXPECT_EQ(store_->UserDelete("zz").message(), e::kErrUserNotFound);
}

TEST_F(AuthStoreTest, PermissionsFollowRolesAndRevision) {
  ASSERT_TRUE(store_->UserAdd("root", "h", false).ok());
  ASSERT_TRUE(store_->UserGrantRole("root", "root").ok());
  ASSERT_TRUE(store_->UserAdd("alice", "h", false).ok());
  ASSERT_TRUE(store_->RoleAdd("r").ok());
  authpb::Permission p;
  p.set_permtype(authpb::Permission::READ);
  p.set_key("a");
  p.set_range_end("b");
  ASSERT_TRUE(store_->RoleGrantPermission("r", p).ok());
  ASSERT_TRUE(store_->UserGrantRole("alice", "r").ok());
  // Auth off: everything is allowed, credentials or not.
  EXPECT_TRUE(store_->CheckWrite(AuthInfo{}, "zzz", "").ok());
  ASSERT_TRUE(store_->AuthEnable().ok());
  EXPECT_EQ(store_->CheckRead(AuthInfo{}, "a", "").message(), e::kErrUserEmpty);
  EXPECT_TRUE(store_->CheckRead(Who("alice"), "a1", "").ok());
  EXPECT_EQ(store_->CheckWrite(Who("alice"), "a1", "").message(), e::kErrPermissionDenied);
  EXPECT_EQ(store_->CheckRead(Who("alice"), "a", std::string("\0", 1)).message(), e::kErrPermissionDenied);
  EXPECT_TRUE(store_->CheckWrite(Who("root"), "anything", "").ok());
  EXPECT_TRUE(store_->CheckAdmin(Who("root")).ok());
  EXPECT_EQ(store_->CheckAdmin(Who("alice")).message(), e::kErrPermissionDenied);
  EXPECT_EQ(store_->CheckAdmin(Who("ghost")).message(), e::kErrUserNotFound);
  const AuthInfo old = Who("alice");
  ASSERT_TRUE(store_->UserRevokeRole("alice", "r").ok());
  EXPECT_EQ(store_->CheckRead(old, "a1", "").message(), e::kErrAuthOldRevision);
  EXPECT_EQ(store_->CheckRead(Who("alice"), "a1", "").message(), e::kErrPermissionDenied);
}

TEST_F(AuthStoreTest, EtcdsOnDiskRecordsAndReload) {
  ASSERT_TRUE(store_->UserAdd("root", "hash", false).ok());
  ASSERT_TRUE(store_->UserGrantRole("root", "root").ok());
  ASSERT_TRUE(store_->AuthEnable().ok());
  std::unique_ptr<backend::ReadView> v = be_.Read();
  std::string_view val;
  ASSERT_TRUE(v->UnsafeGet(kAuthBucket, kAuthEnabledKey, &val));
  EXPECT_EQ(val, std::string_view("\1", 1));
  ASSERT_TRUE(v->UnsafeGet(kAuthBucket, kAuthRevisionKey, &val));
  // 1 at creation (etcd NewAuthStore), + two changes; enable does not count.
  EXPECT_EQ(val, std::string_view("\0\0\0\0\0\0\0\3", 8));
  ASSERT_TRUE(v->UnsafeGet(kAuthUsersBucket, "root", &val));
  authpb::User u;
  ASSERT_TRUE(u.ParseFromArray(val.data(), static_cast<int>(val.size())));
  EXPECT_EQ(u.password(), "hash");
  ASSERT_EQ(u.roles_size(), 1);
  // gogo marshals User{Name, Password, Roles, Options: &UserAddOptions{}} as: 0a 04 root 12 04 hash
  // 1a 04 root 22 00.
  EXPECT_EQ(val, std::string_view("\x0a\x04root\x12\x04hash\x1a\x04root\x22\x00", 20));
  Reopen();
  EXPECT_TRUE(store_->enabled());
  EXPECT_EQ(store_->revision(), 3u);
  EXPECT_TRUE(store_->HasRole("root", "root"));
}

TEST_F(AuthStoreTest, RoleDeleteDropsItFromUsersAndDisableBumpsRevision) {
  ASSERT_TRUE(store_->UserAdd("u", "h", true).ok());
  ASSERT_TRUE(store_->RoleAdd("r").ok());
  ASSERT_TRUE(store_->UserGrantRole("u", "r").ok());
  ASSERT_TRUE(store_->RoleDelete("r").ok());
  EXPECT_FALSE(store_->HasRole("u", "r"));
  EXPECT_FALSE(store_->AuthDisable());  // already off: nothing written
}

}  // namespace
}  // namespace cairn::auth

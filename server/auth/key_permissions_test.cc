#include "server/auth/key_permissions.h"

#include <gtest/gtest.h>

namespace cairn::auth {
namespace {

authpb::Permission Perm(authpb::Permission::Type t, std::string key, std::string end) {
  authpb::Permission p;
  p.set_permtype(t);
  p.set_key(std::move(key));
  p.set_range_end(std::move(end));
  return p;
}

const std::string kFromKey("\0", 1);

TEST(KeyPermissions, SingleKeyCoversOnlyThatKey) {
  KeyPermissions p;
  p.Grant(Perm(authpb::Permission::READ, "foo", ""));
  p.Finish();
  EXPECT_TRUE(p.CanRead("foo", ""));
  EXPECT_FALSE(p.CanRead("foo0", ""));
  EXPECT_FALSE(p.CanRead("fo", ""));
  EXPECT_FALSE(p.CanWrite("foo", ""));
  EXPECT_TRUE(p.CanRead("foo", std::string("foo\0", 4)));  // [foo, foo\0) is the key itself
  EXPECT_FALSE(p.CanRead("foo", "fop"));
}

TEST(KeyPermissions, RangeAndPrefix) {
  KeyPermissions p;
  p.Grant(Perm(authpb::Permission::READWRITE, "a/", "a0"));  // prefix a/
  p.Finish();
  EXPECT_TRUE(p.CanWrite("a/x", ""));
  EXPECT_TRUE(p.CanRead("a/", "a0"));
  EXPECT_TRUE(p.CanRead("a/b", "a/c"));
  EXPECT_FALSE(p.CanRead("a/", "a1"));
  EXPECT_FALSE(p.CanRead("a", ""));
  EXPECT_FALSE(p.CanRead("a0", ""));
  EXPECT_FALSE(p.CanRead("a/", kFromKey));
}

TEST(KeyPermissions, FromKeyCoversEverythingAbove) {
  KeyPermissions p;
  p.Grant(Perm(authpb::Permission::WRITE, "m", kFromKey));
  p.Finish();
  EXPECT_TRUE(p.CanWrite("m", ""));
  EXPECT_TRUE(p.CanWrite("zzz", kFromKey));
  EXPECT_TRUE(p.CanWrite("n", "\xff\xff"));
  EXPECT_FALSE(p.CanWrite("l", kFromKey));
  EXPECT_FALSE(p.CanRead("m", ""));
}

TEST(KeyPermissions, TouchingRangesMerge) {
  KeyPermissions p;
  p.Grant(Perm(authpb::Permission::READ, "b", "c"));
  p.Grant(Perm(authpb::Permission::READ, "a", "b"));
  p.Grant(Perm(authpb::Permission::READ, "x", ""));
  p.Finish();
  EXPECT_TRUE(p.CanRead("a", "c"));
  EXPECT_FALSE(p.CanRead("a", "c\x01"));
  EXPECT_TRUE(p.CanRead("x", ""));
  EXPECT_FALSE(p.CanRead("c", "x"));
}

}  // namespace
}  // namespace cairn::auth

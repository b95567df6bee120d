// TokenProvider: how an authenticated user is handed a token and how a token is resolved back
// (etcd's auth.TokenProvider). Two kinds, chosen by --auth-token:
//   simple  etcd's simple tokens: "<16 random letters>.<raft index>", held in memory on every
//           member (assigned when the Authenticate entry is applied), expiring after
//           --auth-token-ttl seconds without use (each use restarts the TTL).
//   jwt     "jwt,pub-key=FILE,priv-key=FILE,sign-method=ALG[,ttl=DURATION]": signed JWTs with
//           etcd's claims {"exp","revision","username"}; nothing is kept server-side.
//
// Threading: every method may be called from any thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "server/auth/auth_info.h"

namespace cairn::auth {

using WallClock = std::function<std::chrono::system_clock::time_point()>;

class TokenProvider {
 public:
  virtual ~TokenProvider() = default;
  // Auth was switched on / off (simple: off drops every token).
  virtual void Enable() {}
  virtual void Disable() {}
  // The user was deleted or its password changed: its tokens stop working (simple only).
  virtual void InvalidateUser(const std::string& /*user*/) {}
  // Chosen by the member proposing an Authenticate entry (simple: 16 random letters; jwt: "").
  virtual std::string GenTokenPrefix() { return ""; }
  // When the Authenticate entry at raft `index` is applied: the token of `user` at auth `revision`.
  virtual Status Assign(const std::string& user, uint64_t revision, const std::string& prefix, uint64_t index,
                        std::string* token) = 0;
  // Resolves `token`; false when it is unknown, expired or forged. `current_revision` is the
  // store's (simple tokens are valid for the current revision; a JWT carries its own).
  virtual bool Info(std::string_view token, uint64_t current_revision, AuthInfo* out) = 0;
};

// Parses an --auth-token value. `simple_ttl`: --auth-token-ttl. Errors name the option and, for
// unreadable or unusable keys, the file ("auth: invalid auth options: ..." style).
Status NewTokenProvider(std::string_view spec, std::chrono::seconds simple_ttl, WallClock clock,
                        std::unique_ptr<TokenProvider>* out);

}  // namespace cairn::auth

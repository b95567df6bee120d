// JwtTokenProvider: etcd's "jwt" tokens (auth/jwt.go, auth/options.go) signed and verified with
// OpenSSL. Header {"alg":ALG,"typ":"JWT"}, claims {"exp":unix,"revision":N,"username":NAME} (the
// order Go's encoding/json writes a map), base64url without padding. Algorithms: RS256/384/512,
// PS256/384/512, ES256/384/512 (raw r||s signatures, as JWS requires), HS256/384/512 (the
// priv-key file's bytes are the secret). With only pub-key the provider verifies but cannot sign
// (Authenticate fails with etcd's "auth: token signing attempted with verify-only key").
// A verified token is remembered (bounded cache), so later uses cost a lookup, not a signature
// verification; its exp is still checked on every use.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "server/auth/token_provider.h"

namespace cairn::auth {

class JwtTokenProvider final : public TokenProvider {
 public:
  // opts: etcd's keys pub-key, priv-key, sign-method (required), ttl (Go duration, default 5m).
  static Status Create(const std::map<std::string, std::string>& opts, WallClock clock,
                       std::unique_ptr<TokenProvider>* out);
  ~JwtTokenProvider() override;
  Status Assign(const std::string& user, uint64_t revision, const std::string& prefix, uint64_t index,
                std::string* token) override;
  bool Info(std::string_view token, uint64_t current_revision, AuthInfo* out) override;

  struct Impl;

 private:
  explicit JwtTokenProvider(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cairn::auth

// SimpleTokenProvider: etcd's "simple" tokens (auth/simple_token.go). See token_provider.h.
// Tokens live in one map guarded by a mutex; expired ones are dropped when looked up and by a
// sweep at most once per second from Assign, so the map is bounded by the logins of one TTL.
#pragma once

#include <mutex>
#include <unordered_map>

#include "server/auth/token_provider.h"

namespace cairn::auth {

class SimpleTokenProvider final : public TokenProvider {
 public:
  SimpleTokenProvider(std::chrono::seconds ttl, WallClock clock) : ttl_(ttl), clock_(std::move(clock)) {}
  void Enable() override;
  void Disable() override;
  void InvalidateUser(const std::string& user) override;
  std::string GenTokenPrefix() override;
  Status Assign(const std::string& user, uint64_t revision, const std::string& prefix, uint64_t index,
                std::string* token) override;
  bool Info(std::string_view token, uint64_t current_revision, AuthInfo* out) override;
  size_t size_for_test();

 private:
  struct Entry {
    std::string user;
    std::chrono::system_clock::time_point deadline;
  };
  const std::chrono::seconds ttl_;
  const WallClock clock_;
  std::mutex mu_;
  bool enabled_ = false;
  std::unordered_map<std::string, Entry> tokens_;
  std::chrono::system_clock::time_point last_sweep_{};
};

// etcd's simple token shape: "<prefix>.<decimal index>".
bool IsSimpleTokenShape(std::string_view token);

}  // namespace cairn::auth

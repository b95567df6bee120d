// SimpleTokenProvider: etcd's "simple" tokens (auth/simple_token.go). See token_provider.h.
// Tokens live in kShards maps, each guarded by its own mutex (a lookup on the request path locks
// one shard and allocates nothing); expired ones are dropped when looked up and by a sweep at most
// once per second from Assign, so the maps are bounded by the logins of one TTL.
#pragma once

#include <atomic>
#include <mutex>
#include <unordered_map>

#include "server/auth/string_view_hash.h"
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
  static constexpr size_t kShards = 16;
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, Entry, StringViewHash, std::equal_to<>> tokens;
  };
  Shard& ShardOf(std::string_view token) { return shards_[StringViewHash{}(token) % kShards]; }
  const std::chrono::seconds ttl_;
  const WallClock clock_;
  std::atomic<bool> enabled_{false};
  std::mutex sweep_mu_;  // guards last_sweep_; taken before any shard's mutex
  std::chrono::system_clock::time_point last_sweep_{};
  Shard shards_[kShards];
};

// etcd's simple token shape: "<prefix>.<decimal index>".
bool IsSimpleTokenShape(std::string_view token);

}  // namespace cairn::auth

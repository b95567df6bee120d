#include "server/auth/simple_token.h"

#include <openssl/rand.h>

namespace cairn::auth {

namespace {
constexpr int kSimpleTokenLength = 16;  // etcd defaultSimpleTokenLength
constexpr std::string_view kLetters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
}  // namespace

bool IsSimpleTokenShape(std::string_view token) {
  size_t dot = token.find('.');
  if (dot == std::string_view::npos || token.find('.', dot + 1) != std::string_view::npos) return false;
  std::string_view index = token.substr(dot + 1);
  if (index.empty()) return false;
  for (char c : index) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

void SimpleTokenProvider::Enable() { enabled_.store(true); }

void SimpleTokenProvider::Disable() {
  enabled_.store(false);
  for (Shard& sh : shards_) {
    std::lock_guard<std::mutex> lock(sh.mu);
    sh.tokens.clear();
  }
}

void SimpleTokenProvider::InvalidateUser(const std::string& user) {
  for (Shard& sh : shards_) {
    std::lock_guard<std::mutex> lock(sh.mu);
    for (auto it = sh.tokens.begin(); it != sh.tokens.end();) {
      it = it->second.user == user ? sh.tokens.erase(it) : std::next(it);
    }
  }
}

std::string SimpleTokenProvider::GenTokenPrefix() {
  std::string out(kSimpleTokenLength, 'a');
  unsigned char random[kSimpleTokenLength];
  if (RAND_bytes(random, sizeof(random)) != 1) std::abort();  // no randomness: cannot issue tokens
  // 256 % 52 != 0: the bias (5 of 256 values) is irrelevant for 16 letters of an opaque token.
  for (int i = 0; i < kSimpleTokenLength; ++i) out[i] = kLetters[random[i] % kLetters.size()];
  return out;
}

Status SimpleTokenProvider::Assign(const std::string& user, uint64_t /*revision*/, const std::string& prefix,
                                   uint64_t index, std::string* token) {
  *token = prefix + "." + std::to_string(index);
  if (!enabled_.load()) return Status::Ok();  // etcd: not kept while auth is off
  const auto now = clock_();
  {
    std::lock_guard<std::mutex> sweep(sweep_mu_);
    if (now - last_sweep_ >= std::chrono::seconds(1)) {
      last_sweep_ = now;
      for (Shard& sh : shards_) {
        std::lock_guard<std::mutex> lock(sh.mu);
        for (auto it = sh.tokens.begin(); it != sh.tokens.end();) {
          it = it->second.deadline < now ? sh.tokens.erase(it) : std::next(it);
        }
      }
    }
  }
  Shard& sh = ShardOf(*token);
  std::lock_guard<std::mutex> lock(sh.mu);
  sh.tokens[*token] = Entry{user, now + ttl_};
  return Status::Ok();
}

bool SimpleTokenProvider::Info(std::string_view token, uint64_t current_revision, AuthInfo* out) {
  if (!IsSimpleTokenShape(token)) return false;
  const auto now = clock_();
  Shard& sh = ShardOf(token);
  std::lock_guard<std::mutex> lock(sh.mu);
  auto it = sh.tokens.find(token);
  if (it == sh.tokens.end()) return false;
  if (it->second.deadline < now) {
    sh.tokens.erase(it);
    return false;
  }
  it->second.deadline = now + ttl_;  // etcd resetSimpleToken: every use restarts the TTL
  out->username = it->second.user;
  out->revision = current_revision;
  return true;
}

size_t SimpleTokenProvider::size_for_test() {
  size_t n = 0;
  for (Shard& sh : shards_) {
    std::lock_guard<std::mutex> lock(sh.mu);
    n += sh.tokens.size();
  }
  return n;
}

}  // namespace cairn::auth

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

void SimpleTokenProvider::Enable() {
  std::lock_guard<std::mutex> lock(mu_);
  enabled_ = true;
}

void SimpleTokenProvider::Disable() {
  std::lock_guard<std::mutex> lock(mu_);
  enabled_ = false;
  tokens_.clear();
}

void SimpleTokenProvider::InvalidateUser(const std::string& user) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = tokens_.begin(); it != tokens_.end();) {
    it = it->second.user == user ? tokens_.erase(it) : std::next(it);
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
  const auto now = clock_();
  std::lock_guard<std::mutex> lock(mu_);
  if (!enabled_) return Status::Ok();  // etcd: not kept while auth is off
  if (now - last_sweep_ >= std::chrono::seconds(1)) {
    last_sweep_ = now;
    for (auto it = tokens_.begin(); it != tokens_.end();) {
      it = it->second.deadline < now ? tokens_.erase(it) : std::next(it);
    }
  }
  tokens_[*token] = Entry{user, now + ttl_};
  return Status::Ok();
}

bool SimpleTokenProvider::Info(std::string_view token, uint64_t current_revision, AuthInfo* out) {
  if (!IsSimpleTokenShape(token)) return false;
  const auto now = clock_();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = tokens_.find(std::string(token));
  if (it == tokens_.end()) return false;
  if (it->second.deadline < now) {
    tokens_.erase(it);
    return false;
  }
  it->second.deadline = now + ttl_;  // etcd resetSimpleToken: every use restarts the TTL
  out->username = it->second.user;
  out->revision = current_revision;
  return true;
}

size_t SimpleTokenProvider::size_for_test() {
  std::lock_guard<std::mutex> lock(mu_);
  return tokens_.size();
}

}  // namespace cairn::auth

// Sha256: incremental SHA-256 over OpenSSL's EVP interface (etcd's snapshot trailer).
// Thread-safety: one object per thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

struct evp_md_ctx_st;

namespace cairn {

inline constexpr size_t kSha256Bytes = 32;
using Sha256Digest = std::array<uint8_t, kSha256Bytes>;

class Sha256 {
 public:
  Sha256();  // aborts if OpenSSL cannot provide SHA-256 (a broken build, not an input error)
  void Update(std::string_view bytes);
  void Update(const void* data, size_t n) { Update(std::string_view(static_cast<const char*>(data), n)); }
  Sha256Digest Finish();

 private:
  std::unique_ptr<evp_md_ctx_st, void (*)(evp_md_ctx_st*)> ctx_;
};

// The digest's bytes as a string view.
inline std::string_view DigestView(const Sha256Digest& d) {
  return std::string_view(reinterpret_cast<const char*>(d.data()), d.size());
}

}  // namespace cairn

#include "server/auth/bcrypt.h"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cstring>
#include <memory>

namespace cairn::auth {

Status BcryptHash(std::string_view password, int cost, std::string* hash) {
  if (cost < kBcryptMinCost || cost > kBcryptMaxCost) {
    return Status::InvalidArgument("bcrypt: cost " + std::to_string(cost) + " is outside [4, 31]");
  }
  if (password.find('\0') != std::string_view::npos) {
    return Status::InvalidArgument("bcrypt: password contains a NUL byte");
  }
  unsigned char random[16];
  if (RAND_bytes(random, sizeof(random)) != 1) return Status::IOError("bcrypt: no random bytes");
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  if (crypt_gensalt_rn("$2a$", static_cast<unsigned long>(cost), reinterpret_cast<const char*>(random),
                       sizeof(random), salt, sizeof(salt)) == nullptr) {
    return Status::IOError("bcrypt: crypt_gensalt_rn failed");
  }
  auto data = std::make_unique<crypt_data>();
  const std::string pw(password);
  const char* out = crypt_rn(pw.c_str(), salt, data.get(), sizeof(crypt_data));
  if (out == nullptr || out[0] == '*') return Status::IOError("bcrypt: crypt_rn failed");
  hash->assign(out);
  return Status::Ok();
}

bool BcryptVerify(std::string_view hash, std::string_view password) {
  if (hash.size() < 7 || hash.substr(0, 2) != "$2" || password.find('\0') != std::string_view::npos) {
    return false;
  }
  auto data = std::make_unique<crypt_data>();
  const std::string setting(hash);
  const std::string pw(password);
  const char* out = crypt_rn(pw.c_str(), setting.c_str(), data.get(), sizeof(crypt_data));
  if (out == nullptr || out[0] == '*' || std::strlen(out) != hash.size()) return false;
  return CRYPTO_memcmp(out, hash.data(), hash.size()) == 0;
}

}  // namespace cairn::auth

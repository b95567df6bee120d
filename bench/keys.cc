#include "bench/keys.h"

namespace cairn::bench {

Status VarintKey(int64_t n, int64_t key_size, std::string* key) {
  uint64_t ux = static_cast<uint64_t>(n) << 1;
  if (n < 0) ux = ~ux;
  key->assign(static_cast<size_t>(key_size), '\0');
  size_t i = 0;
  while (ux >= 0x80) {
    if (i >= key->size()) break;
    (*key)[i++] = static_cast<char>(ux | 0x80);
    ux >>= 7;
  }
  if (i >= key->size()) {
    return Status::InvalidArgument("--key-size " + std::to_string(key_size) +
                                   " is too small for key number " + std::to_string(n));
  }
  (*key)[i] = static_cast<char>(ux);
  return Status::Ok();
}

std::string RandomBytes(int64_t size, std::mt19937_64* rng) {
  std::string out(static_cast<size_t>(size), '\0');
  for (auto& c : out) c = static_cast<char>((*rng)() & 0xff);
  return out;
}

}  // namespace cairn::bench

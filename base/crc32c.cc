#include "base/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace cairn::crc32c {
namespace {

constexpr uint32_t kPolyReflected = 0x82F63B78u;

// kTables[k][b]: the CRC register contribution of byte b followed by k zero bytes.
constexpr std::array<std::array<uint32_t, 256>, 8> MakeTables() {
  std::array<std::array<uint32_t, 256>, 8> t{};
  for (uint32_t b = 0; b < 256; ++b) {
    uint32_t crc = b;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1u) ? kPolyReflected : 0u);
    t[0][b] = crc;
  }
  for (uint32_t b = 0; b < 256; ++b) {
    for (size_t k = 1; k < 8; ++k) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xFFu];
  }
  return t;
}
constexpr auto kTables = MakeTables();

uint32_t RegisterPortable(uint32_t reg, const uint8_t* p, size_t n) {
  while (n >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    word ^= reg;
    reg = kTables[7][word & 0xFF] ^ kTables[6][(word >> 8) & 0xFF] ^ kTables[5][(word >> 16) & 0xFF] ^
          kTables[4][(word >> 24) & 0xFF] ^ kTables[3][(word >> 32) & 0xFF] ^
          kTables[2][(word >> 40) & 0xFF] ^ kTables[1][(word >> 48) & 0xFF] ^ kTables[0][word >> 56];
    p += 8;
    n -= 8;
  }
  while (n-- > 0) reg = (reg >> 8) ^ kTables[0][(reg ^ *p++) & 0xFFu];
  return reg;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t RegisterSse42(uint32_t reg, const uint8_t* p, size_t n) {
  uint64_t reg64 = reg;
  while (n >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    reg64 = _mm_crc32_u64(reg64, word);
    p += 8;
    n -= 8;
  }
  reg = static_cast<uint32_t>(reg64);
  while (n-- > 0) reg = _mm_crc32_u8(reg, *p++);
  return reg;
}

bool DetectSse42() { return __builtin_cpu_supports("sse4.2"); }
#else
bool DetectSse42() { return false; }
#endif

const bool kHaveSse42 = DetectSse42();

}  // namespace

uint32_t ExtendPortable(uint32_t crc, const void* data, size_t size_bytes) {
  return ~RegisterPortable(~crc, static_cast<const uint8_t*>(data), size_bytes);
}

uint32_t Extend(uint32_t crc, const void* data, size_t size_bytes) {
#if defined(__x86_64__)
  if (kHaveSse42) return ~RegisterSse42(~crc, static_cast<const uint8_t*>(data), size_bytes);
#endif
  return ExtendPortable(crc, data, size_bytes);
}

bool HardwareAccelerated() { return kHaveSse42; }

}  // namespace cairn::crc32c

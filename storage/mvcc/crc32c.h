// CRC-32C (Castagnoli), as Go's crc32.New(crc32.MakeTable(crc32.Castagnoli)): streaming, so the
// value after several Update() calls equals the CRC of their concatenation.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace cairn::mvcc {

class Crc32c {
 public:
  void Update(std::string_view data) {
    static const std::array<uint32_t, 256> table = MakeTable();
    uint32_t c = ~crc_;
    for (unsigned char b : data) c = table[(c ^ b) & 0xff] ^ (c >> 8);
    crc_ = ~c;
  }
  uint32_t value() const { return crc_; }

 private:
  static std::array<uint32_t, 256> MakeTable() {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
      t[i] = c;
    }
    return t;
  }
  uint32_t crc_ = 0;
};

}  // namespace cairn::mvcc

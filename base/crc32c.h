// CRC-32C (Castagnoli): reflected polynomial 0x82F63B78, init and final xor
// 0xFFFFFFFF, as used by iSCSI (RFC 3720), ext4 and leveldb.
//
// Uses the SSE4.2 crc32 instruction when the CPU has it (checked once at run
// time) and a slicing-by-8 table otherwise; both give identical results.
// Thread-safe (pure functions).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace cairn::crc32c {

// Continues a CRC: Extend(Value(a), b) == Value(a ++ b). `crc` is a finished
// CRC value (not the internal register), Value(x) == Extend(0, x).
uint32_t Extend(uint32_t crc, const void* data, size_t size_bytes);

inline uint32_t Value(const void* data, size_t size_bytes) { return Extend(0, data, size_bytes); }
inline uint32_t Value(std::span<const std::byte> data) { return Extend(0, data.data(), data.size()); }
inline uint32_t Value(std::string_view data) { return Extend(0, data.data(), data.size()); }

// The portable table implementation, exposed so tests compare both paths.
uint32_t ExtendPortable(uint32_t crc, const void* data, size_t size_bytes);
// True when Extend uses the SSE4.2 instruction.
bool HardwareAccelerated();

}  // namespace cairn::crc32c

namespace cairn {

// Streaming CRC-32C, as Go's crc32.New(crc32.MakeTable(crc32.Castagnoli)):
// value() after several Update() calls is the CRC of their concatenation.
class Crc32c {
 public:
  void Update(std::string_view data) { crc_ = crc32c::Extend(crc_, data.data(), data.size()); }
  uint32_t value() const { return crc_; }

 private:
  uint32_t crc_ = 0;
};

}  // namespace cairn

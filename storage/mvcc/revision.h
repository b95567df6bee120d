// Revision: the (main, sub) pair that orders every change, and its 17-byte on-disk key.
//
// On-disk format (etcd mvcc/revision.go, docs/mvcc_format.md): the `key` bucket is keyed by
//   8-byte big-endian main | '_' | 8-byte big-endian sub  [| 't' for a tombstone]
// so byte order equals revision order. The `meta` bucket's compaction marks use the same 17 bytes
// with sub = 0.
#pragma once

#include <cassert>
#include <cstdint>
#include <string>
#include <string_view>

namespace cairn::mvcc {

// A main revision: one per write transaction (the etcd "revision" a client sees).
using Revision = int64_t;

struct RevisionPair {
  Revision main = 0;
  int64_t sub = 0;  // index of the change within the transaction

  friend bool operator==(const RevisionPair&, const RevisionPair&) = default;
  friend auto operator<=>(const RevisionPair&, const RevisionPair&) = default;
};

inline constexpr size_t kRevBytesLen = 8 + 1 + 8;
inline constexpr size_t kMarkedRevBytesLen = kRevBytesLen + 1;
inline constexpr char kTombstoneMark = 't';
static_assert(kRevBytesLen == 17, "etcd revision keys are 17 bytes");

inline void PutBigEndian64(uint64_t v, char* out) {
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
}

inline uint64_t GetBigEndian64(const char* in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}

inline std::string BigEndian64(uint64_t v) {
  std::string s(8, '\0');
  PutBigEndian64(v, s.data());
  return s;
}

// Writes the 17 bytes of `rev` to out[0..16] (no allocation; for hot paths).
inline void PutRevisionBytes(RevisionPair rev, char* out) {
  PutBigEndian64(static_cast<uint64_t>(rev.main), out);
  out[8] = '_';
  PutBigEndian64(static_cast<uint64_t>(rev.sub), out + 9);
}

// 17 bytes; with tombstone = true, 18 bytes ending in 't'.
inline std::string RevisionToBytes(RevisionPair rev, bool tombstone = false) {
  std::string s(tombstone ? kMarkedRevBytesLen : kRevBytesLen, '\0');
  PutRevisionBytes(rev, s.data());
  if (tombstone) s[17] = kTombstoneMark;
  return s;
}

// REQUIRES: bytes.size() >= 17 (asserted; callers validate data read from disk first).
inline RevisionPair BytesToRevision(std::string_view bytes) {
  assert(bytes.size() >= kRevBytesLen);
  return RevisionPair{static_cast<Revision>(GetBigEndian64(bytes.data())),
                      static_cast<int64_t>(GetBigEndian64(bytes.data() + 9))};
}

inline bool IsTombstoneKey(std::string_view bytes) {
  return bytes.size() == kMarkedRevBytesLen && bytes[kRevBytesLen] == kTombstoneMark;
}

// Well-formed key-bucket key: 17 bytes, or 18 ending in 't', with '_' in the middle.
inline bool IsValidRevisionKey(std::string_view bytes) {
  return (bytes.size() == kRevBytesLen || IsTombstoneKey(bytes)) && bytes[8] == '_';
}

}  // namespace cairn::mvcc

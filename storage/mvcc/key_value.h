// KeyValue: mvccpb.KeyValue as a plain struct, and its exact protobuf wire encoding.
//
// Values in the `key` bucket are serialized mvccpb.KeyValue (etcd's format, DESIGN.md §5):
//   key=1 bytes, create_revision=2 int64, mod_revision=3 int64, version=4 int64, value=5 bytes,
//   lease=6 int64
// written as gogoproto does: fields in number order, zero/empty fields omitted, int64 as varint
// (negative numbers as 10-byte two's complement). This equals proto3 serialization by the
// generated C++ code (tested in key_value_test against //proto:etcd_cc_proto).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace cairn::mvcc {

struct KeyValue {
  std::string key;
  int64_t create_revision = 0;
  int64_t mod_revision = 0;
  int64_t version = 0;
  std::string value;
  int64_t lease = 0;

  friend bool operator==(const KeyValue&, const KeyValue&) = default;
};

// A decoded KeyValue whose bytes point into a buffer owned elsewhere (a backend read view).
struct KeyValueView {
  std::string_view key;
  int64_t create_revision = 0;
  int64_t mod_revision = 0;
  int64_t version = 0;
  std::string_view value;
  int64_t lease = 0;

  KeyValue ToOwned() const {
    return KeyValue{std::string(key), create_revision, mod_revision, version, std::string(value), lease};
  }
};

// Appends the wire encoding of the fields to *out.
void AppendKeyValue(std::string_view key, int64_t create_revision, int64_t mod_revision, int64_t version,
                    std::string_view value, int64_t lease, std::string* out);
inline void AppendKeyValue(const KeyValue& kv, std::string* out) {
  AppendKeyValue(kv.key, kv.create_revision, kv.mod_revision, kv.version, kv.value, kv.lease, out);
}
inline void AppendKeyValue(const KeyValueView& kv, std::string* out) {
  AppendKeyValue(kv.key, kv.create_revision, kv.mod_revision, kv.version, kv.value, kv.lease, out);
}
std::string SerializeKeyValue(const KeyValue& kv);

// Parses a serialized mvccpb.KeyValue; views point into `bytes`. Unknown fields are skipped as
// protobuf requires. Corruption on malformed input.
Status ParseKeyValue(std::string_view bytes, KeyValueView* out);

// Protobuf varint helpers (shared by the lease record encoding).
void AppendVarint(uint64_t v, std::string* out);
bool ReadVarint(std::string_view* in, uint64_t* v);
// Skips one field of the given wire type; false on malformed input.
bool SkipField(std::string_view* in, uint32_t wire_type);

}  // namespace cairn::mvcc

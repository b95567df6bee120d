// The JSON cfssl reads and writes: a small strict parser (RFC 8259; one value, whitespace around
// it) into a tree, with object keys looked up case-insensitively as Go's encoding/json matches
// struct fields, and Go's string escaping for output.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace cairn::certs::json {

struct Member;

struct Value {
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  Type type = Type::kNull;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<Value> array;
  std::vector<Member> object;  // in document order

  // The member whose key equals `key` ignoring ASCII case (exact match preferred), or null.
  const Value* Find(std::string_view key) const;
  // Go's json type names for messages: "string", "number", "object", ...
  const char* TypeName() const;
};

struct Member {
  std::string key;
  Value value;
};

// Errors read like Go's: "unexpected end of JSON input", "invalid character 'g' looking for
// beginning of value".
Status Parse(std::string_view text, Value* out);

// `s` as a JSON string literal with Go's escaping (<, >, & as \u003c \u003e \u0026).
std::string Quote(std::string_view s);

}  // namespace cairn::certs::json

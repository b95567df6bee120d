// Typed log fields, encoded once into their JSON text the way zap's JSON encoder (with etcd's
// encoder config) prints them:
//   String("name", "default")        -> "name":"default"
//   Int("max-cpu-set", 2)            -> "max-cpu-set":2
//   Bool("pre-vote", false)          -> "pre-vote":false
//   Duration("took", 907633ns)       -> "took":"907.633µs"   (Go's Duration.String())
//   Strings("listen-peer-urls", {..})-> "listen-peer-urls":["http://127.0.0.1:2380"]
//   Error(status)                    -> "error":"<message>"
//
// Thread-safety: value types.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace cairn::logging {

struct Field {
  std::string key;
  std::string json;  // the encoded value
};

Field String(std::string_view key, std::string_view value);
Field Int(std::string_view key, int64_t value);
Field Uint(std::string_view key, uint64_t value);
Field Bool(std::string_view key, bool value);
Field Double(std::string_view key, double value);
Field Duration(std::string_view key, std::chrono::nanoseconds value);
Field Strings(std::string_view key, std::span<const std::string> values);
// zap.Error(err): key "error", the message. An ok Status gives an empty field the logger skips.
Field Error(const Status& status);
// A hex id as etcd prints member and cluster ids: "8e9e05c52164694d".
Field HexId(std::string_view key, uint64_t id);

// How AppendJsonString escapes beyond what both encoders share.
enum class JsonEscape {
  kZap,             // zap's encoder: '<', '>', '&' and U+2028/U+2029 raw
  kGoEncodingJson,  // Go's encoding/json (HTML-safe, Go 1.19): those as \u003c \u003e \u0026 \u2028 \u2029
};

// Appends `s` as a JSON string: \" \\ \n \r \t, other bytes < 0x20 as \u00xx, invalid UTF-8
// as \ufffd, everything else raw except what `escape` adds.
void AppendJsonString(std::string* out, std::string_view s, JsonEscape escape = JsonEscape::kZap);

}  // namespace cairn::logging

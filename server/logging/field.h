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

// Appends `s` as a JSON string with zap's escaping: \" \\ \n \r \t, other bytes < 0x20 as
// \u00xx, invalid UTF-8 as \ufffd, everything else (including '<', '&' and valid UTF-8) raw.
void AppendJsonString(std::string* out, std::string_view s);

}  // namespace cairn::logging

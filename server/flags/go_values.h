// Value parsers that accept exactly what Go's `flag` package (and therefore etcd) accepts, and
// fail with the same error text, so `etcd --snapshot-count=abc` and `cairn serve
// --snapshot-count=abc` print the same line.
//
// Every function returns false and sets *error to Go's short reason ("parse error",
// "value out of range") when the text is not accepted; the caller wraps it as Go's flag package
// does: `invalid value "abc" for flag -snapshot-count: parse error`.
//
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace cairn::flags {

// strconv.ParseBool: 1 t T TRUE true True 0 f F FALSE false False.
bool ParseGoBool(std::string_view text, bool* value, std::string* error);

// strconv.ParseUint(text, 0, bits): base prefixes 0x 0o 0b and a leading 0 (octal), '_' as a
// digit separator. bits is 32 or 64.
bool ParseGoUint(std::string_view text, int bits, uint64_t* value, std::string* error);

// strconv.ParseInt(text, 0, bits) with an optional sign.
bool ParseGoInt(std::string_view text, int bits, int64_t* value, std::string* error);

// time.ParseDuration: "300ms", "-1.5h", "2h45m", "0"; units ns us µs ms s m h.
bool ParseGoDuration(std::string_view text, std::chrono::nanoseconds* value, std::string* error);

// time.Duration.String(): "0s", "1.5s", "100ms", "10m0s", "907.633µs".
std::string GoDurationString(std::chrono::nanoseconds duration);

}  // namespace cairn::flags

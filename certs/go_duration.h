// Go's time.ParseDuration, for cfssl's "expiry": "87600h" and friends. Units ns, us, µs, ms, s,
// m, h; fractions ("1.5h"); several terms ("1h30m"); a sign. Seconds are the result's precision
// (certificate times have no finer grain).
#pragma once

#include <cstdint>
#include <string_view>

#include "base/status.h"

namespace cairn::certs {

// Errors read like Go's: `time: invalid duration "abc"`, `time: missing unit in duration "10"`.
Status ParseGoDuration(std::string_view text, int64_t* seconds);

// A validity flag (--cert-validity, --ca-validity): a positive Go duration; errors start "--<flag>: ".
Status ParseValidityFlag(std::string_view flag, std::string_view text, int64_t* seconds);

}  // namespace cairn::certs

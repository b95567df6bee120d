// Number and duration formatting that reproduces Go's fmt/strconv output byte for byte, so that
// `cairn bench` prints exactly what etcd's tools/benchmark (Go) prints.
//
// Thread-safe (pure functions).
#pragma once

#include <cstdint>
#include <string>

namespace cairn::bench {

// Go's fmt "%g" / "%v" of a float64 (strconv.FormatFloat(f, 'g', -1, 64)): shortest round-trip
// digits, in exponent form ("1.2345e-05", "1.234567e+06") when the decimal exponent is < -4 or
// >= 6. "+Inf", "-Inf", "NaN" for non-finite values.
std::string GoFormatG(double value);

// Go's fmt "%<width>.<precision>f" (same as C's printf except non-finite values: "+Inf", "NaN").
std::string GoFormatF(double value, int width, int precision);

// Go's time.Duration.String(): "0s", "1.5ms", "12.345µs", "2m3.5s", "1h0m0s", ... (the one
// implementation in server/flags/go_values.h, checked against Go itself).
std::string GoDurationString(int64_t nanoseconds);

}  // namespace cairn::bench

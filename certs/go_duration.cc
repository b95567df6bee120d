#include "certs/go_duration.h"

#include <cmath>
#include <string>

namespace cairn::certs {

Status ParseGoDuration(std::string_view text, int64_t* seconds) {
  const std::string quoted = "\"" + std::string(text) + "\"";
  auto invalid = [&] { return Status::InvalidArgument("time: invalid duration " + quoted); };
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") {
    *seconds = 0;
    return Status::Ok();
  }
  if (s.empty()) return invalid();
  long double total_ns = 0;
  while (!s.empty()) {
    size_t i = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    size_t int_digits = i;
    size_t frac_digits = 0;
    if (i < s.size() && s[i] == '.') {
      ++i;
      const size_t b = i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
      frac_digits = i - b;
    }
    if (int_digits == 0 && frac_digits == 0) return invalid();
    const long double number =
        std::stold(std::string(s.substr(0, i)) + (frac_digits == 0 && i > int_digits ? "0" : ""));
    s.remove_prefix(i);
    size_t u = 0;
    while (u < s.size() && s[u] != '.' && !(s[u] >= '0' && s[u] <= '9')) ++u;
    if (u == 0) return Status::InvalidArgument("time: missing unit in duration " + quoted);
    const std::string_view unit = s.substr(0, u);
    s.remove_prefix(u);
    long double scale;
    if (unit == "ns")
      scale = 1;
    else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs")
      scale = 1e3;
    else if (unit == "ms")
      scale = 1e6;
    else if (unit == "s")
      scale = 1e9;
    else if (unit == "m")
      scale = 60e9;
    else if (unit == "h")
      scale = 3600e9;
    else
      return Status::InvalidArgument("time: unknown unit \"" + std::string(unit) + "\" in duration " +
                                     quoted);
    total_ns += number * scale;
    if (total_ns > 9223372036854775807.0L) return invalid();
  }
  const int64_t secs = static_cast<int64_t>(std::floor(total_ns / 1e9L));
  *seconds = negative ? -secs : secs;
  return Status::Ok();
}

Status ParseValidityFlag(std::string_view flag, std::string_view text, int64_t* seconds) {
  const std::string prefix = "--" + std::string(flag) + ": ";
  if (Status st = ParseGoDuration(text, seconds); !st.ok())
    return Status::InvalidArgument(prefix + st.message());
  if (*seconds <= 0)
    return Status::InvalidArgument(prefix + "must be positive, got \"" + std::string(text) + "\"");
  return Status::Ok();
}

}  // namespace cairn::certs

#include "bench/go_format.h"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "server/flags/go_values.h"

namespace cairn::bench {
namespace {

std::string NonFinite(double value) {
  if (std::isnan(value)) return "NaN";
  return value > 0 ? "+Inf" : "-Inf";
}

}  // namespace

std::string GoFormatG(double value) {
  if (!std::isfinite(value)) return NonFinite(value);
  if (value == 0) return std::signbit(value) ? "-0" : "0";
  // Shortest round-trip digits in scientific form: "d[.ddd]e[+-]XX".
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::scientific);
  std::string_view sci(buf, end - buf);
  bool negative = false;
  if (!sci.empty() && sci[0] == '-') {
    negative = true;
    sci.remove_prefix(1);
  }
  const size_t e_pos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_pos)) {
    if (c != '.') digits += c;
  }
  const int exp10 = std::atoi(std::string(sci.substr(e_pos + 1)).c_str());  // value = d.ddd * 10^exp10
  const int nd = static_cast<int>(digits.size());
  const int dp = exp10 + 1;  // strconv's decimal point position: value = 0.ddd * 10^dp
  std::string out = negative ? "-" : "";
  // strconv: shortest %g uses eprec = 6 to choose between %e and %f.
  if (exp10 < -4 || exp10 >= 6) {
    out += digits[0];
    if (nd > 1) {
      out += '.';
      out += digits.substr(1);
    }
    out += 'e';
    int e = exp10;
    out += e < 0 ? '-' : '+';
    if (e < 0) e = -e;
    if (e < 10) out += '0';
    out += std::to_string(e);
    return out;
  }
  // %f with max(nd - dp, 0) decimals.
  if (dp <= 0) {
    out += "0.";
    out.append(-dp, '0');
    out += digits;
  } else if (dp >= nd) {
    out += digits;
    out.append(dp - nd, '0');
  } else {
    out += digits.substr(0, dp);
    out += '.';
    out += digits.substr(dp);
  }
  return out;
}

std::string GoFormatF(double value, int width, int precision) {
  if (!std::isfinite(value)) {
    std::string s = NonFinite(value);
    if (static_cast<int>(s.size()) < width) s.insert(0, width - s.size(), ' ');
    return s;
  }
  char buf[512];
  std::snprintf(buf, sizeof(buf), "%*.*f", width, precision, value);
  return buf;
}

std::string GoDurationString(int64_t d) { return flags::GoDurationString(std::chrono::nanoseconds(d)); }

}  // namespace cairn::bench

#include "bench/go_format.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>

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

// Mirrors Go's time.Duration.String (src/time/time.go).
std::string GoDurationString(int64_t d) {
  char buf[32];
  int w = sizeof(buf);
  uint64_t u = static_cast<uint64_t>(d);
  const bool neg = d < 0;
  if (neg) u = -u;

  // fmtFrac formats the fraction of v/10**prec (e.g., ".12345") into the tail of buf, omitting
  // trailing zeros. It omits the decimal point too when the fraction is 0.
  auto fmt_frac = [&](uint64_t v, int prec) -> uint64_t {
    bool print = false;
    for (int i = 0; i < prec; i++) {
      const int digit = static_cast<int>(v % 10);
      print = print || digit != 0;
      if (print) {
        w--;
        buf[w] = static_cast<char>(digit + '0');
      }
      v /= 10;
    }
    if (print) {
      w--;
      buf[w] = '.';
    }
    return v;
  };
  auto fmt_int = [&](uint64_t v) {
    if (v == 0) {
      w--;
      buf[w] = '0';
    } else {
      while (v > 0) {
        w--;
        buf[w] = static_cast<char>(v % 10 + '0');
        v /= 10;
      }
    }
  };

  if (u < 1000000000ULL) {
    // Special case: if duration is smaller than a second, use smaller units, like 1.2ms.
    int prec = 0;
    w--;
    buf[w] = 's';
    w--;
    if (u == 0) {
      return "0s";
    } else if (u < 1000ULL) {
      prec = 0;
      buf[w] = 'n';
    } else if (u < 1000000ULL) {
      prec = 3;
      // U+00B5 'µ' micro sign == 0xC2 0xB5
      w--;
      buf[w] = '\xC2';
      buf[w + 1] = '\xB5';
    } else {
      prec = 6;
      buf[w] = 'm';
    }
    u = fmt_frac(u, prec);
    fmt_int(u);
  } else {
    w--;
    buf[w] = 's';
    u = fmt_frac(u, 9);
    // u is now integer seconds
    fmt_int(u % 60);
    u /= 60;
    // u is now integer minutes
    if (u > 0) {
      w--;
      buf[w] = 'm';
      fmt_int(u % 60);
      u /= 60;
      // u is now integer hours
      if (u > 0) {
        w--;
        buf[w] = 'h';
        fmt_int(u);
      }
    }
  }
  if (neg) {
    w--;
    buf[w] = '-';
  }
  return std::string(buf + w, sizeof(buf) - w);
}

}  // namespace cairn::bench

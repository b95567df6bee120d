#include "server/flags/go_values.h"

#include <cctype>
#include <limits>

namespace cairn::flags {

namespace {

constexpr char kParseError[] = "parse error";
constexpr char kRangeError[] = "value out of range";

// strconv's underscoreOK (base 0): '_' only between digits, or between a base prefix and a digit.
bool UnderscoresOk(std::string_view s) {
  // saw: '^' start/after prefix, '0' digit, '_' underscore, '!' other.
  char saw = '^';
  size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0') {
    char c = static_cast<char>(std::tolower(static_cast<unsigned char>(s[1])));
    if (c == 'x' || c == 'o' || c == 'b') {
      hex = c == 'x';
      i = 2;
      saw = '0';  // The prefix counts as a digit.
    }
  }
  for (; i < s.size(); i++) {
    char c = s[i];
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        (hex && std::isxdigit(static_cast<unsigned char>(c)))) {
      saw = '0';
      continue;
    }
    if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

bool ParseUnsignedMagnitude(std::string_view s, uint64_t max, uint64_t* value, std::string* error) {
  if (s.empty()) {
    *error = kParseError;
    return false;
  }
  const std::string_view original = s;
  int base = 10;
  if (s[0] == '0') {
    if (s.size() >= 3 && (s[1] == 'x' || s[1] == 'X')) {
      base = 16, s.remove_prefix(2);
    } else if (s.size() >= 3 && (s[1] == 'o' || s[1] == 'O')) {
      base = 8, s.remove_prefix(2);
    } else if (s.size() >= 3 && (s[1] == 'b' || s[1] == 'B')) {
      base = 2, s.remove_prefix(2);
    } else if (s.size() >= 2) {
      base = 8, s.remove_prefix(1);
    }
  }
  bool underscores = false;
  uint64_t v = 0;
  bool overflow = false;
  for (char c : s) {
    int digit;
    if (c == '_') {  // Go allows '_' separators with base 0; UnderscoresOk() checks placement.
      underscores = true;
      continue;
    } else if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'a' && c <= 'z') {
      digit = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'Z') {
      digit = c - 'A' + 10;
    } else {
      *error = kParseError;
      return false;
    }
    if (digit >= base) {
      *error = kParseError;
      return false;
    }
    if (v > (max - static_cast<uint64_t>(digit)) / static_cast<uint64_t>(base)) overflow = true;
    if (!overflow) v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(digit);
  }
  if (underscores && !UnderscoresOk(original)) {
    *error = kParseError;
    return false;
  }
  if (overflow) {
    *error = kRangeError;
    return false;
  }
  *value = v;
  return true;
}

}  // namespace

bool ParseGoBool(std::string_view text, bool* value, std::string* error) {
  if (text == "1" || text == "t" || text == "T" || text == "TRUE" || text == "true" || text == "True") {
    *value = true;
    return true;
  }
  if (text == "0" || text == "f" || text == "F" || text == "FALSE" || text == "false" || text == "False") {
    *value = false;
    return true;
  }
  *error = kParseError;
  return false;
}

bool ParseGoUint(std::string_view text, int bits, uint64_t* value, std::string* error) {
  const uint64_t max = bits >= 64 ? std::numeric_limits<uint64_t>::max() : (uint64_t{1} << bits) - 1;
  return ParseUnsignedMagnitude(text, max, value, error);
}

bool ParseGoInt(std::string_view text, int bits, int64_t* value, std::string* error) {
  if (text.empty()) {
    *error = kParseError;
    return false;
  }
  bool negative = false;
  std::string_view magnitude = text;
  if (magnitude[0] == '+' || magnitude[0] == '-') {
    negative = magnitude[0] == '-';
    magnitude.remove_prefix(1);
  }
  const uint64_t cutoff = uint64_t{1} << (bits - 1);
  uint64_t v = 0;
  if (!ParseUnsignedMagnitude(magnitude, std::numeric_limits<uint64_t>::max(), &v, error)) return false;
  if ((!negative && v >= cutoff) || (negative && v > cutoff)) {
    *error = kRangeError;
    return false;
  }
  *value = negative ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
  return true;
}

bool ParseGoDuration(std::string_view s, std::chrono::nanoseconds* value, std::string* error) {
  *error = kParseError;  // Go's flag package reports every duration failure as "parse error".
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") {
    *value = std::chrono::nanoseconds(0);
    return true;
  }
  if (s.empty()) return false;
  // Accumulate in long double nanoseconds, then bound-check against int64 (Go: "invalid duration").
  long double total_ns = 0;
  while (!s.empty()) {
    if (!(s[0] == '.' || std::isdigit(static_cast<unsigned char>(s[0])))) return false;
    long double whole = 0;
    size_t i = 0;
    bool digits = false;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      whole = whole * 10 + (s[i] - '0');
      i++;
      digits = true;
    }
    long double fraction = 0, scale = 1;
    if (i < s.size() && s[i] == '.') {
      i++;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
        fraction = fraction * 10 + (s[i] - '0');
        scale *= 10;
        i++;
        digits = true;
      }
    }
    if (!digits) return false;
    s.remove_prefix(i);
    size_t unit_len = 0;
    while (unit_len < s.size() && s[unit_len] != '.' &&
           !std::isdigit(static_cast<unsigned char>(s[unit_len]))) {
      unit_len++;
    }
    std::string_view unit = s.substr(0, unit_len);
    s.remove_prefix(unit_len);
    long double unit_ns;
    if (unit == "ns") {
      unit_ns = 1;
    } else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") {
      unit_ns = 1e3;
    } else if (unit == "ms") {
      unit_ns = 1e6;
    } else if (unit == "s") {
      unit_ns = 1e9;
    } else if (unit == "m") {
      unit_ns = 60e9;
    } else if (unit == "h") {
      unit_ns = 3600e9;
    } else {
      return false;  // Missing or unknown unit.
    }
    total_ns += whole * unit_ns + fraction * unit_ns / scale;
    if (total_ns > static_cast<long double>(std::numeric_limits<int64_t>::max())) return false;
  }
  int64_t ns = static_cast<int64_t>(total_ns);
  *value = std::chrono::nanoseconds(negative ? -ns : ns);
  return true;
}

namespace {

// Go's fmtFrac/fmtInt for Duration.String: v/10^prec with trailing zeros dropped.
std::string FormatFraction(uint64_t v, int prec, uint64_t* rest) {
  std::string digits;
  bool print = false;
  for (int i = 0; i < prec; i++) {
    uint64_t digit = v % 10;
    print = print || digit != 0;
    if (print) digits.insert(digits.begin(), static_cast<char>('0' + digit));
    v /= 10;
  }
  if (print) digits.insert(digits.begin(), '.');
  *rest = v;
  return digits;
}

}  // namespace

std::string GoDurationString(std::chrono::nanoseconds duration) {
  int64_t d = duration.count();
  if (d == 0) return "0s";
  bool negative = d < 0;
  uint64_t u = negative ? 0 - static_cast<uint64_t>(d) : static_cast<uint64_t>(d);
  std::string out;
  if (u < 1000000000ULL) {
    // Sub-second: ns, µs or ms with a fraction.
    int prec;
    const char* unit;
    if (u < 1000ULL) {
      out = std::to_string(u) + "ns";
      return negative ? "-" + out : out;
    } else if (u < 1000000ULL) {
      prec = 3, unit = "\xC2\xB5s";
    } else {
      prec = 6, unit = "ms";
    }
    uint64_t rest;
    std::string frac = FormatFraction(u, prec, &rest);
    out = std::to_string(rest) + frac + unit;
  } else {
    uint64_t rest;
    std::string frac = FormatFraction(u, 9, &rest);
    out = std::to_string(rest % 60) + frac + "s";
    rest /= 60;
    if (rest > 0) {
      out = std::to_string(rest % 60) + "m" + out;
      rest /= 60;
      if (rest > 0) out = std::to_string(rest) + "h" + out;
    }
  }
  return negative ? "-" + out : out;
}

}  // namespace cairn::flags

#include "server/logging/field.h"

#include <charconv>
#include <cmath>

#include "server/flags/go_values.h"

namespace cairn::logging {

namespace {

// Length of the valid UTF-8 sequence at s[0], or 0 when invalid.
size_t Utf8SequenceLength(std::string_view s) {
  unsigned char c = static_cast<unsigned char>(s[0]);
  size_t n;
  uint32_t cp;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2, cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3, cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4, cp = c & 0x07;
  } else {
    return 0;
  }
  if (s.size() < n) return 0;
  for (size_t i = 1; i < n; i++) {
    unsigned char cc = static_cast<unsigned char>(s[i]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
      (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
    return 0;
  }
  return n;
}

std::string Quoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  AppendJsonString(&out, s);
  return out;
}

}  // namespace

void AppendJsonString(std::string* out, std::string_view s, JsonEscape escape) {
  static constexpr char kHex[] = "0123456789abcdef";
  const bool go = escape == JsonEscape::kGoEncodingJson;
  out->push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out->append("\\\""); break;
        case '\\': out->append("\\\\"); break;
        case '\n': out->append("\\n"); break;
        case '\r': out->append("\\r"); break;
        case '\t': out->append("\\t"); break;
        default:
          if (c < 0x20 || (go && (c == '<' || c == '>' || c == '&'))) {
            out->append("\\u00");
            out->push_back(kHex[c >> 4]);
            out->push_back(kHex[c & 0xF]);
          } else {
            out->push_back(static_cast<char>(c));
          }
      }
      i++;
      continue;
    }
    size_t n = Utf8SequenceLength(s.substr(i));
    if (n == 0) {
      out->append("\\ufffd");
      i++;
    } else if (go && n == 3 && s.compare(i, 2, "\xe2\x80") == 0 &&
               (s[i + 2] == '\xa8' || s[i + 2] == '\xa9')) {
      out->append(s[i + 2] == '\xa8' ? "\\u2028" : "\\u2029");  // U+2028, U+2029
      i += n;
    } else {
      out->append(s.substr(i, n));
      i += n;
    }
  }
  out->push_back('"');
}

Field String(std::string_view key, std::string_view value) { return {std::string(key), Quoted(value)}; }
Field Int(std::string_view key, int64_t value) { return {std::string(key), std::to_string(value)}; }
Field Uint(std::string_view key, uint64_t value) { return {std::string(key), std::to_string(value)}; }
Field Bool(std::string_view key, bool value) { return {std::string(key), value ? "true" : "false"}; }

Field Double(std::string_view key, double value) {
  // zap: strconv.AppendFloat(f, 'f', -1, 64); NaN and infinities as strings.
  if (std::isnan(value)) return {std::string(key), "\"NaN\""};
  if (std::isinf(value)) return {std::string(key), value > 0 ? "\"+Inf\"" : "\"-Inf\""};
  char buf[400];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::fixed);
  return {std::string(key), ec == std::errc() ? std::string(buf, end) : "0"};
}

Field Duration(std::string_view key, std::chrono::nanoseconds value) {
  return {std::string(key), Quoted(flags::GoDurationString(value))};
}

Field Strings(std::string_view key, std::span<const std::string> values) {
  std::string json = "[";
  for (size_t i = 0; i < values.size(); i++) {
    if (i > 0) json.push_back(',');
    AppendJsonString(&json, values[i]);
  }
  json.push_back(']');
  return {std::string(key), std::move(json)};
}

Field Error(const Status& status) {
  if (status.ok()) return {"", ""};
  return {"error", Quoted(status.message())};
}

Field HexId(std::string_view key, uint64_t id) {
  char buf[17];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), id, 16);
  return {std::string(key), Quoted(std::string_view(buf, static_cast<size_t>(end - buf)))};
}

}  // namespace cairn::logging

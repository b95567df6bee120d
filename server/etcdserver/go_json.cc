#include "server/etcdserver/go_json.h"

namespace cairn::etcdserver {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

void AppendUnicodeEscape(std::string* out, unsigned code) {
  out->append("\\u");
  for (int shift = 12; shift >= 0; shift -= 4) out->push_back(kHexDigits[(code >> shift) & 0xf]);
}

// Length of the valid UTF-8 sequence at s[i] (1..4), or 0 when invalid (Go's utf8.DecodeRune
// returning RuneError with width 1).
size_t Utf8SequenceBytes(std::string_view s, size_t i, unsigned* rune) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned c0 = b(i);
  size_t n = 0;
  unsigned r = 0, min = 0;
  if (c0 >= 0xc2 && c0 <= 0xdf) {
    n = 2, r = c0 & 0x1f, min = 0x80;
  } else if (c0 >= 0xe0 && c0 <= 0xef) {
    n = 3, r = c0 & 0x0f, min = 0x800;
  } else if (c0 >= 0xf0 && c0 <= 0xf4) {
    n = 4, r = c0 & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xc0) != 0x80) return 0;
    r = (r << 6) | (b(i + k) & 0x3f);
  }
  if (r < min || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) return 0;
  *rune = r;
  return n;
}

}  // namespace

void AppendGoJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out->append("\\\""); break;
        case '\\': out->append("\\\\"); break;
        case '\n': out->append("\\n"); break;
        case '\r': out->append("\\r"); break;
        case '\t': out->append("\\t"); break;
        default:
          if (c < 0x20 || c == '<' || c == '>' || c == '&') {
            AppendUnicodeEscape(out, c);
          } else {
            out->push_back(static_cast<char>(c));
          }
      }
      ++i;
      continue;
    }
    unsigned rune = 0;
    const size_t n = Utf8SequenceBytes(s, i, &rune);
    if (n == 0) {
      out->append("\\ufffd");
      ++i;
    } else if (rune == 0x2028 || rune == 0x2029) {
      AppendUnicodeEscape(out, rune);
      i += n;
    } else {
      out->append(s.substr(i, n));
      i += n;
    }
  }
  out->push_back('"');
}

void AppendGoJsonStrings(std::string* out, const std::vector<std::string>& values) {
  out->push_back('[');
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendGoJsonString(out, values[i]);
  }
  out->push_back(']');
}

}  // namespace cairn::etcdserver

#include "server/snapshot/member_records.h"

#include <algorithm>
#include <cstdio>

#include "server/etcdserver/member_id.h"

namespace cairn::snapshot {
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

void AppendStringArray(std::string* out, const std::vector<std::string>& values) {
  out->push_back('[');
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendGoJsonString(out, values[i]);
  }
  out->push_back(']');
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

std::string MemberKey(uint64_t id) { return etcdserver::IdToHex(id); }

std::string MemberJson(const MemberRecord& m) {
  // Field order is the Go struct's: ID, then the embedded RaftAttributes (peerURLs, isLearner),
  // then the embedded Attributes (name, clientURLs).
  std::string out = "{\"id\":" + std::to_string(m.id) + ",\"peerURLs\":";
  if (m.peer_urls.empty()) {
    out += "null";  // a nil slice without omitempty
  } else {
    AppendStringArray(&out, m.peer_urls);
  }
  if (m.is_learner) out += ",\"isLearner\":true";
  if (!m.name.empty()) {
    out += ",\"name\":";
    AppendGoJsonString(&out, m.name);
  }
  if (!m.client_urls.empty()) {
    out += ",\"clientURLs\":";
    AppendStringArray(&out, m.client_urls);
  }
  out += '}';
  return out;
}

std::string ConfStateJson(std::vector<uint64_t> voter_ids) {
  std::sort(voter_ids.begin(), voter_ids.end());
  std::string out = "{\"voters\":[";
  for (size_t i = 0; i < voter_ids.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += std::to_string(voter_ids[i]);
  }
  out += "],\"auto_leave\":false}";
  return out;
}

std::string BigEndian64(uint64_t value) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return out;
}

}  // namespace cairn::snapshot

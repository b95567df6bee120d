#include "ctl/go_json.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/reflection.h>

#include <cstdio>

namespace cairn::ctl {
namespace {

using google::protobuf::FieldDescriptor;

// Length of a valid UTF-8 sequence at s[i], 0 if invalid.
size_t Utf8Len(const std::string& s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
  for (size_t k = 1; k < n; ++k) {
    const auto d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (d & 0x3F);
  }
  if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
    return 0;
  if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
  return n;
}

std::string Camel(const std::string& snake) {
  std::string out;
  bool up = true;
  for (char c : snake) {
    if (c == '_') {
      up = true;
      continue;
    }
    out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    up = false;
  }
  return out;
}

bool IsZero(const google::protobuf::Message& m, const FieldDescriptor* f) {
  const auto* r = m.GetReflection();
  if (f->is_repeated()) return r->FieldSize(m, f) == 0;
  if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) return !r->HasField(m, f);
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32: return r->GetInt32(m, f) == 0;
    case FieldDescriptor::CPPTYPE_INT64: return r->GetInt64(m, f) == 0;
    case FieldDescriptor::CPPTYPE_UINT32: return r->GetUInt32(m, f) == 0;
    case FieldDescriptor::CPPTYPE_UINT64: return r->GetUInt64(m, f) == 0;
    case FieldDescriptor::CPPTYPE_BOOL: return !r->GetBool(m, f);
    case FieldDescriptor::CPPTYPE_ENUM: return r->GetEnumValue(m, f) == 0;
    case FieldDescriptor::CPPTYPE_STRING: return r->GetString(m, f).empty();
    default: return false;
  }
}

void AppendValue(const google::protobuf::Message& m, const FieldDescriptor* f, int index, std::string* out) {
  const auto* r = m.GetReflection();
  const bool rep = index >= 0;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      *out += std::to_string(rep ? r->GetRepeatedInt32(m, f, index) : r->GetInt32(m, f));
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      *out += std::to_string(rep ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f));
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      *out += std::to_string(rep ? r->GetRepeatedUInt32(m, f, index) : r->GetUInt32(m, f));
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      *out += std::to_string(rep ? r->GetRepeatedUInt64(m, f, index) : r->GetUInt64(m, f));
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      *out += (rep ? r->GetRepeatedBool(m, f, index) : r->GetBool(m, f)) ? "true" : "false";
      break;
    case FieldDescriptor::CPPTYPE_ENUM:
      *out += std::to_string(rep ? r->GetRepeatedEnumValue(m, f, index) : r->GetEnumValue(m, f));
      break;
    case FieldDescriptor::CPPTYPE_STRING: {
      const std::string v = rep ? r->GetRepeatedString(m, f, index) : r->GetString(m, f);
      if (f->type() == FieldDescriptor::TYPE_BYTES) {
        AppendGoJsonBytes(v, out);
      } else {
        AppendGoJsonString(v, out);
      }
      break;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      AppendGoJson(rep ? r->GetRepeatedMessage(m, f, index) : r->GetMessage(m, f), out);
      break;
    default: *out += "null";
  }
}

void AppendField(const google::protobuf::Message& m, const FieldDescriptor* f, std::string* out) {
  if (!f->is_repeated()) return AppendValue(m, f, -1, out);
  *out += "[";
  const int n = m.GetReflection()->FieldSize(m, f);
  for (int i = 0; i < n; ++i) {
    if (i) *out += ",";
    AppendValue(m, f, i, out);
  }
  *out += "]";
}

}  // namespace

void AppendGoJsonString(const std::string& s, std::string* out) {
  static const char kHex[] = "0123456789abcdef";
  *out += '"';
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c == '"' || c == '\\') {
        *out += '\\';
        *out += static_cast<char>(c);
      } else if (c == '\n') {
        *out += "\\n";
      } else if (c == '\r') {
        *out += "\\r";
      } else if (c == '\t') {
        *out += "\\t";
      } else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
        *out += "\\u00";
        *out += kHex[c >> 4];
        *out += kHex[c & 0xF];
      } else {
        *out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    const size_t n = Utf8Len(s, i);
    if (n == 0) {
      *out += "\\ufffd";
      ++i;
      continue;
    }
    if (n == 3 && c == 0xE2 && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(s[i + 2]) & 0xFE) == 0xA8) {
      *out += (static_cast<unsigned char>(s[i + 2]) == 0xA8) ? "\\u2028" : "\\u2029";
    } else {
      out->append(s, i, n);
    }
    i += n;
  }
  *out += '"';
}

void AppendGoJsonBytes(const std::string& b, std::string* out) {
  static const char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  *out += '"';
  size_t i = 0;
  for (; i + 2 < b.size(); i += 3) {
    const uint32_t v = (static_cast<unsigned char>(b[i]) << 16) |
                       (static_cast<unsigned char>(b[i + 1]) << 8) | static_cast<unsigned char>(b[i + 2]);
    *out += kB64[(v >> 18) & 63];
    *out += kB64[(v >> 12) & 63];
    *out += kB64[(v >> 6) & 63];
    *out += kB64[v & 63];
  }
  if (i + 1 == b.size()) {
    const uint32_t v = static_cast<unsigned char>(b[i]) << 16;
    *out += kB64[(v >> 18) & 63];
    *out += kB64[(v >> 12) & 63];
    *out += "==";
  } else if (i + 2 == b.size()) {
    const uint32_t v = (static_cast<unsigned char>(b[i]) << 16) | (static_cast<unsigned char>(b[i + 1]) << 8);
    *out += kB64[(v >> 18) & 63];
    *out += kB64[(v >> 12) & 63];
    *out += kB64[(v >> 6) & 63];
    *out += '=';
  }
  *out += '"';
}

bool AppendGoJsonFields(const google::protobuf::Message& m, std::string* out) {
  const auto* d = m.GetDescriptor();
  bool first = true;
  auto key = [&](const std::string& k) {
    if (!first) *out += ",";
    first = false;
    AppendGoJsonString(k, out);
    *out += ":";
  };
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    const auto* oneof = f->real_containing_oneof();
    if (oneof != nullptr) {
      if (oneof->field(0) != f) continue;  // the Go interface field sits at the oneof's first member
      key(Camel(oneof->name()));
      const FieldDescriptor* set = m.GetReflection()->GetOneofFieldDescriptor(m, oneof);
      if (set == nullptr) {
        *out += "null";
      } else {
        *out += "{";  // the Go wrapper struct's field has no json tag: its Go name is the key
        AppendGoJsonString(Camel(set->name()), out);
        *out += ":";
        AppendField(m, set, out);
        *out += "}";
      }
      continue;
    }
    if (IsZero(m, f)) continue;
    key(f->name());
    AppendField(m, f, out);
  }
  return !first;
}

void AppendGoJson(const google::protobuf::Message& m, std::string* out) {
  *out += "{";
  AppendGoJsonFields(m, out);
  *out += "}";
}

}  // namespace cairn::ctl

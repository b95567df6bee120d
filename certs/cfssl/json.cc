#include "certs/cfssl/json.h"

#include <strings.h>

#include <cstdio>
#include <cstdlib>

namespace cairn::certs::json {
namespace {

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  Status Document(Value* out) {
    SkipSpace();
    CAIRN_RETURN_IF_ERROR(ParseValue(out, 0));
    SkipSpace();
    if (i_ != s_.size()) return Invalid("after top-level value");
    return Status::Ok();
  }

 private:
  static constexpr int kMaxDepth = 100;

  void SkipSpace() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  Status Invalid(const char* context) {
    if (i_ >= s_.size()) return Status::InvalidArgument("unexpected end of JSON input");
    char c[8];
    std::snprintf(c, sizeof(c), "%c", s_[i_]);
    return Status::InvalidArgument(std::string("invalid character '") + c + "' " + context);
  }
  bool Literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }

  Status ParseValue(Value* v, int depth) {
    if (depth > kMaxDepth) return Status::InvalidArgument("exceeded max depth");
    if (i_ >= s_.size()) return Invalid("");
    const char c = s_[i_];
    if (c == '{') return ParseObject(v, depth);
    if (c == '[') return ParseArray(v, depth);
    if (c == '"') {
      v->type = Value::Type::kString;
      return ParseString(&v->string);
    }
    if (c == '-' || (c >= '0' && c <= '9')) return ParseNumber(v);
    if (Literal("true")) {
      v->type = Value::Type::kBool;
      v->boolean = true;
      return Status::Ok();
    }
    if (Literal("false")) {
      v->type = Value::Type::kBool;
      return Status::Ok();
    }
    if (Literal("null")) return Status::Ok();
    return Invalid("looking for beginning of value");
  }

  Status ParseObject(Value* v, int depth) {
    v->type = Value::Type::kObject;
    ++i_;
    SkipSpace();
    if (i_ < s_.size() && s_[i_] == '}') {
      ++i_;
      return Status::Ok();
    }
    while (true) {
      SkipSpace();
      if (i_ >= s_.size() || s_[i_] != '"') return Invalid("looking for beginning of object key string");
      std::string key;
      CAIRN_RETURN_IF_ERROR(ParseString(&key));
      SkipSpace();
      if (i_ >= s_.size() || s_[i_] != ':') return Invalid("after object key");
      ++i_;
      SkipSpace();
      Value member;
      CAIRN_RETURN_IF_ERROR(ParseValue(&member, depth + 1));
      v->object.push_back(Member{std::move(key), std::move(member)});
      SkipSpace();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < s_.size() && s_[i_] == '}') {
        ++i_;
        return Status::Ok();
      }
      return Invalid("after object key:value pair");
    }
  }

  Status ParseArray(Value* v, int depth) {
    v->type = Value::Type::kArray;
    ++i_;
    SkipSpace();
    if (i_ < s_.size() && s_[i_] == ']') {
      ++i_;
      return Status::Ok();
    }
    while (true) {
      SkipSpace();
      Value element;
      CAIRN_RETURN_IF_ERROR(ParseValue(&element, depth + 1));
      v->array.push_back(std::move(element));
      SkipSpace();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < s_.size() && s_[i_] == ']') {
        ++i_;
        return Status::Ok();
      }
      return Invalid("after array element");
    }
  }

  Status ParseNumber(Value* v) {
    const size_t start = i_;
    if (s_[i_] == '-') ++i_;
    auto digits = [&] {
      const size_t b = i_;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
      return i_ > b;
    };
    if (!digits()) return Invalid("in numeric literal");
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      if (!digits()) return Invalid("after decimal point in numeric literal");
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (!digits()) return Invalid("in exponent of numeric literal");
    }
    v->type = Value::Type::kNumber;
    v->number = std::strtod(std::string(s_.substr(start, i_ - start)).c_str(), nullptr);
    return Status::Ok();
  }

  static void AppendUtf8(std::string* out, uint32_t cp) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  bool Hex4(uint32_t* out) {
    if (i_ + 4 > s_.size()) return false;
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = s_[i_ + k];
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= c - '0';
      else if (c >= 'a' && c <= 'f')
        v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        v |= c - 'A' + 10;
      else
        return false;
    }
    i_ += 4;
    *out = v;
    return true;
  }

  Status ParseString(std::string* out) {
    ++i_;  // opening quote
    while (true) {
      if (i_ >= s_.size()) return Invalid("");
      const char c = s_[i_];
      if (c == '"') {
        ++i_;
        return Status::Ok();
      }
      if (static_cast<unsigned char>(c) < 0x20) return Invalid("in string literal");
      if (c != '\\') {
        out->push_back(c);
        ++i_;
        continue;
      }
      ++i_;
      if (i_ >= s_.size()) return Invalid("");
      const char e = s_[i_++];
      switch (e) {
        case '"': out->push_back('"'); break;
        case '\\': out->push_back('\\'); break;
        case '/': out->push_back('/'); break;
        case 'b': out->push_back('\b'); break;
        case 'f': out->push_back('\f'); break;
        case 'n': out->push_back('\n'); break;
        case 'r': out->push_back('\r'); break;
        case 't': out->push_back('\t'); break;
        case 'u': {
          uint32_t cp = 0;
          if (!Hex4(&cp)) return Invalid("in \\u hexadecimal character escape");
          if (cp >= 0xD800 && cp < 0xDC00 && s_.substr(i_, 2) == "\\u") {
            const size_t save = i_;
            i_ += 2;
            uint32_t lo = 0;
            if (Hex4(&lo) && lo >= 0xDC00 && lo < 0xE000) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else {
              i_ = save;
              cp = 0xFFFD;
            }
          } else if (cp >= 0xD800 && cp < 0xE000) {
            cp = 0xFFFD;
          }
          AppendUtf8(out, cp);
          break;
        }
        default: --i_; return Invalid("in string escape code");
      }
    }
  }

  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

const Value* Value::Find(std::string_view key) const {
  const Value* folded = nullptr;
  for (const auto& [k, v] : object) {
    if (k == key) return &v;
    if (folded == nullptr && k.size() == key.size() && strncasecmp(k.data(), key.data(), k.size()) == 0) {
      folded = &v;
    }
  }
  return folded;
}

const char* Value::TypeName() const {
  switch (type) {
    case Type::kNull: return "null";
    case Type::kBool: return "bool";
    case Type::kNumber: return "number";
    case Type::kString: return "string";
    case Type::kArray: return "array";
    case Type::kObject: return "object";
  }
  return "?";
}

Status Parse(std::string_view text, Value* out) {
  *out = Value();
  return Parser(text).Document(out);
}

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '<': out += "\\u003c"; break;
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out += "\"";
  return out;
}

}  // namespace cairn::certs::json

#include "k8s/yaml_tree.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cassert>
#include <cctype>
#include <regex>

namespace cairn::k8s {
namespace {

bool IsYaml11Bool(const std::string& s) {
  static const char* const kWords[] = {"y",  "Y",  "yes",  "Yes",  "YES",  "n",     "N",     "no",
                                       "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
                                       "on", "On", "ON",   "off",  "Off",  "OFF"};
  return std::any_of(std::begin(kWords), std::end(kWords), [&](const char* w) { return s == w; });
}

bool IsYamlNull(const std::string& s) { return s == "~" || s == "null" || s == "Null" || s == "NULL"; }

// YAML 1.1's int and float forms (the resolvers of go-yaml v2 and PyYAML): a plain scalar that
// matches one of them reads back as a number. "127.0.0.1" and "0.1.0" do not and stay plain.
bool LooksNumeric(const std::string& s) {
  static const std::regex kNumber(
      "[-+]?(0b[01_]+|0[0-7_]+|(0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+|[1-9][0-9_]*(:[0-5]?[0-9])+)"
      "|[-+]?([0-9][0-9_]*)?\\.[0-9_]*([eE][-+]?[0-9]+)?"
      "|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\\.[0-9_]*"
      "|[-+]?[0-9]+[eE][-+]?[0-9]+"
      "|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)");
  return std::regex_match(s, kNumber);
}

// yaml-cpp's double-quoted style: YAML escapes for '"', '\\' and control characters.
std::string Quote(const std::string& s) {
  YAML::Emitter out;
  out << YAML::DoubleQuoted << s;
  return out.c_str();
}

bool IsEmptyContainer(const YamlNode& n) {
  return (n.kind() == YamlNode::Kind::kMap && n.map_items().empty()) ||
         (n.kind() == YamlNode::Kind::kSeq && n.seq_items().empty());
}

bool IsInline(const YamlNode& n) {
  return n.kind() != YamlNode::Kind::kMap && n.kind() != YamlNode::Kind::kSeq ? true : IsEmptyContainer(n);
}

std::string InlineText(const YamlNode& n) {
  switch (n.kind()) {
    case YamlNode::Kind::kNull: return "null";
    case YamlNode::Kind::kBool:
    case YamlNode::Kind::kInt: return n.scalar();
    case YamlNode::Kind::kString: return YamlNeedsQuotes(n.scalar()) ? Quote(n.scalar()) : n.scalar();
    case YamlNode::Kind::kMap: return "{}";
    case YamlNode::Kind::kSeq: return "[]";
  }
  return "";
}

void EmitSeq(const YamlNode& seq, int indent, std::string* out);

// Emits a non-empty map's entries at `indent`; when `first_inline`, the first key continues the
// current line (after "- ").
void EmitMap(const YamlNode& map, int indent, bool first_inline, std::string* out) {
  bool first = true;
  for (const auto& [key, value] : map.map_items()) {
    if (!(first && first_inline)) out->append(static_cast<size_t>(indent), ' ');
    first = false;
    out->append(YamlNeedsQuotes(key) ? Quote(key) : key);
    out->push_back(':');
    if (IsInline(value)) {
      out->append(" " + InlineText(value) + "\n");
    } else if (value.kind() == YamlNode::Kind::kMap) {
      out->push_back('\n');
      EmitMap(value, indent + 2, false, out);
    } else {
      out->push_back('\n');
      EmitSeq(value, indent, out);  // go-yaml v2: a sequence in a mapping is not indented
    }
  }
}

void EmitSeq(const YamlNode& seq, int indent, std::string* out) {
  for (const YamlNode& item : seq.seq_items()) {
    out->append(static_cast<size_t>(indent), ' ');
    out->append("-");
    if (IsInline(item)) {
      out->append(" " + InlineText(item) + "\n");
    } else if (item.kind() == YamlNode::Kind::kMap) {
      out->push_back(' ');
      EmitMap(item, indent + 2, true, out);
    } else {
      out->push_back('\n');
      EmitSeq(item, indent + 2, out);
    }
  }
}

}  // namespace

YamlNode YamlNode::Bool(bool b) {
  YamlNode n(Kind::kBool);
  n.scalar_ = b ? "true" : "false";
  return n;
}

YamlNode YamlNode::Int(int64_t i) {
  YamlNode n(Kind::kInt);
  n.scalar_ = std::to_string(i);
  return n;
}

YamlNode YamlNode::Str(std::string s) {
  YamlNode n(Kind::kString);
  n.scalar_ = std::move(s);
  return n;
}

YamlNode YamlNode::StrSeq(const std::vector<std::string>& items) {
  YamlNode n = Seq();
  for (const std::string& s : items) n.Append(Str(s));
  return n;
}

YamlNode& YamlNode::Set(const std::string& key, YamlNode value) {
  assert(kind_ == Kind::kMap);
  auto it = std::lower_bound(
      map_.begin(), map_.end(), key,
      [](const std::pair<std::string, YamlNode>& e, const std::string& k) { return e.first < k; });
  if (it != map_.end() && it->first == key) {
    it->second = std::move(value);
  } else {
    map_.insert(it, {key, std::move(value)});
  }
  return *this;
}

YamlNode& YamlNode::Append(YamlNode item) {
  assert(kind_ == Kind::kSeq);
  seq_.push_back(std::move(item));
  return *this;
}

const YamlNode* YamlNode::Find(const std::string& key) const {
  assert(kind_ == Kind::kMap);
  for (const auto& [k, v] : map_) {
    if (k == key) return &v;
  }
  return nullptr;
}

bool YamlNeedsQuotes(const std::string& s) {
  if (s.empty() || IsYaml11Bool(s) || IsYamlNull(s) || LooksNumeric(s)) return true;
  if (s.front() == ' ' || s.back() == ' ') return true;
  if (std::string("-?:,[]{}#&*!|>'\"%@`").find(s.front()) != std::string::npos) {
    // "-" alone or "- x" start a sequence entry; "--flag" is plain in go-yaml's output.
    if (s.front() != '-' || s.size() == 1 || s[1] == ' ') return true;
  }
  if (s.find(": ") != std::string::npos || s.find(" #") != std::string::npos || s.back() == ':') return true;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

std::string EmitYaml(const YamlNode& root) {
  std::string out;
  if (root.kind() == YamlNode::Kind::kMap && !root.map_items().empty()) {
    EmitMap(root, 0, false, &out);
  } else if (root.kind() == YamlNode::Kind::kSeq && !root.seq_items().empty()) {
    EmitSeq(root, 0, &out);
  } else {
    out = InlineText(root) + "\n";
  }
  return out;
}

}  // namespace cairn::k8s

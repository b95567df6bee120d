// A small YAML document tree and its serializer, in the layout kubeadm's files have.
//
// kubeadm builds a v1.Pod and serializes it with sigs.k8s.io/yaml (JSON -> go-yaml v2): map keys
// sorted, block style, sequences inside a mapping not indented ("containers:\n- command:"),
// two-space indentation, strings plain unless a plain scalar would read back as something else,
// then double-quoted. `cairn k8s` builds its manifests as these trees (never by filling string
// templates) and EmitYaml writes them the same way, so a generated file reads like kubeadm's.
//
// Maps keep their keys sorted by byte order (go-yaml's order for every key kubeadm and Cairn use:
// ASCII letters, '-', '.', '/').
#ifndef CAIRN_K8S_YAML_TREE_H_
#define CAIRN_K8S_YAML_TREE_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace cairn::k8s {

class YamlNode {
 public:
  enum class Kind { kNull, kBool, kInt, kString, kSeq, kMap };

  static YamlNode Null() { return YamlNode(Kind::kNull); }
  static YamlNode Bool(bool b);
  static YamlNode Int(int64_t i);
  static YamlNode Str(std::string s);
  static YamlNode Seq() { return YamlNode(Kind::kSeq); }
  static YamlNode Map() { return YamlNode(Kind::kMap); }
  // A sequence of strings.
  static YamlNode StrSeq(const std::vector<std::string>& items);

  // REQUIRES: kind() == kMap. Inserts or replaces `key`; returns *this for chaining.
  YamlNode& Set(const std::string& key, YamlNode value);
  // REQUIRES: kind() == kSeq. Returns *this for chaining.
  YamlNode& Append(YamlNode item);

  // REQUIRES: kind() == kMap; nullptr when absent.
  const YamlNode* Find(const std::string& key) const;

  Kind kind() const { return kind_; }
  const std::string& scalar() const { return scalar_; }
  const std::vector<std::pair<std::string, YamlNode>>& map_items() const { return map_; }
  const std::vector<YamlNode>& seq_items() const { return seq_; }

 private:
  explicit YamlNode(Kind k) : kind_(k) {}
  Kind kind_;
  std::string scalar_;  // the scalar's text for kBool ("true"/"false"), kInt and kString
  std::vector<std::pair<std::string, YamlNode>> map_;  // sorted by key
  std::vector<YamlNode> seq_;
};

// The document as text, ending with a newline.
std::string EmitYaml(const YamlNode& root);

// True when `s` must be double-quoted to read back as this string (YAML 1.1 as go-yaml resolves
// plain scalars: booleans such as yes/no/on/off, null and ~, numbers, indicators, ": ", " #").
bool YamlNeedsQuotes(const std::string& s);

}  // namespace cairn::k8s

#endif  // CAIRN_K8S_YAML_TREE_H_

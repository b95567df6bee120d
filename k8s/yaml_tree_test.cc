#include "k8s/yaml_tree.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

namespace cairn::k8s {
namespace {

TEST(YamlTreeTest, KubeadmLayout) {
  YamlNode container = YamlNode::Map();
  container.Set("name", YamlNode::Str("etcd")).Set("command", YamlNode::StrSeq({"etcd", "--name=a"}));
  YamlNode spec = YamlNode::Map();
  spec.Set("containers", YamlNode::Seq().Append(container)).Set("hostNetwork", YamlNode::Bool(true));
  YamlNode root = YamlNode::Map();
  root.Set("spec", spec).Set("apiVersion", YamlNode::Str("v1")).Set("status", YamlNode::Map());
  root.Set("metadata", YamlNode::Map().Set("creationTimestamp", YamlNode::Null()));
  EXPECT_EQ(EmitYaml(root),
            "apiVersion: v1\n"
            "metadata:\n"
            "  creationTimestamp: null\n"
            "spec:\n"
            "  containers:\n"
            "  - command:\n"
            "    - etcd\n"
            "    - --name=a\n"
            "    name: etcd\n"
            "  hostNetwork: true\n"
            "status: {}\n");
}

TEST(YamlTreeTest, QuotesWhatWouldReadBackAsAnotherType) {
  for (const char* s :
       {"",    "true", "no",   "on",   "null", "~",    "8589934592", "1.5", "-1",    "0x1F",  ".5",
        "1e3", "1:20", "a: b", "x #c", "- a",  "*ref", "&a",         "{x}", " lead", "trail "}) {
    EXPECT_TRUE(YamlNeedsQuotes(s)) << s;
  }
  for (const char* s :
       {"etcd", "--name=a", "https://10.0.0.1:2379", "127.0.0.1", "0.1.0", "100m", "100Mi", "/var/lib/etcd",
        "kubeadm.kubernetes.io/etcd.advertise-client-urls", "system-node-critical"}) {
    EXPECT_FALSE(YamlNeedsQuotes(s)) << s;
  }
}

// yaml-cpp reads back every string exactly, including the ones that needed quotes.
TEST(YamlTreeTest, RoundTripsThroughYamlCpp) {
  const std::vector<std::string> values = {"8589934592",         "true",      "a: b",
                                           "quote\"back\\slash", "tab\there", "plain"};
  YamlNode root = YamlNode::Map();
  root.Set("list", YamlNode::StrSeq(values)).Set("n", YamlNode::Int(-3));
  YAML::Node parsed = YAML::Load(EmitYaml(root));
  ASSERT_EQ(parsed["list"].size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(parsed["list"][i].as<std::string>(), values[i]);
    EXPECT_EQ(parsed["list"][i].Tag(), YamlNeedsQuotes(values[i]) ? "!" : "?") << values[i];
  }
  EXPECT_EQ(parsed["n"].as<int>(), -3);
}

TEST(YamlTreeTest, NestedSequencesAndEmptyContainers) {
  YamlNode root = YamlNode::Seq();
  root.Append(YamlNode::StrSeq({"a", "b"})).Append(YamlNode::Seq()).Append(YamlNode::Map());
  EXPECT_EQ(EmitYaml(root), "-\n  - a\n  - b\n- []\n- {}\n");
  YAML::Node parsed = YAML::Load(EmitYaml(root));
  EXPECT_EQ(parsed[0][1].as<std::string>(), "b");
}

}  // namespace
}  // namespace cairn::k8s

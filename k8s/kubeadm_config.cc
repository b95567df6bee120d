#include "k8s/kubeadm_config.h"

namespace cairn::k8s {
namespace {

YamlNode ClusterConfiguration(YamlNode etcd) {
  YamlNode root = YamlNode::Map();
  root.Set("apiVersion", YamlNode::Str("kubeadm.k8s.io/v1beta4"))
      .Set("etcd", std::move(etcd))
      .Set("kind", YamlNode::Str("ClusterConfiguration"));
  return root;
}

}  // namespace

bool SplitKubeadmEtcdImage(const std::string& image, std::string* repository, std::string* tag,
                           std::string* error) {
  const size_t colon = image.rfind(':');
  const size_t slash = image.rfind('/');
  const std::string suffix = "/etcd";
  if (colon == std::string::npos || slash == std::string::npos || colon < slash ||
      colon + 1 == image.size() || slash != colon - suffix.size() ||
      image.compare(slash, suffix.size(), suffix) != 0 || slash == 0) {
    *error = "--image: \"" + image +
             "\" is not REPOSITORY/etcd:TAG (kubeadm names the etcd image imageRepository/etcd:imageTag)";
    return false;
  }
  *repository = image.substr(0, slash);
  *tag = image.substr(colon + 1);
  return true;
}

YamlNode LocalEtcdClusterConfiguration(const std::string& repository, const std::string& tag,
                                       const std::string& data_dir, int64_t quota_backend_bytes) {
  YamlNode quota = YamlNode::Map();
  quota.Set("name", YamlNode::Str("quota-backend-bytes"))
      .Set("value", YamlNode::Str(std::to_string(quota_backend_bytes)));
  YamlNode local = YamlNode::Map();
  local.Set("dataDir", YamlNode::Str(data_dir))
      .Set("extraArgs", YamlNode::Seq().Append(std::move(quota)))
      .Set("imageRepository", YamlNode::Str(repository))
      .Set("imageTag", YamlNode::Str(tag));
  YamlNode etcd = YamlNode::Map();
  etcd.Set("local", std::move(local));
  return ClusterConfiguration(std::move(etcd));
}

YamlNode ExternalEtcdClusterConfiguration(const std::vector<std::string>& endpoints,
                                          const std::string& pki_dir) {
  YamlNode external = YamlNode::Map();
  external.Set("caFile", YamlNode::Str(pki_dir + "/etcd/ca.crt"))
      .Set("certFile", YamlNode::Str(pki_dir + "/apiserver-etcd-client.crt"))
      .Set("endpoints", YamlNode::StrSeq(endpoints))
      .Set("keyFile", YamlNode::Str(pki_dir + "/apiserver-etcd-client.key"));
  YamlNode etcd = YamlNode::Map();
  etcd.Set("external", std::move(external));
  return ClusterConfiguration(std::move(etcd));
}

}  // namespace cairn::k8s

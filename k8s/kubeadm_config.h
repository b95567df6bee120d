// kubeadm ClusterConfiguration snippets (kubeadm.k8s.io/v1beta4, kubeadm 1.31's default API):
// `etcd.local` pointing kubeadm at Cairn's image, and `etcd.external` for the external topology.
#ifndef CAIRN_K8S_KUBEADM_CONFIG_H_
#define CAIRN_K8S_KUBEADM_CONFIG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "k8s/yaml_tree.h"

namespace cairn::k8s {

// kubeadm writes the etcd image as imageRepository + "/etcd:" + imageTag. Splits `image`
// ("REPO/etcd:TAG") into those two; false (and *error naming --image) for any other shape.
bool SplitKubeadmEtcdImage(const std::string& image, std::string* repository, std::string* tag,
                           std::string* error);

// etcd.local: imageRepository/imageTag, dataDir, and extraArgs carrying the quota, so that
// `kubeadm init --config` writes the same static pod `cairn k8s stacked` writes.
YamlNode LocalEtcdClusterConfiguration(const std::string& repository, const std::string& tag,
                                       const std::string& data_dir, int64_t quota_backend_bytes);

// etcd.external: endpoints, caFile, certFile, keyFile (kube-apiserver's etcd client certificate).
YamlNode ExternalEtcdClusterConfiguration(const std::vector<std::string>& endpoints,
                                          const std::string& pki_dir);

}  // namespace cairn::k8s

#endif  // CAIRN_K8S_KUBEADM_CONFIG_H_

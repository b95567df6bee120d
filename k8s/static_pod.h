// The etcd static pod, built as kubeadm 1.31 builds it (phases/etcd/local.go GetEtcdPodSpec and
// util/staticpod/utils.go ComponentPod, LivenessProbe, ReadinessProbe, StartupProbe): same
// metadata, probes, resources, volumes and security context, with Cairn's image and flags.
#ifndef CAIRN_K8S_STATIC_POD_H_
#define CAIRN_K8S_STATIC_POD_H_

#include <string>

#include "k8s/etcd_flags.h"
#include "k8s/yaml_tree.h"

namespace cairn::k8s {

struct StaticPodNames {
  std::string pod = "etcd";  // pod, container and `component` label
  std::string data_volume = "etcd-data";
  std::string certs_volume = "etcd-certs";
  // kubeadm finds its stacked members by the label component=etcd and this annotation; a second
  // store (events) must carry neither, or kubeadm would take it for a member of the main cluster.
  bool kubeadm_member = true;
};

YamlNode EtcdStaticPod(const EtcdMemberConfig& config, const StaticPodNames& names, const std::string& image);

}  // namespace cairn::k8s

#endif  // CAIRN_K8S_STATIC_POD_H_

// The etcd flag set of one member, as kubeadm 1.31 writes it for its local etcd
// (cmd/kubeadm/app/phases/etcd/local.go getEtcdCommand), plus Cairn's additions (quota,
// events tuning). One table feeds the static pod's command, the systemd environment file and
// the tests: the flags are the same whichever way the member is started.
#ifndef CAIRN_K8S_ETCD_FLAGS_H_
#define CAIRN_K8S_ETCD_FLAGS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "k8s/member.h"

namespace cairn::k8s {

struct EtcdMemberConfig {
  std::string name;               // --name
  std::string advertise_address;  // the member's IP (kubeadm's APIEndpoint.AdvertiseAddress)
  // The whole cluster (this member included) for --initial-cluster; empty = this member alone.
  std::vector<Member> cluster;
  bool existing = false;  // --initial-cluster-state=existing (a member joining a running cluster)
  int client_port = 2379;
  int peer_port = 2380;
  int metrics_port = 2381;
  std::string data_dir = "/var/lib/etcd";
  std::string pki_dir = "/etc/kubernetes/pki";  // certificates in pki_dir/etcd/ (kubeadm layout)
  int64_t snapshot_count = 10000;
  int64_t quota_backend_bytes = 0;  // 0: flag not written
  // More flags (name without "--", value), e.g. the events store's auto-compaction.
  std::vector<std::pair<std::string, std::string>> extra;
};

using Flag = std::pair<std::string, std::string>;  // name without "--", value

// The member's flags sorted by name, as kubeadm's ArgumentsToCommand sorts them.
std::vector<Flag> EtcdFlags(const EtcdMemberConfig& c);

// ["etcd", "--name=value", ...]: the static pod's command.
std::vector<std::string> EtcdCommand(const EtcdMemberConfig& c);

// The client URL this member advertises (the static pod's annotation, kubeadm's endpoints).
std::string AdvertiseClientUrl(const EtcdMemberConfig& c);

// "ETCD_" + upper-cased name with '-' as '_': etcd's environment variable for a flag.
std::string EtcdEnvName(const std::string& flag);

}  // namespace cairn::k8s

#endif  // CAIRN_K8S_ETCD_FLAGS_H_

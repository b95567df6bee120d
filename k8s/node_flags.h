// The flags that describe one member on one node, shared by `stacked` and `events` (the same
// names as `cairn certs kubeadm`: --node-name, --advertise-address, --pki-dir), and their
// validation into an EtcdMemberConfig.
#ifndef CAIRN_K8S_NODE_FLAGS_H_
#define CAIRN_K8S_NODE_FLAGS_H_

#include <cstdint>
#include <string>

#include "k8s/cli.h"
#include "k8s/etcd_flags.h"

namespace cairn::k8s {

struct NodeFlags {
  std::string node_name;
  std::string advertise_address;
  std::string join;  // "name=ip,..." of the running members; empty for the first member
  std::string image;
  std::string pki_dir;
  std::string data_dir;
  int64_t quota_backend_bytes = 0;
};

// Defaults: Cairn's image, kubeadm's PKI dir, and the store's data dir and quota.
NodeFlags DefaultNodeFlags(const std::string& data_dir, int64_t quota_backend_bytes);

void RegisterNodeFlags(CliFlags* flags, NodeFlags* node);

// Checks every flag (one-line error naming it) and fills *config's member part: name, address,
// cluster (the --join members, then this one), existing, data and PKI dirs, quota.
bool NodeConfig(const NodeFlags& node, EtcdMemberConfig* config, std::string* error);

// An absolute path with no whitespace, quotes, '$', '\\' or '%' (it goes into units and
// environment files unquoted). False with *error naming --flag.
bool CheckPathFlag(const std::string& flag, const std::string& value, std::string* error);

}  // namespace cairn::k8s

#endif  // CAIRN_K8S_NODE_FLAGS_H_

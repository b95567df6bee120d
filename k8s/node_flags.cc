#include "k8s/node_flags.h"

#include <algorithm>

#include "k8s/defaults.h"

namespace cairn::k8s {

NodeFlags DefaultNodeFlags(const std::string& data_dir, int64_t quota_backend_bytes) {
  NodeFlags n;
  n.image = kDefaultImage;
  n.pki_dir = kPkiDir;
  n.data_dir = data_dir;
  n.quota_backend_bytes = quota_backend_bytes;
  return n;
}

void RegisterNodeFlags(CliFlags* flags, NodeFlags* n) {
  flags->String("node-name", &n->node_name, "this member's name (kubeadm's node name; required)");
  flags->String("advertise-address", &n->advertise_address, "this node's IP address (required)");
  flags->String(
      "join", &n->join,
      "the running members as name=ip,... : this member joins them (--initial-cluster-state=existing)");
  flags->String("image", &n->image, "the image (REPOSITORY/etcd:TAG)");
  flags->String("pki-dir", &n->pki_dir, "kubeadm's certificate directory; certificates in PKI_DIR/etcd/");
  flags->String("data-dir", &n->data_dir, "the member's data directory on the host");
  flags->Int64("quota-backend-bytes", &n->quota_backend_bytes, "backend quota (--quota-backend-bytes)");
}

bool CheckPathFlag(const std::string& flag, const std::string& value, std::string* error) {
  const bool bad_char = std::any_of(value.begin(), value.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '"' || c == '\'' || c == '$' || c == '\\' || c == '%' ||
           c == ',' || c == '=';
  });
  if (value.empty() || value[0] != '/' || bad_char) {
    *error = "--" + flag + ": \"" + value +
             "\" is not an absolute path without spaces, quotes, ',', '=', '$', '\\' or '%'";
    return false;
  }
  return true;
}

bool NodeConfig(const NodeFlags& n, EtcdMemberConfig* c, std::string* error) {
  if (n.node_name.empty()) {
    *error = "--node-name is required";
    return false;
  }
  if (!IsValidMemberName(n.node_name)) {
    *error = "--node-name: \"" + n.node_name + "\" is not a valid member name (want [A-Za-z0-9._-]+)";
    return false;
  }
  if (n.advertise_address.empty()) {
    *error = "--advertise-address is required";
    return false;
  }
  if (!IsIpLiteral(n.advertise_address)) {
    *error = "--advertise-address: \"" + n.advertise_address + "\" is not an IP address";
    return false;
  }
  if (!CheckPathFlag("pki-dir", n.pki_dir, error) || !CheckPathFlag("data-dir", n.data_dir, error))
    return false;
  if (n.quota_backend_bytes <= 0) {
    *error = "--quota-backend-bytes: must be positive";
    return false;
  }
  c->name = n.node_name;
  c->advertise_address = n.advertise_address;
  c->pki_dir = n.pki_dir;
  c->data_dir = n.data_dir;
  c->quota_backend_bytes = n.quota_backend_bytes;
  c->cluster.clear();
  c->existing = false;
  if (!n.join.empty()) {
    if (!ParseMembers("join", n.join, &c->cluster, error)) return false;
    bool self_listed = false;
    for (const Member& m : c->cluster) {
      if (m.name == n.node_name || m.ip == n.advertise_address) {
        if (m.name != n.node_name || m.ip != n.advertise_address) {
          *error = "--join: member \"" + m.name + "=" + m.ip + "\" clashes with --node-name " + n.node_name +
                   " / --advertise-address " + n.advertise_address;
          return false;
        }
        self_listed = true;
      }
    }
    if (!self_listed) c->cluster.push_back(Member{n.node_name, n.advertise_address});
    c->existing = true;
  }
  for (const Member& m : c->cluster) {
    if (IsIpv6Literal(m.ip) != IsIpv6Literal(n.advertise_address)) {
      *error = "--join: member \"" + m.name + "=" + m.ip + "\" is not of --advertise-address's IP family";
      return false;
    }
  }
  return true;
}

}  // namespace cairn::k8s

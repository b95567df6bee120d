#include "k8s/etcd_flags.h"

#include <algorithm>
#include <cctype>

namespace cairn::k8s {

std::string AdvertiseClientUrl(const EtcdMemberConfig& c) {
  return HttpsUrl(c.advertise_address, c.client_port);
}

std::vector<Flag> EtcdFlags(const EtcdMemberConfig& c) {
  const std::string loopback = LoopbackFor(c.advertise_address);
  const std::string peer_url = HttpsUrl(c.advertise_address, c.peer_port);
  const std::string etcd_pki = c.pki_dir + "/etcd/";
  std::string initial_cluster;
  if (c.cluster.empty()) {
    initial_cluster = c.name + "=" + peer_url;
  } else {
    for (const Member& m : c.cluster) {
      if (!initial_cluster.empty()) initial_cluster += ",";
      initial_cluster += m.name + "=" + HttpsUrl(m.ip, c.peer_port);
    }
  }
  std::vector<Flag> flags = {
      {"name", c.name},
      {"experimental-initial-corrupt-check", "true"},
      {"listen-client-urls", HttpsUrl(loopback, c.client_port) + "," + AdvertiseClientUrl(c)},
      {"advertise-client-urls", AdvertiseClientUrl(c)},
      {"listen-peer-urls", peer_url},
      {"initial-advertise-peer-urls", peer_url},
      {"data-dir", c.data_dir},
      {"cert-file", etcd_pki + "server.crt"},
      {"key-file", etcd_pki + "server.key"},
      {"trusted-ca-file", etcd_pki + "ca.crt"},
      {"client-cert-auth", "true"},
      {"peer-cert-file", etcd_pki + "peer.crt"},
      {"peer-key-file", etcd_pki + "peer.key"},
      {"peer-trusted-ca-file", etcd_pki + "ca.crt"},
      {"peer-client-cert-auth", "true"},
      {"snapshot-count", std::to_string(c.snapshot_count)},
      {"listen-metrics-urls", "http://" + HostPort(loopback, c.metrics_port)},
      {"experimental-watch-progress-notify-interval", "5s"},
      {"initial-cluster", initial_cluster},
  };
  if (c.existing) flags.push_back({"initial-cluster-state", "existing"});
  if (c.quota_backend_bytes > 0)
    flags.push_back({"quota-backend-bytes", std::to_string(c.quota_backend_bytes)});
  for (const Flag& f : c.extra) {
    auto it = std::find_if(flags.begin(), flags.end(), [&](const Flag& g) { return g.first == f.first; });
    if (it != flags.end()) {
      it->second = f.second;  // kubeadm: extraArgs override the defaults
    } else {
      flags.push_back(f);
    }
  }
  std::sort(flags.begin(), flags.end(), [](const Flag& a, const Flag& b) { return a.first < b.first; });
  return flags;
}

std::vector<std::string> EtcdCommand(const EtcdMemberConfig& c) {
  std::vector<std::string> command = {"etcd"};
  for (const Flag& f : EtcdFlags(c)) command.push_back("--" + f.first + "=" + f.second);
  return command;
}

std::string EtcdEnvName(const std::string& flag) {
  std::string env = "ETCD_";
  for (char ch : flag)
    env.push_back(ch == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
  return env;
}

}  // namespace cairn::k8s

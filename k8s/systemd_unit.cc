#include "k8s/systemd_unit.h"

namespace cairn::k8s {

std::string SystemdUnit(const UnitNames& n) {
  // etcd's contrib/systemd/etcd.service: Type=notify, restart always after 10 s, 40000 files.
  return "[Unit]\n"
         "Description=" + n.description + "\n"
         "Documentation=https://github.com/etcd-io/etcd docs/kubernetes.md\n"
         "After=network-online.target local-fs.target remote-fs.target time-sync.target\n"
         "Wants=network-online.target local-fs.target remote-fs.target time-sync.target\n"
         "\n"
         "[Service]\n"
         "Type=notify\n"
         "EnvironmentFile=" + n.env_file + "\n"
         "ExecStart=" + n.binary + "\n"
         "Restart=always\n"
         "RestartSec=10s\n"
         "LimitNOFILE=40000\n"
         "\n"
         "[Install]\n"
         "WantedBy=multi-user.target\n";
}

std::string EnvironmentFile(const std::string& header, const std::vector<Flag>& flags) {
  std::string out = "# " + header + "\n";
  for (const Flag& f : flags) out += EtcdEnvName(f.first) + "=" + f.second + "\n";
  return out;
}

}  // namespace cairn::k8s

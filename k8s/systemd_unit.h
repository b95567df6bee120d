// A member run by systemd: the unit (Type=notify: the server sends READY=1 on $NOTIFY_SOCKET
// once it serves, as etcd does) and its EnvironmentFile holding the flags as ETCD_* variables
// (the same flags a static pod gets on its command line: etcd_flags.h).
#ifndef CAIRN_K8S_SYSTEMD_UNIT_H_
#define CAIRN_K8S_SYSTEMD_UNIT_H_

#include <string>
#include <vector>

#include "k8s/etcd_flags.h"

namespace cairn::k8s {

struct UnitNames {
  std::string description;  // e.g. "Cairn etcd member m1"
  std::string binary;       // ExecStart, e.g. /usr/local/bin/etcd
  std::string env_file;     // EnvironmentFile path on the host
};

std::string SystemdUnit(const UnitNames& names);

// KEY=VALUE lines, one per flag, after a comment header. Values never need quoting (no spaces,
// quotes or '$' in any flag value the generators write; checked by the caller's validation).
std::string EnvironmentFile(const std::string& header, const std::vector<Flag>& flags);

}  // namespace cairn::k8s

#endif  // CAIRN_K8S_SYSTEMD_UNIT_H_

#include "certs/kubeadm/node_defaults.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cctype>
#include <fstream>
#include <sstream>

namespace cairn::certs::kubeadm {

std::string DefaultNodeName() {
  char buf[256] = {0};
  if (gethostname(buf, sizeof(buf) - 1) != 0) return "";
  std::string name(buf);
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

Status DefaultAdvertiseAddress(std::string* out) {
  std::ifstream routes("/proc/net/route");
  std::string line, iface;
  std::getline(routes, line);  // header
  while (std::getline(routes, line)) {
    std::istringstream fields(line);
    std::string name, destination, gateway, flags, refcnt, use, metric, mask;
    fields >> name >> destination >> gateway >> flags >> refcnt >> use >> metric >> mask;
    if (destination == "00000000" && mask == "00000000") {
      iface = name;
      break;
    }
  }
  if (iface.empty()) {
    return Status::NotFound("no default route to pick --advertise-address from; give --advertise-address");
  }
  ifaddrs* addrs = nullptr;
  if (getifaddrs(&addrs) != 0) return Status::FromErrno("getifaddrs", errno);
  Status result = Status::NotFound("interface " + iface + " has no IPv4 address; give --advertise-address");
  for (ifaddrs* a = addrs; a != nullptr; a = a->ifa_next) {
    if (a->ifa_addr == nullptr || a->ifa_addr->sa_family != AF_INET || iface != a->ifa_name) continue;
    char text[INET_ADDRSTRLEN] = {0};
    inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr, text, sizeof(text));
    *out = text;
    result = Status::Ok();
    break;
  }
  freeifaddrs(addrs);
  return result;
}

}  // namespace cairn::certs::kubeadm

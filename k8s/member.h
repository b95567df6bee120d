// Members and addresses as the generators take them: `name=ip,name=ip` lists, IP literals, and
// the URLs built from them (IPv6 in brackets).
#ifndef CAIRN_K8S_MEMBER_H_
#define CAIRN_K8S_MEMBER_H_

#include <string>
#include <vector>

namespace cairn::k8s {

struct Member {
  std::string name;
  std::string ip;
};

// True for an IPv4 or IPv6 literal (no brackets, no zone).
bool IsIpLiteral(const std::string& s);
bool IsIpv6Literal(const std::string& s);

// A member name etcd and systemd both accept as a file-name part: [A-Za-z0-9._-]+.
bool IsValidMemberName(const std::string& s);

// Parses "name=ip[,name=ip...]". On failure returns false and sets *error to a one-line message
// naming `flag` and the bad element. Duplicate names or IPs are errors.
bool ParseMembers(const std::string& flag, const std::string& text, std::vector<Member>* out,
                  std::string* error);

// "ip:port" or "[ip6]:port".
std::string HostPort(const std::string& ip, int port);
// "https://" + HostPort.
std::string HttpsUrl(const std::string& ip, int port);
// The loopback address of the same family as `ip` (kubeadm: 127.0.0.1 or ::1).
std::string LoopbackFor(const std::string& ip);

}  // namespace cairn::k8s

#endif  // CAIRN_K8S_MEMBER_H_

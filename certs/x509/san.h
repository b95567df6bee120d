// Subject alternative names: DNS names and IP addresses, in the order given (Go writes all DNS
// names, then all IPs). IPs are stored as Go marshals them: 4 bytes for IPv4 (and IPv4-mapped
// IPv6), 16 for IPv6.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cairn::certs {

struct SubjectAltNames {
  std::vector<std::string> dns_names;
  std::vector<std::string> ips;  // raw address bytes

  bool empty() const { return dns_names.empty() && ips.empty(); }
};

// Go's net.ParseIP: dotted IPv4 or IPv6 text. False when `text` is not an IP.
bool ParseIp(std::string_view text, std::string* bytes);
// "127.0.0.1", "::1": Go's net.IP.String() forms.
std::string IpText(const std::string& bytes);

// RFC 1123 subdomain (kubeadm's validation.IsDNS1123Subdomain), optionally with a leading "*.".
bool IsDnsName(std::string_view name);

}  // namespace cairn::certs

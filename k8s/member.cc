#include "k8s/member.h"

#include <arpa/inet.h>

#include <algorithm>

#include "k8s/concat.h"

namespace cairn::k8s {

bool IsIpv6Literal(const std::string& s) {
  in6_addr a6;
  return inet_pton(AF_INET6, s.c_str(), &a6) == 1;
}

bool IsIpLiteral(const std::string& s) {
  in_addr a4;
  return inet_pton(AF_INET, s.c_str(), &a4) == 1 || IsIpv6Literal(s);
}

bool IsValidMemberName(const std::string& s) {
  if (s.empty() || s == "." || s == "..") return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

bool ParseMembers(const std::string& flag, const std::string& text, std::vector<Member>* out,
                  std::string* error) {
  std::vector<Member> members;
  if (text.empty()) {
    *error = "--" + flag + ": empty member list (want name=ip[,name=ip...])";
    return false;
  }
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    const std::string item = text.substr(start, comma - start);
    const size_t eq = item.find('=');
    if (eq == std::string::npos) {
      *error = Concat({"--", flag, ": malformed member \"", item, "\" (want name=ip)"});
      return false;
    }
    Member m{item.substr(0, eq), item.substr(eq + 1)};
    if (!IsValidMemberName(m.name)) {
      *error = Concat(
          {"--", flag, ": invalid member name \"", m.name, "\" in \"", item, "\" (want [A-Za-z0-9._-]+)"});
      return false;
    }
    if (!IsIpLiteral(m.ip)) {
      *error = Concat({"--", flag, ": \"", m.ip, "\" is not an IP address (member \"", m.name, "\")"});
      return false;
    }
    for (const Member& other : members) {
      if (other.name == m.name || other.ip == m.ip) {
        *error = Concat({"--", flag, ": member \"", item, "\" repeats a name or an IP"});
        return false;
      }
    }
    members.push_back(std::move(m));
    start = comma + 1;
  }
  *out = std::move(members);
  return true;
}

std::string HostPort(const std::string& ip, int port) {
  return (IsIpv6Literal(ip) ? "[" + ip + "]" : ip) + ":" + std::to_string(port);
}

std::string HttpsUrl(const std::string& ip, int port) { return "https://" + HostPort(ip, port); }

std::string LoopbackFor(const std::string& ip) { return IsIpv6Literal(ip) ? "::1" : "127.0.0.1"; }

}  // namespace cairn::k8s

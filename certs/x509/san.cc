#include "certs/x509/san.h"

#include <arpa/inet.h>

#include <cstring>

namespace cairn::certs {

bool ParseIp(std::string_view text, std::string* bytes) {
  const std::string s(text);
  unsigned char buf[16];
  if (inet_pton(AF_INET, s.c_str(), buf) == 1) {
    bytes->assign(reinterpret_cast<char*>(buf), 4);
    return true;
  }
  if (inet_pton(AF_INET6, s.c_str(), buf) == 1) {
    static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(buf, kMapped, 12) == 0) {
      bytes->assign(reinterpret_cast<char*>(buf + 12), 4);
    } else {
      bytes->assign(reinterpret_cast<char*>(buf), 16);
    }
    return true;
  }
  return false;
}

std::string IpText(const std::string& bytes) {
  char buf[INET6_ADDRSTRLEN] = {0};
  inet_ntop(bytes.size() == 4 ? AF_INET : AF_INET6, bytes.data(), buf, sizeof(buf));
  return buf;
}

bool IsDnsName(std::string_view name) {
  if (name.substr(0, 2) == "*.") name.remove_prefix(2);
  if (name.empty() || name.size() > 253) return false;
  size_t label_start = 0;
  for (size_t i = 0; i <= name.size(); ++i) {
    if (i == name.size() || name[i] == '.') {
      const std::string_view label = name.substr(label_start, i - label_start);
      if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
      label_start = i + 1;
      continue;
    }
    const char c = name[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

}  // namespace cairn::certs

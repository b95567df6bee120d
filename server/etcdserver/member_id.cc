#include "server/etcdserver/member_id.h"

#include <openssl/sha.h>

#include <algorithm>
#include <cstdio>

namespace cairn::etcdserver {
namespace {

uint64_t FirstEightBigEndian(const std::string& bytes) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  uint64_t id = 0;
  for (int i = 0; i < 8; i++) id = (id << 8) | digest[i];
  return id;
}

}  // namespace

uint64_t ComputeMemberId(std::vector<std::string> peer_urls, const std::string& cluster_token,
                         std::optional<int64_t> added_at_unix_seconds) {
  std::sort(peer_urls.begin(), peer_urls.end());
  std::string b;
  for (const std::string& u : peer_urls) b += u;
  b += cluster_token;
  if (added_at_unix_seconds) b += std::to_string(*added_at_unix_seconds);
  return FirstEightBigEndian(b);
}

uint64_t ComputeClusterId(std::vector<uint64_t> member_ids) {
  std::sort(member_ids.begin(), member_ids.end());
  std::string b;
  for (uint64_t id : member_ids) {
    for (int shift = 56; shift >= 0; shift -= 8) b.push_back(static_cast<char>((id >> shift) & 0xff));
  }
  return FirstEightBigEndian(b);
}

std::string IdToHex(uint64_t id) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%llx", static_cast<unsigned long long>(id));
  return buf;
}

}  // namespace cairn::etcdserver

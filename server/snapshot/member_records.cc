#include "server/snapshot/member_records.h"

#include <algorithm>
#include <cstdio>

#include "server/etcdserver/member.h"
#include "server/etcdserver/member_id.h"

namespace cairn::snapshot {
std::string MemberKey(uint64_t id) { return etcdserver::IdToHex(id); }

std::string MemberJson(const MemberRecord& m) { return etcdserver::EncodeMemberJson(m); }

std::string ConfStateJson(std::vector<uint64_t> voter_ids) {
  std::sort(voter_ids.begin(), voter_ids.end());
  std::string out = "{\"voters\":[";
  for (size_t i = 0; i < voter_ids.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += std::to_string(voter_ids[i]);
  }
  out += "],\"auto_leave\":false}";
  return out;
}

}  // namespace cairn::snapshot

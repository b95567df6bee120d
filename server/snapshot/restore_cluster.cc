#include "server/snapshot/restore_cluster.h"

#include <algorithm>
#include <map>
#include <set>

#include "server/etcdserver/member_id.h"
#include "server/flags/urls.h"

namespace cairn::snapshot {
namespace {

using UrlMap = std::map<std::string, std::vector<flags::Url>>;

std::vector<std::string> Strings(const std::vector<flags::Url>& urls) {
  std::vector<std::string> out;
  out.reserve(urls.size());
  for (const flags::Url& u : urls) out.push_back(u.String());
  return out;
}

std::string Join(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += sep;
    out += parts[i];
  }
  return out;
}

// Go's %q of a string (the URLs and names at hand are printable ASCII; quotes and backslashes
// are escaped).
std::string GoQuote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// Go's %q of a []string: ["a" "b"].
std::string GoQuoteList(const std::vector<std::string>& v) {
  std::vector<std::string> quoted;
  quoted.reserve(v.size());
  for (const std::string& s : v) quoted.push_back(GoQuote(s));
  return "[" + Join(quoted, " ") + "]";
}

// types.URLsMap.String(): "name=url" pairs sorted, comma-joined.
std::string UrlMapString(const UrlMap& m) {
  std::vector<std::string> pairs;
  for (const auto& [name, urls] : m) {
    for (const flags::Url& u : urls) pairs.push_back(name + "=" + u.String());
  }
  std::sort(pairs.begin(), pairs.end());
  return Join(pairs, ",");
}

// etcdserver.ServerConfig.advertiseMatchesCluster without DNS resolution.
Status AdvertiseMatchesCluster(const std::string& name, const std::vector<flags::Url>& advertise,
                               const std::vector<flags::Url>& cluster_urls) {
  std::vector<std::string> ap = Strings(advertise), cl = Strings(cluster_urls);
  std::sort(ap.begin(), ap.end());
  std::sort(cl.begin(), cl.end());
  if (ap == cl) return Status::Ok();
  // netutil.URLStringsEqual's error, shown in parentheses by etcd.
  std::string why;
  if (ap.size() != cl.size()) {
    why = "len(" + GoQuoteList(ap) + ") != len(" + GoQuoteList(cl) + ")";
  } else {
    for (size_t i = 0; i < ap.size(); ++i) {
      if (ap[i] != cl[i]) {
        why = "resolved urls: " + GoQuote(ap[i]) + " != " + GoQuote(cl[i]);
        break;
      }
    }
  }
  const std::set<std::string> ap_set(ap.begin(), ap.end()), cl_set(cl.begin(), cl.end());
  std::vector<std::string> missing;
  for (const std::string& u : cl_set) {
    if (ap_set.count(u) == 0) missing.emplace_back(name + "=").append(u);
  }
  if (!missing.empty()) {
    return Status::InvalidArgument("--initial-cluster has " + Join(missing, ",") +
                                   " but missing from --initial-advertise-peer-urls=" + Join(ap, ",") + " (" +
                                   why + ")");
  }
  for (const std::string& u : ap_set) {
    if (cl_set.count(u) == 0) missing.push_back(u);
  }
  const std::string own = UrlMapString(UrlMap{{name, advertise}});
  if (!missing.empty()) {
    return Status::InvalidArgument("--initial-advertise-peer-urls has " + Join(missing, ",") +
                                   " but missing from --initial-cluster=" + own);
  }
  return Status::InvalidArgument("failed to resolve " + Join(ap, ",") + " to match --initial-cluster=" + own +
                                 " (" + why + ")");
}

}  // namespace

std::vector<uint64_t> RestoreCluster::MemberIds() const {
  std::vector<uint64_t> ids;
  ids.reserve(members.size());
  for (const MemberRecord& m : members) ids.push_back(m.id);
  return ids;
}

Status BuildRestoreCluster(const std::string& name, const std::string& initial_cluster,
                           const std::string& token, const std::string& advertise_peer_urls,
                           RestoreCluster* out) {
  // Order of etcd's Restore: types.NewURLs(peer URLs), types.NewURLsMap(initial cluster),
  // VerifyBootstrap, NewClusterFromURLsMap.
  std::vector<flags::Url> advertise;
  CAIRN_RETURN_IF_ERROR(flags::ParseUrlList(advertise_peer_urls, &advertise));
  UrlMap cluster;
  CAIRN_RETURN_IF_ERROR(flags::ParseInitialCluster(initial_cluster, &cluster));

  auto local = cluster.find(name);
  if (local == cluster.end()) {
    return Status::InvalidArgument("couldn't find local name " + GoQuote(name) +
                                   " in the initial cluster configuration");
  }
  CAIRN_RETURN_IF_ERROR(AdvertiseMatchesCluster(name, advertise, local->second));
  std::set<std::string> seen;
  for (const auto& [member_name, urls] : cluster) {
    for (const flags::Url& u : urls) {
      if (!seen.insert(u.String()).second) {
        return Status::InvalidArgument("initial cluster " + UrlMapString(cluster) + " has duplicate url");
      }
    }
  }

  RestoreCluster rc;
  for (const auto& [member_name, urls] : cluster) {
    MemberRecord m;
    m.name = member_name;
    m.peer_urls = Strings(urls);
    std::sort(m.peer_urls.begin(), m.peer_urls.end());
    m.id = etcdserver::ComputeMemberId(m.peer_urls, token);
    if (m.id == 0) return Status::InvalidArgument("cannot use 0 as member id");
    for (const MemberRecord& other : rc.members) {
      if (other.id == m.id) {
        return Status::InvalidArgument("member exists with identical ID " + MemberKey(m.id));
      }
    }
    if (member_name == name) rc.local_member_id = m.id;
    rc.members.push_back(std::move(m));
  }
  std::sort(rc.members.begin(), rc.members.end(),
            [](const MemberRecord& a, const MemberRecord& b) { return a.id < b.id; });
  rc.cluster_id = etcdserver::ComputeClusterId(rc.MemberIds());
  *out = std::move(rc);
  return Status::Ok();
}

}  // namespace cairn::snapshot

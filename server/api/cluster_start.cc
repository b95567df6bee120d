#include "server/api/cluster_start.h"

#include <dirent.h>
#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>

#include "proto/rpc.grpc.pb.h"
#include "raft/transport/peer_url.h"
#include "server/etcdserver/bootstrap.h"
#include "server/etcdserver/member_id.h"
#include "server/flags/urls.h"

namespace cairn::api {
namespace {

using etcdserver::Member;

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::vector<std::string> UrlStrings(const std::vector<flags::Url>& urls) {
  std::vector<std::string> out;
  for (const flags::Url& u : urls) out.push_back(u.String());
  return out;
}

// Asks the member at `peer_url` for the membership (etcdserverpb.Cluster/MemberList).
Status FetchMembers(const std::string& peer_url, const raft::transport::TlsOptions& tls,
                    etcdserverpb::MemberListResponse* out) {
  raft::transport::PeerUrl url;
  CAIRN_RETURN_IF_ERROR(raft::transport::ParsePeerUrl(peer_url, &url));
  std::shared_ptr<grpc::ChannelCredentials> creds;
  CAIRN_RETURN_IF_ERROR(raft::transport::MakeChannelCredentials(url, tls, &creds));
  auto stub = etcdserverpb::Cluster::NewStub(grpc::CreateChannel(url.address, creds));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  etcdserverpb::MemberListRequest req;
  req.set_linearizable(true);
  grpc::Status st = stub->MemberList(&ctx, req, out);
  if (!st.ok()) return Status::Unavailable(peer_url + ": " + st.error_message());
  return Status::Ok();
}

Status Join(const flags::ServerConfig& config, const std::map<std::string, std::vector<flags::Url>>& cluster,
            const raft::transport::TlsOptions& tls, ClusterStart* out) {
  const std::vector<std::string> own = Sorted(UrlStrings(config.initial_advertise_peer_urls));
  std::string errors;
  for (const auto& [name, urls] : cluster) {
    if (name == config.name) continue;
    for (const flags::Url& u : urls) {
      etcdserverpb::MemberListResponse resp;
      Status st = FetchMembers(u.String(), tls, &resp);
      if (!st.ok()) {
        errors += (errors.empty() ? "" : "; ") + st.message();
        continue;
      }
      out->cluster_id = resp.header().cluster_id();
      for (const etcdserverpb::Member& pm : resp.members()) {
        Member m{pm.id(),
                 pm.name(),
                 {pm.peerurls().begin(), pm.peerurls().end()},
                 {pm.clienturls().begin(), pm.clienturls().end()},
                 pm.islearner()};
        if (Sorted(m.peer_urls) == own) {
          out->member_id = m.id;
        } else {
          out->peers.push_back(std::move(m));
        }
      }
      if (out->member_id == 0) {
        return Status::InvalidArgument(
            "error validating peerURLs: member count is unequal or no member has peer URLs " +
            flags::UrlListString(config.initial_advertise_peer_urls) +
            " (add it first with `etcdctl member add`)");
      }
      return Status::Ok();
    }
  }
  return Status::Unavailable("cannot fetch cluster info from peer urls: " + errors);
}

constexpr char kMemberIdFile[] = "/member_id";

uint64_t ReadMemberIdFile(const std::string& member_dir) {
  std::ifstream in(member_dir + kMemberIdFile);
  std::string hex;
  if (!(in >> hex)) return 0;
  return std::strtoull(hex.c_str(), nullptr, 16);
}

// member/member_id: this member's ID in hex (etcd keeps it in the WAL metadata), written once.
Status WriteMemberIdFile(const std::string& member_dir, uint64_t id) {
  const std::string path = member_dir + kMemberIdFile;
  if (ReadMemberIdFile(member_dir) == id) return Status::Ok();
  const std::string tmp = path + ".tmp";
  const std::string text = etcdserver::IdToHex(id) + "\n";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::FromErrno("open " + tmp, errno);
  const bool ok =
      ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) return Status::FromErrno("write " + path, errno);
  int dfd = ::open(member_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::Ok();
}

}  // namespace

const char* KindName(ClusterStart::Kind k) {
  switch (k) {
    case ClusterStart::Kind::kRestart: return "restart";
    case ClusterStart::Kind::kNew: return "new";
    case ClusterStart::Kind::kRestored: return "restored";
    case ClusterStart::Kind::kJoin: return "join";
  }
  return "?";
}

Status PrepareClusterStart(const flags::ServerConfig& config, backend::Backend* b, bool wal_exists,
                           const raft::transport::TlsOptions& peer_tls, ClusterStart* out) {
  *out = ClusterStart();
  std::map<std::string, std::vector<flags::Url>> cluster;
  CAIRN_RETURN_IF_ERROR(flags::ParseInitialCluster(config.initial_cluster, &cluster));
  std::vector<Member> initial;
  uint64_t computed_self = 0;
  for (const auto& [name, urls] : cluster) {
    Member m;
    m.peer_urls = UrlStrings(urls);
    m.id = etcdserver::ComputeMemberId(m.peer_urls, config.initial_cluster_token);
    if (name == config.name) computed_self = m.id;
    initial.push_back(std::move(m));
  }
  CAIRN_RETURN_IF_ERROR(etcdserver::BackendRaftSnapshot(b, &out->snapshot));
  const bool db_has_cluster = out->snapshot.metadata.index != 0;

  if (!wal_exists && !db_has_cluster && config.initial_cluster_state == "existing") {
    out->kind = ClusterStart::Kind::kJoin;
    CAIRN_RETURN_IF_ERROR(Join(config, cluster, peer_tls, out));
    return WriteMemberIdFile(config.MemberDir(), out->member_id);
  }
  if (!wal_exists && !db_has_cluster) {
    if (computed_self == 0) {
      return Status::InvalidArgument("couldn't find local name \"" + config.name +
                                     "\" in the initial cluster configuration");
    }
    std::vector<uint64_t> ids;
    for (const Member& m : initial) ids.push_back(m.id);
    out->kind = ClusterStart::Kind::kNew;
    out->cluster_id = etcdserver::ComputeClusterId(ids);
    out->member_id = computed_self;
    CAIRN_RETURN_IF_ERROR(etcdserver::BootstrapNewCluster(b, initial, out->cluster_id));
    CAIRN_RETURN_IF_ERROR(etcdserver::BackendRaftSnapshot(b, &out->snapshot));
  } else {
    out->kind = wal_exists ? ClusterStart::Kind::kRestart : ClusterStart::Kind::kRestored;
    if (!db_has_cluster) {
      return Status::Corruption(
          "the WAL exists but the db holds no cluster membership (consistent index 0); "
          "restore the member from a snapshot or remove its data dir and re-add it");
    }
  }
  // Restart: the ID recorded at the first start (IDs of members added at runtime cannot be
  // recomputed from the flags); restored: computed from --initial-cluster.
  etcdserver::Membership membership;
  CAIRN_RETURN_IF_ERROR(membership.Load(b));
  out->cluster_id = membership.cluster_id();
  if (out->kind == ClusterStart::Kind::kRestart) out->member_id = ReadMemberIdFile(config.MemberDir());
  if (out->member_id == 0) {
    // A data dir without the ID file: this member is the one whose peer URLs are ours.
    const std::vector<std::string> own = Sorted(UrlStrings(config.initial_advertise_peer_urls));
    for (const Member& m : membership.List()) {
      if (Sorted(m.peer_urls) == own) out->member_id = m.id;
    }
  }
  if (out->member_id == 0) out->member_id = computed_self;
  if (membership.IsRemoved(out->member_id)) {
    return Status::InvalidArgument("the member has been permanently removed from the cluster");
  }
  if (out->member_id == 0 || !membership.Contains(out->member_id)) {
    return Status::InvalidArgument("member with peer URLs " +
                                   flags::UrlListString(config.initial_advertise_peer_urls) +
                                   " is not in the cluster's membership");
  }
  if (config.force_new_cluster && membership.List().size() > 1) {
    // Disaster recovery (etcd --force-new-cluster): this member alone keeps its data and becomes
    // a one-member cluster; the others are removed from the membership, and so from Raft's.
    backend::BatchTx* tx = b->batch_tx();
    {
      backend::BatchTxLock lock(tx);
      for (const Member& m : membership.List()) {
        if (m.id != out->member_id) membership.UnsafeRemove(tx, m.id);
      }
    }
    CAIRN_RETURN_IF_ERROR(b->ForceCommit());
    CAIRN_RETURN_IF_ERROR(etcdserver::BackendRaftSnapshot(b, &out->snapshot));
  }
  if (out->cluster_id == 0) {
    std::vector<uint64_t> ids;
    for (const Member& m : membership.List()) ids.push_back(m.id);
    out->cluster_id = etcdserver::ComputeClusterId(ids);
  }
  for (const Member& m : membership.List()) {
    if (m.id != out->member_id) out->peers.push_back(m);
  }
  return WriteMemberIdFile(config.MemberDir(), out->member_id);
}

std::string PendingReceivedSnapshot(const std::string& snap_dir, uint64_t db_consistent_index) {
  DIR* d = opendir(snap_dir.c_str());
  if (d == nullptr) return "";
  std::map<uint64_t, std::string> snaps;  // index -> path
  while (dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    const size_t dash = name.find('-');
    if (dash == std::string::npos || name.size() < 6 || name.substr(name.size() - 5) != ".snap") continue;
    const uint64_t index =
        std::strtoull(name.substr(dash + 1, name.size() - 5 - dash - 1).c_str(), nullptr, 10);
    snaps[index] = snap_dir + "/" + name;
  }
  closedir(d);
  std::string pending;
  for (const auto& [index, path] : snaps) {
    if (index > db_consistent_index && path == snaps.rbegin()->second) {
      pending = path;
    } else {
      ::unlink(path.c_str());
    }
  }
  return pending;
}

}  // namespace cairn::api

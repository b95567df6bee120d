#include "server/api/cluster_start.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <span>

#include "proto/rpc.grpc.pb.h"
#include "raft/transport/peer_service.h"
#include "raft/transport/peer_url.h"
#include "server/etcdserver/bootstrap.h"
#include "server/etcdserver/member_id.h"
#include "server/flags/urls.h"
#include "storage/io/file.h"

namespace cairn::api {
namespace {

using etcdserver::Member;

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
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
  const std::vector<std::string> own = Sorted(flags::UrlStrings(config.initial_advertise_peer_urls));
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

// member/member_id: this member's ID in hex (etcd keeps it in the WAL metadata), written once:
// a temporary file, synced, renamed into place, the directory synced.
Status WriteMemberIdFile(const std::string& member_dir, uint64_t id) {
  const std::string path = member_dir + kMemberIdFile;
  if (ReadMemberIdFile(member_dir) == id) return Status::Ok();
  const std::string tmp = path + ".tmp";
  const std::string text = etcdserver::IdToHex(id) + "\n";
  io::Env* env = io::DefaultEnv();
  std::unique_ptr<io::File> file;
  CAIRN_RETURN_IF_ERROR(env->Open(tmp, io::OpenMode::kCreateReadWrite, &file));
  CAIRN_RETURN_IF_ERROR(file->Truncate(0));
  CAIRN_RETURN_IF_ERROR(file->WriteAt(0, std::as_bytes(std::span(text.data(), text.size()))));
  CAIRN_RETURN_IF_ERROR(file->Sync());
  file.reset();
  CAIRN_RETURN_IF_ERROR(env->Rename(tmp, path));
  return env->SyncDir(member_dir);
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
    m.peer_urls = flags::UrlStrings(urls);
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
    const std::vector<std::string> own = Sorted(flags::UrlStrings(config.initial_advertise_peer_urls));
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
  io::Env* env = io::DefaultEnv();
  std::vector<std::string> names;
  if (!env->ListDir(snap_dir, &names).ok()) return "";
  std::map<uint64_t, std::string> snaps;  // index -> path
  for (const std::string& name : names) {
    raft::Index index = 0;
    if (raft::transport::ParseReceivedSnapshotFileName(name, &index)) snaps[index] = snap_dir + "/" + name;
  }
  std::string pending;
  for (const auto& [index, path] : snaps) {
    if (index > db_consistent_index && path == snaps.rbegin()->second) {
      pending = path;
    } else {
      (void)env->Remove(path);
    }
  }
  return pending;
}

}  // namespace cairn::api

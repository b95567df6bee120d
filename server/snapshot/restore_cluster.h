// The new cluster a snapshot is restored into, from etcdctl's restore flags, validated as etcd 3.4
// validates them (etcdserver.ServerConfig.VerifyBootstrap, membership.NewClusterFromURLsMap) and
// with etcd's error texts:
//   couldn't find local name "m1" in the initial cluster configuration
//   --initial-cluster has m1=http://a:2380 but missing from --initial-advertise-peer-urls=... (...)
//   --initial-advertise-peer-urls has http://b:2380 but missing from --initial-cluster=m1=http://b:2380
//   initial cluster m1=http://a:2380,m2=http://a:2380 has duplicate url
// Member IDs and the cluster ID are etcd's (server/etcdserver/member_id.h).
//
// Difference from etcd: advertise and cluster URLs are compared as strings. etcd, when they differ,
// also resolves DNS host names (not "localhost", not IP literals) and accepts URLs that resolve to
// the same address.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "server/snapshot/member_records.h"

namespace cairn::snapshot {

struct RestoreCluster {
  std::vector<MemberRecord> members;  // ascending by id (etcd's RaftCluster.Members())
  uint64_t cluster_id = 0;
  uint64_t local_member_id = 0;  // the member named --name

  std::vector<uint64_t> MemberIds() const;
};

// name: --name; initial_cluster: --initial-cluster ("n1=http://a:2380,n2=http://b:2380");
// token: --initial-cluster-token; advertise_peer_urls: --initial-advertise-peer-urls (comma list).
// InvalidArgument with etcd's message when they do not describe a cluster containing `name`.
Status BuildRestoreCluster(const std::string& name, const std::string& initial_cluster,
                           const std::string& token, const std::string& advertise_peer_urls,
                           RestoreCluster* out);

}  // namespace cairn::snapshot

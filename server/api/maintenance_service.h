// etcdserverpb.Maintenance and etcdserverpb.Cluster (MemberList only) over the server core
// (etcd api/v3rpc/maintenance.go, member.go). Snapshot streams one read transaction of the bolt
// file (32 KiB chunks, then its sha256) as etcd does; over a non-bolt backend it first writes the
// backend as a bbolt file into `snapshot_dir` (a temp file, deleted afterwards) and streams that;
// Downgrade answers UNIMPLEMENTED (gRPC's default).
// Thread-safety: gRPC calls methods concurrently; the core is thread-safe.
#pragma once

#include <string>

#include "proto/rpc.grpc.pb.h"
#include "server/etcdserver/server.h"

namespace cairn::api {

class MaintenanceService final : public etcdserverpb::Maintenance::Service {
 public:
  explicit MaintenanceService(etcdserver::EtcdServer* server, std::string snapshot_dir = "")
      : server_(server), snapshot_dir_(std::move(snapshot_dir)) {}
  grpc::Status Alarm(grpc::ServerContext*, const etcdserverpb::AlarmRequest* req,
                     etcdserverpb::AlarmResponse* resp) override;
  grpc::Status Status(grpc::ServerContext*, const etcdserverpb::StatusRequest* req,
                      etcdserverpb::StatusResponse* resp) override;
  grpc::Status MoveLeader(grpc::ServerContext*, const etcdserverpb::MoveLeaderRequest* req,
                          etcdserverpb::MoveLeaderResponse* resp) override;
  grpc::Status Defragment(grpc::ServerContext*, const etcdserverpb::DefragmentRequest* req,
                          etcdserverpb::DefragmentResponse* resp) override;
  grpc::Status Hash(grpc::ServerContext*, const etcdserverpb::HashRequest* req,
                    etcdserverpb::HashResponse* resp) override;
  grpc::Status HashKV(grpc::ServerContext*, const etcdserverpb::HashKVRequest* req,
                      etcdserverpb::HashKVResponse* resp) override;
  grpc::Status Snapshot(grpc::ServerContext*, const etcdserverpb::SnapshotRequest* req,
                        grpc::ServerWriter<etcdserverpb::SnapshotResponse>* writer) override;

 private:
  etcdserver::EtcdServer* server_;
  const std::string snapshot_dir_;  // "" = /tmp
};

}  // namespace cairn::api

#include "server/api/maintenance_service.h"

#include <openssl/sha.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <vector>

#include "server/api/caller.h"
#include "server/api/rpc_errors.h"

namespace cairn::api {

grpc::Status MaintenanceService::Alarm(grpc::ServerContext*, const etcdserverpb::AlarmRequest* req,
                                       etcdserverpb::AlarmResponse* resp) {
  return ToGrpcStatus(server_->Alarm(*req, resp));
}

grpc::Status MaintenanceService::Status(grpc::ServerContext*, const etcdserverpb::StatusRequest*,
                                        etcdserverpb::StatusResponse* resp) {
  return ToGrpcStatus(server_->StatusOf(resp));
}

// Defragment, Hash, HashKV and Snapshot need the root role when auth is on (etcd
// authMaintenanceServer, whose refusals are the auth package's untranslated errors); Alarm,
// Status and MoveLeader do not.
grpc::Status MaintenanceService::Defragment(grpc::ServerContext* ctx, const etcdserverpb::DefragmentRequest*,
                                            etcdserverpb::DefragmentResponse* resp) {
  if (cairn::Status st = RequireAdmin(*ctx, server_); !st.ok()) return ToUntranslatedAuthStatus(st);
  return ToGrpcStatus(server_->Defragment(resp));
}

grpc::Status MaintenanceService::Hash(grpc::ServerContext* ctx, const etcdserverpb::HashRequest*,
                                      etcdserverpb::HashResponse* resp) {
  if (cairn::Status st = RequireAdmin(*ctx, server_); !st.ok()) return ToUntranslatedAuthStatus(st);
  return ToGrpcStatus(server_->Hash(resp));
}

grpc::Status MaintenanceService::HashKV(grpc::ServerContext* ctx, const etcdserverpb::HashKVRequest* req,
                                        etcdserverpb::HashKVResponse* resp) {
  if (cairn::Status st = RequireAdmin(*ctx, server_); !st.ok()) return ToUntranslatedAuthStatus(st);
  return ToGrpcStatus(server_->HashKV(*req, resp));
}

grpc::Status MaintenanceService::Snapshot(grpc::ServerContext* ctx, const etcdserverpb::SnapshotRequest*,
                                          grpc::ServerWriter<etcdserverpb::SnapshotResponse>* writer) {
  if (cairn::Status st = RequireAdmin(*ctx, server_); !st.ok()) return ToUntranslatedAuthStatus(st);
  // etcd v3rpc maintenance.go: the bolt file in 32 KiB chunks with remaining_bytes, then one more
  // message whose blob is the sha256 of everything sent (etcdctl appends it to the file).
  if (server_->has_bolt_backend()) {
    return ToGrpcStatus(server_->SnapshotStream([&](std::string_view blob, uint64_t remaining) {
      etcdserverpb::SnapshotResponse resp;
      server_->FillHeader(resp.mutable_header());
      resp.set_remaining_bytes(remaining);
      resp.set_blob(blob.data(), blob.size());
      if (!writer->Write(resp)) return cairn::Status::Unavailable("snapshot: client went away");
      return cairn::Status::Ok();
    }));
  }
  // Other backends: copy one consistent view into a temporary bolt file and stream that.
  std::string path = (snapshot_dir_.empty() ? std::string("/tmp") : snapshot_dir_) + "/cairn-snapshot-XXXXXX";
  std::vector<char> tmpl(path.begin(), path.end());
  tmpl.push_back('\0');
  int fd = mkstemp(tmpl.data());
  if (fd < 0) return grpc::Status(grpc::StatusCode::UNKNOWN, "cannot create a snapshot file");
  close(fd);
  path = tmpl.data();
  struct Unlink {
    std::string p;
    ~Unlink() { unlink(p.c_str()); }
  } cleanup{path};
  cairn::Status st = server_->SnapshotToFile(path);
  if (!st.ok()) return ToGrpcStatus(st);
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  const uint64_t total = static_cast<uint64_t>(in.tellg());
  in.seekg(0);
  SHA256_CTX sha;
  SHA256_Init(&sha);
  std::vector<char> buf(size_t{32} * 1024);
  uint64_t sent = 0;
  while (sent < total) {
    in.read(buf.data(), static_cast<std::streamsize>(std::min<uint64_t>(buf.size(), total - sent)));
    const auto n = static_cast<size_t>(in.gcount());
    if (n == 0) return grpc::Status(grpc::StatusCode::UNKNOWN, "snapshot file shrank while streaming");
    sent += n;
    SHA256_Update(&sha, buf.data(), n);
    etcdserverpb::SnapshotResponse resp;
    server_->FillHeader(resp.mutable_header());
    resp.set_remaining_bytes(total - sent);
    resp.set_blob(buf.data(), n);
    if (!writer->Write(resp)) return grpc::Status(grpc::StatusCode::CANCELLED, "client went away");
  }
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256_Final(digest, &sha);
  etcdserverpb::SnapshotResponse last;
  server_->FillHeader(last.mutable_header());
  last.set_remaining_bytes(0);
  last.set_blob(reinterpret_cast<const char*>(digest), sizeof(digest));
  writer->Write(last);
  return grpc::Status::OK;
}

grpc::Status MaintenanceService::MoveLeader(grpc::ServerContext*, const etcdserverpb::MoveLeaderRequest* req,
                                            etcdserverpb::MoveLeaderResponse* resp) {
  return ToGrpcStatus(server_->MoveLeader(*req, resp));
}

}  // namespace cairn::api

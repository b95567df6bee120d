// Maintenance and cluster RPCs of EtcdServer (contract in server.h).
#include "server/etcdserver/bolt_snapshot.h"
#include "server/etcdserver/errors.h"
#include "server/etcdserver/server.h"
#include "server/version.h"
#include "storage/backend/bolt_backend.h"

namespace cairn::etcdserver {

// ---- Maintenance and cluster ----

Status EtcdServer::StatusOf(etcdserverpb::StatusResponse* resp) {
  FillHeader(resp->mutable_header());
  resp->set_version(kEtcdServerVersion);
  resp->set_dbsize(backend_->size_bytes());
  resp->set_dbsizeinuse(backend_->size_in_use_bytes());
  LeaderInfo leader = log_->leader();
  resp->set_leader(leader.leader_id);
  resp->set_raftterm(leader.term);
  resp->set_raftindex(log_->committed_index());
  resp->set_raftappliedindex(log_->applied_index());
  resp->set_islearner(IsLearner());
  if (leader.leader_id == 0) resp->add_errors(std::string(kErrNoLeader));
  for (etcdserverpb::AlarmType a : ActiveAlarms()) {
    resp->add_errors(std::string("memberID:") + std::to_string(options_.member_id) +
                     " alarm:" + etcdserverpb::AlarmType_Name(a) + " ");
  }
  return Status::Ok();
}

Status EtcdServer::Hash(etcdserverpb::HashResponse* resp) {
  mvcc::Revision rev = 0;
  resp->set_hash(kv_->Hash(&rev));
  FillHeader(resp->mutable_header(), rev);
  return Status::Ok();
}

Status EtcdServer::HashKV(const etcdserverpb::HashKVRequest& req, etcdserverpb::HashKVResponse* resp) {
  uint32_t hash = 0;
  mvcc::Revision current = 0, compact = 0;
  CAIRN_RETURN_IF_ERROR(ToEtcdError(kv_->HashByRev(req.revision(), &hash, &current, &compact)));
  resp->set_hash(hash);
  resp->set_compact_revision(compact);
  resp->set_hash_revision(req.revision() > 0 ? req.revision() : current);
  FillHeader(resp->mutable_header(), current);
  return Status::Ok();
}

Status EtcdServer::Defragment(etcdserverpb::DefragmentResponse* resp) {
  if (bolt_ != nullptr) {
    // Reads and watches go on; applying waits (etcd's defrag holds the batch tx lock throughout),
    // because every commit must pair consistent_index = N with entry N wholly applied (see
    // apply_commit_mu_). The consistent index goes into the commit before the copy.
    std::lock_guard<std::mutex> lock(apply_commit_mu_);
    CAIRN_RETURN_IF_ERROR(kv_->Commit());
    backend::DefragResult result;
    const auto start = std::chrono::steady_clock::now();
    CAIRN_RETURN_IF_ERROR(backend::DefragmentBoltBackend(bolt_, &result));
    if (options_.on_defrag) options_.on_defrag(std::chrono::steady_clock::now() - start);
    db_size_bytes_.store(backend_->size_bytes());
  } else {
    CAIRN_RETURN_IF_ERROR(backend_->ForceCommit());  // the mem backend has nothing to compact
  }
  FillHeader(resp->mutable_header());
  return Status::Ok();
}

Status EtcdServer::SnapshotStream(const backend::SnapshotChunkSink& sink) {
  if (bolt_ == nullptr) return Status::InvalidArgument("snapshot stream needs the bolt backend");
  // Everything applied so far is in the snapshot (etcd forces a backend commit first); the read
  // transaction then streams without blocking anyone.
  {
    std::lock_guard<std::mutex> lock(apply_commit_mu_);
    CAIRN_RETURN_IF_ERROR(kv_->Commit());
  }
  return backend::StreamSnapshot(backend::BoltStoreOf(bolt_), sink, nullptr);
}

Status EtcdServer::SnapshotToFile(const std::string& path) {
  // Everything acknowledged so far is in the snapshot: commit pending state first (etcd forces a
  // backend commit before snapshotting), then copy one consistent view.
  {
    std::lock_guard<std::mutex> lock(apply_commit_mu_);
    CAIRN_RETURN_IF_ERROR(kv_->Commit());
  }
  std::unique_ptr<backend::ReadView> view = backend_->Read();
  return WriteBoltSnapshot(*view, path);
}

}  // namespace cairn::etcdserver

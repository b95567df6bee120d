// Maintenance and cluster RPCs of EtcdServer (contract in server.h).
#include "server/etcdserver/bolt_snapshot.h"
#include "server/etcdserver/errors.h"
#include "server/etcdserver/server.h"
#include "server/version.h"

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
  // The mem backend has nothing to defragment; the bolt backend will compact its file here.
  CAIRN_RETURN_IF_ERROR(backend_->ForceCommit());
  FillHeader(resp->mutable_header());
  return Status::Ok();
}

Status EtcdServer::SnapshotToFile(const std::string& path) {
  // Everything acknowledged so far is in the snapshot: commit pending state first (etcd forces a
  // backend commit before snapshotting), then copy one consistent view.
  CAIRN_RETURN_IF_ERROR(kv_->Commit());
  std::unique_ptr<backend::ReadView> view = backend_->Read();
  return WriteBoltSnapshot(*view, path);
}

Status EtcdServer::MemberList(etcdserverpb::MemberListResponse* resp) {
  // etcd's cluster server header carries no revision (v3rpc/member.go clusterServer.header).
  FillHeader(resp->mutable_header());
  resp->mutable_header()->clear_revision();
  etcdserverpb::Member* m = resp->add_members();
  m->set_id(options_.member_id);
  m->set_name(options_.name);
  for (const std::string& u : options_.peer_urls) m->add_peerurls(u);
  for (const std::string& u : options_.client_urls) m->add_clienturls(u);
  return Status::Ok();
}

}  // namespace cairn::etcdserver

#include "server/etcdserver/bootstrap.h"

#include "storage/mvcc/kv_store.h"
#include "storage/mvcc/revision.h"

namespace cairn::etcdserver {
namespace {

uint64_t ReadBigEndian64(backend::Reader* r, std::string_view key) {
  std::string_view v;
  if (!r->UnsafeGet(backend::kMetaBucket, key, &v) || v.size() != 8) return 0;
  return mvcc::GetBigEndian64(v.data());
}

}  // namespace

Status BackendRaftSnapshot(backend::Backend* b, raft::Snapshot* out) {
  Membership membership;
  CAIRN_RETURN_IF_ERROR(membership.Load(b));
  std::unique_ptr<backend::ReadView> view = b->Read();
  *out = raft::Snapshot();
  out->metadata.index = ReadBigEndian64(view.get(), mvcc::kConsistentIndexKey);
  if (out->metadata.index == 0) return Status::Ok();
  // etcd 3.4 dbs carry no term; the snapshot's term only has to be <= the log's next terms.
  out->metadata.term = std::max<uint64_t>(1, ReadBigEndian64(view.get(), mvcc::kTermKey));
  out->metadata.conf_state = membership.ConfState();
  if (out->metadata.conf_state.voters.empty()) {
    return Status::Corruption("the db has consistent index " + std::to_string(out->metadata.index) +
                              " but no voting members in its members bucket");
  }
  return Status::Ok();
}

Status BootstrapNewCluster(backend::Backend* b, const std::vector<Member>& members, uint64_t cluster_id) {
  raft::Snapshot existing;
  CAIRN_RETURN_IF_ERROR(BackendRaftSnapshot(b, &existing));
  if (existing.metadata.index != 0) return Status::InvalidArgument("the backend already holds a cluster");
  Membership membership;
  CAIRN_RETURN_IF_ERROR(membership.Load(b));
  {
    backend::BatchTx* tx = b->batch_tx();
    backend::BatchTxLock lock(tx);
    tx->UnsafeCreateBucket(backend::kMetaBucket);
    for (const Member& m : members) membership.UnsafeSave(tx, m);
    membership.UnsafeSetClusterId(tx, cluster_id);
    tx->UnsafePut(backend::kMetaBucket, mvcc::kConsistentIndexKey, mvcc::BigEndian64(members.size()));
    tx->UnsafePut(backend::kMetaBucket, mvcc::kTermKey, mvcc::BigEndian64(1));
  }
  return b->ForceCommit();
}

}  // namespace cairn::etcdserver

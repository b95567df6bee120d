#include "server/etcdserver/bootstrap.h"

#include "storage/mvcc/kv_store.h"

namespace cairn::etcdserver {
namespace {

std::string BigEndian64(uint64_t v) {
  std::string b(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8) b[i] = static_cast<char>(v & 0xff);
  return b;
}

uint64_t ReadBigEndian64(backend::Reader* r, std::string_view key) {
  std::string_view v;
  if (!r->UnsafeGet(backend::kMetaBucket, key, &v) || v.size() != 8) return 0;
  uint64_t out = 0;
  for (char c : v) out = (out << 8) | static_cast<uint8_t>(c);
  return out;
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
    tx->UnsafePut(backend::kMetaBucket, mvcc::kConsistentIndexKey, BigEndian64(members.size()));
    tx->UnsafePut(backend::kMetaBucket, mvcc::kTermKey, BigEndian64(1));
  }
  return b->ForceCommit();
}

}  // namespace cairn::etcdserver

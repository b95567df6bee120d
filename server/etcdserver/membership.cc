#include "server/etcdserver/membership.h"

#include <algorithm>
#include <cstdio>

#include "server/etcdserver/member_id.h"
#include "storage/mvcc/revision.h"

namespace cairn::etcdserver {
Status Membership::Load(backend::Backend* b) {
  backend::BatchTx* tx = b->batch_tx();
  std::map<uint64_t, Member> members;
  std::set<uint64_t> removed;
  uint64_t cluster_id = 0;
  {
    backend::BatchTxLock lock(tx);
    tx->UnsafeCreateBucket(kMembersBucket);
    tx->UnsafeCreateBucket(kMembersRemovedBucket);
    tx->UnsafeCreateBucket(backend::kMetaBucket);
    Status bad = Status::Ok();
    tx->UnsafeForEach(kMembersBucket, [&](std::string_view k, std::string_view v) {
      Member m;
      if (!DecodeMemberJson(v, &m)) {
        if (bad.ok()) bad = Status::Corruption("members/" + std::string(k) + ": malformed member JSON");
        return true;
      }
      members[m.id] = std::move(m);
      return true;
    });
    CAIRN_RETURN_IF_ERROR(bad);
    tx->UnsafeForEach(kMembersRemovedBucket, [&](std::string_view k, std::string_view) {
      removed.insert(std::strtoull(std::string(k).c_str(), nullptr, 16));
      return true;
    });
    std::string_view v;
    if (tx->UnsafeGet(backend::kMetaBucket, kClusterIdKey, &v) && v.size() == 8) {
      cluster_id = mvcc::GetBigEndian64(v.data());
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  members_ = std::move(members);
  removed_ = std::move(removed);
  cluster_id_ = cluster_id;
  return Status::Ok();
}

void Membership::UnsafeSave(backend::BatchTx* tx, const Member& m) {
  tx->UnsafePut(kMembersBucket, IdToHex(m.id), EncodeMemberJson(m));
  std::lock_guard<std::mutex> lock(mu_);
  members_[m.id] = m;
}

void Membership::UnsafeRemove(backend::BatchTx* tx, uint64_t id) {
  tx->UnsafeDelete(kMembersBucket, IdToHex(id));
  tx->UnsafePut(kMembersRemovedBucket, IdToHex(id), "removed");
  std::lock_guard<std::mutex> lock(mu_);
  members_.erase(id);
  removed_.insert(id);
}

void Membership::UnsafeSetClusterId(backend::BatchTx* tx, uint64_t cluster_id) {
  tx->UnsafePut(backend::kMetaBucket, kClusterIdKey, mvcc::BigEndian64(cluster_id));
  std::lock_guard<std::mutex> lock(mu_);
  cluster_id_ = cluster_id;
}

std::vector<Member> Membership::List() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Member> out;
  for (const auto& [id, m] : members_) out.push_back(m);
  return out;
}

bool Membership::Get(uint64_t id, Member* out) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = members_.find(id);
  if (it == members_.end()) return false;
  *out = it->second;
  return true;
}

bool Membership::Contains(uint64_t id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return members_.count(id) > 0;
}

bool Membership::IsRemoved(uint64_t id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return removed_.count(id) > 0;
}

uint64_t Membership::cluster_id() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cluster_id_;
}

raft::ConfState Membership::ConfState() const {
  std::lock_guard<std::mutex> lock(mu_);
  raft::ConfState cs;
  for (const auto& [id, m] : members_) (m.is_learner ? cs.learners : cs.voters).push_back(id);
  return cs;
}

}  // namespace cairn::etcdserver

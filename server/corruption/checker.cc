#include "server/corruption/checker.h"

#include <map>

#include "server/etcdserver/member_id.h"

namespace cairn::corruption {

namespace {

using logging::Field;

constexpr std::string_view kErrFutureRev = "etcdserver: mvcc: required revision is a future revision";
constexpr std::string_view kErrCompacted = "etcdserver: mvcc: required revision has been compacted";

}  // namespace

Status InitialCheck(Hasher& h, logging::Logger& lg, std::chrono::nanoseconds timeout) {
  const uint64_t self = h.MemberId();
  lg.Info("starting initial corruption check",
          {logging::HexId("local-member-id", self), logging::Duration("timeout", timeout)});
  KvHash local;
  if (Status st = h.HashByRev(0, &local); !st.ok()) {
    return Status::Corruption(etcdserver::IdToHex(self) + " failed to fetch hash (" + st.message() + ")");
  }
  const int64_t rev = local.current_revision;
  int mismatch = 0;
  for (const PeerHash& p : h.PeerHashByRev(rev)) {
    if (p.ok) {
      const std::initializer_list<Field> fields = {
          logging::HexId("local-member-id", self),
          logging::Int("local-member-revision", rev),
          logging::Int("local-member-compact-revision", local.compact_revision),
          logging::Uint("local-member-hash", local.hash),
          logging::HexId("remote-peer-id", p.id),
          logging::Strings("remote-peer-endpoints", p.endpoints),
          logging::Int("remote-peer-revision", p.hash.current_revision),
          logging::Int("remote-peer-compact-revision", p.hash.compact_revision),
          logging::Uint("remote-peer-hash", p.hash.hash)};
      if (local.hash != p.hash.hash) {
        if (local.compact_revision == p.hash.compact_revision) {
          lg.Warn("found different hash values from remote peer", fields);
          ++mismatch;
        } else {
          lg.Warn("found different compact revision values from remote peer", fields);
        }
      }
      continue;
    }
    const char* msg = nullptr;
    if (p.error == kErrFutureRev) msg = "cannot fetch hash from slow remote peer";
    if (p.error == kErrCompacted) msg = "cannot fetch hash from remote peer; local member is behind";
    if (msg != nullptr) {
      lg.Warn(msg,
              {logging::HexId("local-member-id", self), logging::Int("local-member-revision", rev),
               logging::Int("local-member-compact-revision", local.compact_revision),
               logging::Uint("local-member-hash", local.hash), logging::HexId("remote-peer-id", p.id),
               logging::Strings("remote-peer-endpoints", p.endpoints), logging::String("error", p.error)});
    }
  }
  if (mismatch > 0)
    return Status::Corruption(etcdserver::IdToHex(self) + " found data inconsistency with peers");
  lg.Info("initial corruption checking passed; no corruption", {logging::HexId("local-member-id", self)});
  return Status::Ok();
}

Status PeriodicCheck(Hasher& h, logging::Logger& lg) {
  KvHash first;
  CAIRN_RETURN_IF_ERROR(h.HashByRev(0, &first));
  const int64_t rev = first.current_revision;
  const std::vector<PeerHash> peers = h.PeerHashByRev(rev);
  CAIRN_RETURN_IF_ERROR(h.LinearizableReadNotify());
  KvHash second;
  CAIRN_RETURN_IF_ERROR(h.HashByRev(0, &second));
  const int64_t rev2 = second.current_revision;

  bool alarmed = false;
  // etcd: it isn't clear which member's data is corrupted, so the alarm names member 0.
  auto mismatch = [&] {
    if (alarmed) return;
    alarmed = true;
    h.TriggerCorruptAlarm(0);
  };
  if (second.hash != first.hash && rev2 == rev && first.compact_revision == second.compact_revision) {
    lg.Warn(
        "found hash mismatch",
        {logging::Int("revision-1", rev), logging::Int("compact-revision-1", first.compact_revision),
         logging::Uint("hash-1", first.hash), logging::Int("revision-2", rev2),
         logging::Int("compact-revision-2", second.compact_revision), logging::Uint("hash-2", second.hash)});
    mismatch();
  }
  int checked = 0;
  for (const PeerHash& p : peers) {
    if (!p.ok) continue;
    ++checked;
    if (p.hash.current_revision > rev2) {
      lg.Warn(
          "revision from follower must be less than or equal to leader's",
          {logging::Int("leader-revision", rev2), logging::Int("follower-revision", p.hash.current_revision),
           logging::HexId("follower-peer-id", p.id)});
      mismatch();
    }
    if (p.hash.compact_revision > second.compact_revision) {
      lg.Warn("compact revision from follower must be less than or equal to leader's",
              {logging::Int("leader-compact-revision", second.compact_revision),
               logging::Int("follower-compact-revision", p.hash.compact_revision),
               logging::HexId("follower-peer-id", p.id)});
      mismatch();
    }
    if (p.hash.compact_revision == first.compact_revision && p.hash.hash != first.hash) {
      lg.Warn("same compact revision then hashes must match",
              {logging::Int("leader-compact-revision", second.compact_revision),
               logging::Uint("leader-hash", first.hash),
               logging::Int("follower-compact-revision", p.hash.compact_revision),
               logging::Uint("follower-hash", p.hash.hash), logging::HexId("follower-peer-id", p.id)});
      mismatch();
    }
  }
  lg.Info("finished peer corruption check", {logging::Int("number-of-peers-checked", checked)});
  return Status::Ok();
}

namespace {

// etcd checkPeerHashes: true when this revision settled the check (consistent everywhere, or a
// mismatch was reported).
bool CheckPeerHashes(Hasher& h, logging::Logger& lg, const KvHash& leader, const std::vector<PeerHash>& peers,
                     int64_t* latest_checked) {
  const uint64_t leader_id = h.MemberId();
  std::map<uint32_t, std::vector<uint64_t>> by_hash{{leader.hash, {leader_id}}};
  size_t peers_checked = 0;
  for (const PeerHash& p : peers) {
    std::string reason;
    if (!p.ok) {
      reason = "no response";
    } else if (p.hash.compact_revision != leader.compact_revision) {
      reason = "the peer's CompactRevision " + std::to_string(p.hash.compact_revision) +
               " doesn't match leader's CompactRevision " + std::to_string(leader.compact_revision);
    }
    if (!reason.empty()) {
      lg.Warn("Skipped peer's hash", {logging::Int("number-of-peers", static_cast<int64_t>(peers.size())),
                                      logging::HexId("leader-id", leader_id), logging::HexId("peer-id", p.id),
                                      logging::String("reason", reason)});
      continue;
    }
    ++peers_checked;
    by_hash[p.hash.hash].push_back(p.id);
  }
  if (by_hash.size() == 1) {
    if (peers_checked == peers.size()) {
      lg.Info("successfully checked hash on whole cluster",
              {logging::Int("number-of-peers-checked", static_cast<int64_t>(peers_checked)),
               logging::Int("revision", leader.revision),
               logging::Int("compactRevision", leader.compact_revision)});
      if (leader.revision > *latest_checked) *latest_checked = leader.revision;
      return true;
    }
    lg.Warn("skipped revision in compaction hash check; was not able to check all peers",
            {logging::Int("number-of-peers-checked", static_cast<int64_t>(peers_checked)),
             logging::Int("number-of-peers", static_cast<int64_t>(peers.size())),
             logging::Int("revision", leader.revision),
             logging::Int("compactRevision", leader.compact_revision)});
    return false;
  }
  const size_t quorum = (peers.size() + 1) / 2 + 1;
  bool quorum_exists = false;
  for (auto it = by_hash.begin(); it != by_hash.end(); ++it) {
    if (it->second.size() >= quorum) {
      quorum_exists = true;
      by_hash.erase(it);
      break;
    }
  }
  if (!quorum_exists) {
    lg.Error(
        "Detected compaction hash mismatch but cannot identify the corrupted members, so intentionally set "
        "the "
        "memberID as 0",
        {logging::HexId("leader-id", leader_id), logging::Int("leader-revision", leader.revision),
         logging::Int("leader-compact-revision", leader.compact_revision),
         logging::Uint("leader-hash", leader.hash)});
    h.TriggerCorruptAlarm(0);
  }
  for (const auto& [hash, ids] : by_hash) {
    std::vector<std::string> names;
    for (uint64_t id : ids) {
      if (quorum_exists) h.TriggerCorruptAlarm(id);
      names.push_back(etcdserver::IdToHex(id));
    }
    lg.Error("Detected compaction hash mismatch",
             {logging::HexId("leader-id", leader_id), logging::Int("leader-revision", leader.revision),
              logging::Int("leader-compact-revision", leader.compact_revision),
              logging::Uint("leader-hash", leader.hash), logging::Uint("peer-hash", hash),
              logging::Strings("peer-member-ids", names), logging::Bool("quorum-exist", quorum_exists)});
  }
  return true;
}

}  // namespace

void CompactHashCheck(Hasher& h, logging::Logger& lg, const std::vector<KvHash>& recorded,
                      int64_t* latest_checked) {
  lg.Info("starting compact hash check", {logging::HexId("local-member-id", h.MemberId())});
  size_t i = 0;
  for (const KvHash& hash : recorded) {
    if (hash.revision <= *latest_checked) break;
    ++i;
    const std::vector<PeerHash> peers = h.PeerHashByRev(hash.revision);
    if (peers.empty()) continue;
    if (CheckPeerHashes(h, lg, hash, peers, latest_checked)) {
      lg.Info("finished compaction hash check",
              {logging::Int("number-of-hashes-checked", static_cast<int64_t>(i))});
      return;
    }
  }
  lg.Info("finished compaction hash check",
          {logging::Int("number-of-hashes-checked", static_cast<int64_t>(i))});
}

}  // namespace cairn::corruption

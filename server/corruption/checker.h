// Corruption detection with etcd 3.5's semantics (etcd server/etcdserver/corrupt.go):
//
//  * InitialCheck (--experimental-initial-corrupt-check): before this member serves clients, its
//    HashKV at its current revision is compared with each peer's HashKV at that revision. A
//    different hash at the same compact revision is a mismatch; any mismatch fails start-up with
//    "<member-id> found data inconsistency with peers". Unreachable, lagging (future revision)
//    or ahead-and-compacted peers are skipped with etcd's warnings, as etcd does.
//  * PeriodicCheck (--experimental-corrupt-check-time, leader only): hash, ask the followers at
//    that revision, confirm leadership with a linearizable read, hash again; raises CORRUPT (member
//    id 0: "it isn't clear which member's data is corrupted", as etcd) on the leader's own hash
//    changing at an unchanged revision, a follower ahead of the leader, or a follower with the
//    leader's compact revision and a different hash.
//  * CompactHashCheck (--experimental-compact-hash-check-enabled): for the hashes this leader
//    recorded at its compactions (newest first, unchecked only), ask the peers for HashKV at that
//    revision; members outside the majority hash get CORRUPT under their own id (id 0 when no
//    majority exists). Stops at the first revision every peer answered consistently.
//
// Every log line is etcd's message with etcd's fields. The Hasher hides the server and the peer
// RPCs, so the decisions are tested without a cluster (checker_test.cc).
// Thread-safety: the functions are reentrant; the Hasher must be thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "server/logging/logger.h"

namespace cairn::corruption {

// One member's answer to HashKV(rev) (etcd mvcc.KeyValueHash plus the header revision).
struct KvHash {
  uint32_t hash = 0;
  int64_t revision = 0;          // the revision hashed
  int64_t compact_revision = 0;  // the member's compact revision when it hashed
  int64_t current_revision = 0;  // the member's current revision (the response header's)
};

struct PeerHash {
  uint64_t id = 0;
  std::vector<std::string> endpoints;  // the peer URLs asked
  bool ok = false;                     // `hash` is valid; else `error` says why
  KvHash hash;
  std::string error;  // etcd's text, e.g. "etcdserver: mvcc: required revision is a future revision"
};

class Hasher {
 public:
  virtual ~Hasher() = default;
  virtual uint64_t MemberId() = 0;
  // This member's HashKV at `rev` (0: the current revision).
  virtual Status HashByRev(int64_t rev, KvHash* out) = 0;
  // Every other member's HashKV at `rev` (one entry per peer, answered or not).
  virtual std::vector<PeerHash> PeerHashByRev(int64_t rev) = 0;
  // Confirms this member still leads with a linearizable read point.
  virtual Status LinearizableReadNotify() = 0;
  // Proposes the CORRUPT alarm for member `id` (0: the whole cluster).
  virtual void TriggerCorruptAlarm(uint64_t id) = 0;
};

// Returns the start-up error ("<id> found data inconsistency with peers") or Ok.
Status InitialCheck(Hasher& h, logging::Logger& lg, std::chrono::nanoseconds timeout);
Status PeriodicCheck(Hasher& h, logging::Logger& lg);

// Checks `recorded` (newest first) above `*latest_checked`; advances it to the revision it
// confirmed.
void CompactHashCheck(Hasher& h, logging::Logger& lg, const std::vector<KvHash>& recorded,
                      int64_t* latest_checked);

}  // namespace cairn::corruption

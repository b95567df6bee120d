// EtcdServer: the single-member server core (etcd's etcdserver.EtcdServer), independent of gRPC.
//
// Write path (DESIGN.md §4): a client request is validated (size, txn ops, duplicate keys, empty
// key), wrapped in an InternalRequest with a fresh ID, registered in the wait registry and
// proposed to the Log. The Log calls Apply (this class is the Applier) on its apply thread, in
// order; Apply sets MVCC's consistent index to the entry's index, executes the request (watchers
// are notified by the store's change observer inside the write transaction) and triggers the
// waiter with the response.
//
// Read path (§5): a linearizable Range waits until applied >= the committed index observed when
// the read arrived (the single-node stand-in for ReadIndex); a serializable one reads MVCC at once.
//
// Asynchronous KV (the *Async methods, used by the callback gRPC service so that no RPC thread
// blocks on a proposal): a write registers a callback with a deadline in the wait registry and
// returns; the apply thread runs the callback, or the timeout thread does with "etcdserver:
// request timed out" once request_timeout has passed. A linearizable read is served inline when
// it may be (a lone leading voter), else the Log's asynchronous read barrier (Raft: a batched
// ReadIndex that holds no thread) completes it and a small read pool runs the read. The
// blocking methods are thin wrappers over the same code and return the same results.
//
// Backend (DESIGN.md §4 step 4): over the bolt backend (OpenBoltBackend, member/snap/db) the
// housekeeping loop calls CommitIfDue every watch_sync_interval; every commit carries
// meta/consistent_index = the last WHOLLY applied entry, because Apply holds apply_commit_mu_ for
// the whole entry and every commit the server drives (interval, snapshot, defrag) takes it too.
// (A commit forced by --backend-batch-limit inside one entry's write rounds can still split an
// entry that writes in several rounds, e.g. a lease revoke with keys; etcd 3.4 has the same gap.)
// Stop() commits once more, so a graceful restart replays nothing. Alarms persist in etcd's
// `alarm` bucket (key = marshaled AlarmMember, empty value) and are restored at Open.
//
// Errors are cairn::Status values carrying etcd's exact client-facing text (errors.h).
//
// Thread-safety: every public method may be called concurrently from RPC threads.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "proto/rpc.pb.h"
#include "server/auth/auth_info.h"
#include "server/auth/auth_store.h"
#include "server/auth/token_provider.h"
#include "server/etcdserver/internal.pb.h"
#include "server/etcdserver/log.h"
#include "server/etcdserver/membership.h"
#include "server/etcdserver/task_pool.h"
#include "server/etcdserver/wait.h"
#include "storage/backend/backend.h"
#include "storage/backend/bolt_snapshot.h"
#include "storage/backend/buffered_backend.h"
#include "storage/mvcc/kv_store.h"
#include "storage/mvcc/lessor.h"
#include "storage/mvcc/watchable_store.h"

namespace cairn::etcdserver {

struct ApplyResult;

struct ServerOptions {
  std::string name = "default";
  uint64_t member_id = 0;
  uint64_t cluster_id = 0;
  std::vector<std::string> peer_urls;
  std::vector<std::string> client_urls;
  uint64_t max_request_bytes = 1572864;
  uint64_t max_txn_ops = 128;
  int64_t quota_backend_bytes = int64_t{2} << 30;
  int64_t lease_min_ttl_seconds = 2;
  std::chrono::milliseconds request_timeout{7000};  // etcd: 5 s + 2 * election timeout
  std::chrono::milliseconds lease_check_interval{500};
  std::chrono::milliseconds watch_sync_interval{100};
  // How often the cached backend size the quota check uses is refreshed (see db_size_bytes_).
  std::chrono::milliseconds db_size_refresh_interval{1000};
  mvcc::LeaseClock clock = [] { return std::chrono::steady_clock::now(); };
  // Metric hooks (etcd_server_proposals_pending / _failed_total); may be empty.
  std::function<void(int delta)> on_proposals_pending;
  std::function<void()> on_proposal_failed;
  // Called from the housekeeping loop after a backend commit made consistent index `index`
  // durable in the backend file (the WAL below it may then be released). May be empty.
  std::function<void(uint64_t index)> on_backend_durable;
  // Durations of the backend commits the server drives (interval, snapshot, defrag; commits made
  // by the batch limit inside a write are not seen) and of defragmentations. May be empty.
  std::function<void(std::chrono::nanoseconds)> on_backend_commit;
  std::function<void(std::chrono::nanoseconds)> on_defrag;
  // --experimental-warning-apply-duration: an entry whose apply (waiting for the backend commit
  // lock included, as etcd's) took longer is handed to on_slow_apply on the apply thread (etcd's
  // "apply request took too long" + etcd_server_slow_apply_total). May be empty.
  std::chrono::nanoseconds warning_apply_duration = std::chrono::milliseconds(100);
  // --experimental-compact-hash-check-enabled: MVCC records a hash at each compaction
  // (KvStore::Options::record_compaction_hashes) for the leader's compaction hash check.
  bool record_compaction_hashes = false;
  std::function<void(const InternalRequest& req, const ApplyResult& res, std::chrono::nanoseconds took)>
      on_slow_apply;

  // Cluster (Raft). Called on the apply thread after a member was added, updated or removed
  // (`removed`): the transport follows. May be empty.
  std::function<void(const Member& m, bool removed)> on_member_change;
  // Called on the apply thread when this member was removed from the cluster (it must stop).
  std::function<void()> on_removed;
  // Called on the apply thread with the bolt db received from the leader (Applier contract). The
  // owner makes it the backend; it does not return (the process restarts on it). May be empty
  // only where no snapshot can arrive (single-member tests).
  std::function<void(const std::string& db_path, uint64_t index)> on_install_snapshot;
  // --strict-reconfig-check: refuse membership changes that would leave too few started members.
  bool strict_reconfig_check = true;
  std::chrono::milliseconds election_timeout{1000};

  // Auth (auth.cc): --bcrypt-cost and the --auth-token provider (null: simple tokens with
  // --auth-token-ttl's default of 300 s).
  int bcrypt_cost = 10;
  std::shared_ptr<auth::TokenProvider> token_provider;
  // --client-cert-auth: without a token, the verified client certificate's CN is the user.
  bool client_cert_auth = false;
};

// No credentials: what a request without a token (or with auth off) carries.
inline const auth::AuthInfo kNoCaller{};

// What the apply thread hands back to a waiting proposer.
// A Range's result before its conversion to protobuf, for the zero-copy gRPC path
// (server/api/range_wire.h): range.kvs[i].raw are the stored serialized mvccpb.KeyValue bytes (the
// bolt mmap, the backend's write overlay or the mem backend's state), valid while range.pin lives;
// the pin holds the backend read view (see RangePin, storage/mvcc/requests.h). `header` is filled as
// for RangeResponse.header.
struct RangeResult {
  etcdserverpb::ResponseHeader header;
  mvcc::RangeResponse range;
};

struct ApplyResult {
  Status status;
  std::shared_ptr<google::protobuf::Message> response;
  std::shared_future<void> compaction_done;  // Compaction: physical deletion finished
};

class EtcdServer final : public Applier {
 public:
  // Opens the stores over `backend` and starts `log` (re-applying what it holds above the
  // backend's consistent index). REQUIRES: backend and log outlive the server.
  static Status Open(ServerOptions options, backend::Backend* backend, Log* log,
                     std::unique_ptr<EtcdServer>* out);
  ~EtcdServer() override;
  // Stops background loops and the log. Idempotent.
  void Stop();

  // KV.
  // `who`: the caller's credentials (AuthInfoFrom). With auth on, reads are checked before they
  // run and writes when they are applied (etcd's authApplierV3), with etcd's errors.
  Status Range(const etcdserverpb::RangeRequest& req, etcdserverpb::RangeResponse* resp,
               const auth::AuthInfo& who = kNoCaller);
  Status Put(const etcdserverpb::PutRequest& req, etcdserverpb::PutResponse* resp,
             const auth::AuthInfo& who = kNoCaller);
  Status DeleteRange(const etcdserverpb::DeleteRangeRequest& req, etcdserverpb::DeleteRangeResponse* resp,
                     const auth::AuthInfo& who = kNoCaller);
  Status Txn(const etcdserverpb::TxnRequest& req, etcdserverpb::TxnResponse* resp,
             const auth::AuthInfo& who = kNoCaller);
  Status Compact(const etcdserverpb::CompactionRequest& req, etcdserverpb::CompactionResponse* resp);

  // Asynchronous KV (see the header comment). `done` runs exactly once with the outcome and, when
  // it is ok, the response (mutable so the callee may Swap it out; valid during the call only;
  // null on error). It runs inline (rejected before proposing, or a read that needs no wait), on
  // the apply thread, on the timeout thread, or on a read-pool thread. `done` must not block.
  // `req` must stay valid until `done` has run (a gRPC callback request does).
  template <typename Resp>
  using Done = std::function<void(const Status&, Resp*)>;
  void RangeAsync(const etcdserverpb::RangeRequest& req, Done<etcdserverpb::RangeResponse> done,
                  const auth::AuthInfo& who = kNoCaller);
  // RangeAsync without the conversion to protobuf: the same checks, read path and errors; `done`
  // gets the mvcc result (it may move range.pin out to keep the bytes past the call).
  void RangeResultAsync(const etcdserverpb::RangeRequest& req, Done<RangeResult> done,
                        const auth::AuthInfo& who = kNoCaller);
  void PutAsync(const etcdserverpb::PutRequest& req, Done<etcdserverpb::PutResponse> done,
                const auth::AuthInfo& who = kNoCaller);
  void DeleteRangeAsync(const etcdserverpb::DeleteRangeRequest& req,
                        Done<etcdserverpb::DeleteRangeResponse> done, const auth::AuthInfo& who = kNoCaller);
  void TxnAsync(const etcdserverpb::TxnRequest& req, Done<etcdserverpb::TxnResponse> done,
                const auth::AuthInfo& who = kNoCaller);

  // Lease.
  Status LeaseGrant(const etcdserverpb::LeaseGrantRequest& req, etcdserverpb::LeaseGrantResponse* resp);
  // With auth on, revoking needs write permission on every key attached (checked at apply).
  Status LeaseRevoke(const etcdserverpb::LeaseRevokeRequest& req, etcdserverpb::LeaseRevokeResponse* resp,
                     const auth::AuthInfo& who = kNoCaller);
  // Keep-alive is leader-local (no log entry), as in etcd.
  Status LeaseRenew(int64_t id, etcdserverpb::LeaseKeepAliveResponse* resp);
  // With auth on, needs read permission on every key attached (etcd 3.5).
  Status LeaseTimeToLive(const etcdserverpb::LeaseTimeToLiveRequest& req,
                         etcdserverpb::LeaseTimeToLiveResponse* resp, const auth::AuthInfo& who = kNoCaller);
  Status LeaseLeases(etcdserverpb::LeaseLeasesResponse* resp);

  // Maintenance and cluster.
  Status Alarm(const etcdserverpb::AlarmRequest& req, etcdserverpb::AlarmResponse* resp);
  Status StatusOf(etcdserverpb::StatusResponse* resp);
  Status Hash(etcdserverpb::HashResponse* resp);
  Status HashKV(const etcdserverpb::HashKVRequest& req, etcdserverpb::HashKVResponse* resp);
  Status Defragment(etcdserverpb::DefragmentResponse* resp);
  // Writes a consistent bbolt-format copy of the backend to `path` (Maintenance.Snapshot over a
  // backend that is not a bolt file).
  Status SnapshotToFile(const std::string& path);
  // Bolt backend: streams one read transaction of the file (committed first, so every applied
  // entry is in it) with etcd's chunking and sha256 trailer. FailedPrecondition for other backends.
  Status SnapshotStream(const backend::SnapshotChunkSink& sink);
  bool has_bolt_backend() const { return bolt_ != nullptr; }
  Status MemberList(etcdserverpb::MemberListResponse* resp);
  // Cluster RPCs (cluster.cc): etcd's checks and errors, then a Raft membership change (or, for
  // peer URL updates, a log entry), answered once applied.
  Status MemberAdd(const etcdserverpb::MemberAddRequest& req, etcdserverpb::MemberAddResponse* resp);
  Status MemberRemove(const etcdserverpb::MemberRemoveRequest& req, etcdserverpb::MemberRemoveResponse* resp);
  Status MemberUpdate(const etcdserverpb::MemberUpdateRequest& req, etcdserverpb::MemberUpdateResponse* resp);
  Status MemberPromote(const etcdserverpb::MemberPromoteRequest& req,
                       etcdserverpb::MemberPromoteResponse* resp);
  Status MoveLeader(const etcdserverpb::MoveLeaderRequest& req, etcdserverpb::MoveLeaderResponse* resp);
  // Proposes this member's name and client URLs (etcd's publish), retrying until applied or
  // stopped. Runs on its own thread from Open.
  void PublishAttributes();
  // True once this member's attributes are in the membership (etcd's ReadyNotify: clients are
  // served only then). False on timeout or stop.
  bool WaitPublished(std::chrono::milliseconds timeout);
  // The Log's leader changed (raft thread): the lessor follows (primary on the leader only).
  void OnLeaderChange(uint64_t leader, uint64_t term);
  const Membership& membership() const { return membership_; }
  uint64_t cluster_id() const;
  bool IsLeader() const { return log_->leader().leader_id == options_.member_id; }
  bool IsLearner() const;
  // etcd refuses writes and linearizable reads on a learner: "etcdserver: rpc not supported for learner".
  Status RejectIfLearner() const;

  // ---- Auth (auth.cc; etcd v3_server.go's Auth* methods) ----
  auth::AuthStore* auth_store() const { return auth_.get(); }
  // etcd AuthInfoFromCtx + AuthInfoFromTLS: a token (may be empty) is resolved by the token
  // provider (kErrInvalidAuthToken when unknown or expired); without one, `cert_cn` (the verified
  // client certificate's CN, "" when none or --client-cert-auth is off) names the user. With auth
  // off nothing is resolved and *out is kNoCaller.
  Status AuthInfoFrom(std::string_view token, std::string_view cert_cn, auth::AuthInfo* out);
  // Password checked here (bcrypt), then an Authenticate entry assigns the token on every member.
  Status Authenticate(const etcdserverpb::AuthenticateRequest& req, etcdserverpb::AuthenticateResponse* resp);
  // The writes: proposed, checked for root at apply when auth is on (etcd needAdminPermission).
  // UserAdd and UserChangePassword hash the password (--bcrypt-cost) before proposing.
  Status AuthEnable(const auth::AuthInfo& who, etcdserverpb::AuthEnableResponse* resp);
  Status AuthDisable(const auth::AuthInfo& who, etcdserverpb::AuthDisableResponse* resp);
  Status UserAdd(const auth::AuthInfo& who, etcdserverpb::AuthUserAddRequest req,
                 etcdserverpb::AuthUserAddResponse* resp);
  Status UserDelete(const auth::AuthInfo& who, const etcdserverpb::AuthUserDeleteRequest& req,
                    etcdserverpb::AuthUserDeleteResponse* resp);
  Status UserChangePassword(const auth::AuthInfo& who, etcdserverpb::AuthUserChangePasswordRequest req,
                            etcdserverpb::AuthUserChangePasswordResponse* resp);
  Status UserGrantRole(const auth::AuthInfo& who, const etcdserverpb::AuthUserGrantRoleRequest& req,
                       etcdserverpb::AuthUserGrantRoleResponse* resp);
  Status UserRevokeRole(const auth::AuthInfo& who, const etcdserverpb::AuthUserRevokeRoleRequest& req,
                        etcdserverpb::AuthUserRevokeRoleResponse* resp);
  Status RoleAdd(const auth::AuthInfo& who, const etcdserverpb::AuthRoleAddRequest& req,
                 etcdserverpb::AuthRoleAddResponse* resp);
  Status RoleDelete(const auth::AuthInfo& who, const etcdserverpb::AuthRoleDeleteRequest& req,
                    etcdserverpb::AuthRoleDeleteResponse* resp);
  Status RoleGrantPermission(const auth::AuthInfo& who,
                             const etcdserverpb::AuthRoleGrantPermissionRequest& req,
                             etcdserverpb::AuthRoleGrantPermissionResponse* resp);
  Status RoleRevokePermission(const auth::AuthInfo& who,
                              const etcdserverpb::AuthRoleRevokePermissionRequest& req,
                              etcdserverpb::AuthRoleRevokePermissionResponse* resp);
  // The reads: served by this member after a linearizable read point, with etcd's checks (lists:
  // root; UserGet: root or the user itself; RoleGet: root or a holder of the role).
  Status AuthStatus(etcdserverpb::AuthStatusResponse* resp);
  Status UserGet(const auth::AuthInfo& who, const etcdserverpb::AuthUserGetRequest& req,
                 etcdserverpb::AuthUserGetResponse* resp);
  Status UserList(const auth::AuthInfo& who, etcdserverpb::AuthUserListResponse* resp);
  Status RoleGet(const auth::AuthInfo& who, const etcdserverpb::AuthRoleGetRequest& req,
                 etcdserverpb::AuthRoleGetResponse* resp);
  Status RoleList(const auth::AuthInfo& who, etcdserverpb::AuthRoleListResponse* resp);

  // Watch: a stream over the watchable store (the API layer drives it).
  std::unique_ptr<mvcc::WatchStream> NewWatchStream() { return watchable_->NewStream(); }

  // Sets cluster_id, member_id, raft_term and `revision` (0: the current revision).
  void FillHeader(etcdserverpb::ResponseHeader* h, int64_t revision = 0) const;

  // Health: empty when healthy, else etcd's reason ("ALARM NOSPACE", "RAFT NO LEADER").
  std::vector<etcdserverpb::AlarmType> ActiveAlarms() const;
  bool HasLeader() const { return log_->leader().leader_id != 0; }
  // Waits for a linearizable read point (ReadIndex stand-in).
  Status LinearizableReadNotify();
  // True when a linearizable read arriving now may be served without waiting: everything
  // committed is applied (single node; Raft needs a ReadIndex round first).
  bool ReadPointReachedNow() const { return log_->LocalReadIsLinearizable(); }

  const ServerOptions& options() const { return options_; }
  // The backend's consistent index when the server opened: the WAL replay started above it.
  uint64_t restored_consistent_index() const { return restored_consistent_index_; }
  mvcc::KvStore* kv() { return kv_.get(); }
  Log* log() { return log_; }

  // Applier (the Log's apply thread).
  void Apply(const LogEntry& entry) override;
  raft::ConfChange ApplyConfChange(const LogEntry& entry, const raft::ConfChange& cc) override;
  void InstallSnapshot(const std::string& db_path, uint64_t index) override;
  uint64_t MakeDurable() override;

 private:
  EtcdServer(ServerOptions options, backend::Backend* backend, Log* log);
  uint64_t NextRequestId() { return next_request_id_.fetch_add(1); }
  using ApplyCallback = std::function<void(ApplyResult)>;
  // Proposes `*req` (its header id is set here; it is serialized before this returns, so it may
  // borrow the caller's request); `done` runs exactly once with the apply result or the error (too
  // large, log stopped, timed out). See the *Async contract.
  void ProposeAsync(InternalRequest* req, ApplyCallback done);
  // ProposeAsync, waiting for the result.
  Status ProposeAndWait(InternalRequest req, ApplyResult* out);
  // Proposes a KV write and hands `done` the typed response.
  template <typename Resp>
  void ProposeKv(InternalRequest* req, Done<Resp> done);
  // Runs `read(status)` once a linearizable read arriving now may be served: inline when the read
  // point is already applied (ReadPointReachedNow), else on the read pool once
  // Log::ReadBarrierAsync completes (Raft: an asynchronous, batched ReadIndex; no thread waits),
  // or, when that barrier would block (Log::ReadBarrierAsyncMayBlock), on the read pool after the
  // blocking LinearizableReadNotify. status: the barrier's error, or kErrStopped. The one place
  // that decides how a linearizable read waits.
  template <typename Read>
  void WhenReadable(Read read);
  // Reads without a read-point wait (the caller has reached it, or the read is serializable).
  Status ReadRange(const etcdserverpb::RangeRequest& req, etcdserverpb::RangeResponse* resp);
  Status ReadRange(const etcdserverpb::RangeRequest& req, RangeResult* out);
  // RangeAsync for either response form (ReadRange overload).
  template <typename Resp>
  void RangeAsyncAs(const etcdserverpb::RangeRequest& req, Done<Resp> done, const auth::AuthInfo& who);
  Status ReadTxn(const mvcc::TxnRequest& txn, etcdserverpb::TxnResponse* resp);
  // Fails every waiter whose deadline passed with kErrTimeout (the timeout thread).
  void TimeoutLoop();
  // Apply of one request (on the apply thread).
  ApplyResult ApplyRequest(const InternalRequest& req);
  ApplyResult ApplyAlarm(const etcdserverpb::AlarmRequest& req);
  ApplyResult ApplyMemberAttributes(const MemberAttributesRequest& req);
  ApplyResult ApplyMemberUpdate(const MemberUpdateRequest& req);
  // Auth (auth.cc): the auth entries, and the permission recheck of a client's KV write or lease
  // revoke (ok when auth is off or the entry is internal).
  ApplyResult ApplyAuth(const InternalRequest& req);
  Status CheckApplyPermission(const InternalRequest& req);
  Status CheckTxnPermission(const auth::AuthInfo& who, const etcdserverpb::TxnRequest& txn);
  // Write permission on every key attached to `lease` (etcd checkLeasePuts).
  Status CheckLeaseKeys(const auth::AuthInfo& who, int64_t lease, bool write);
  // Stamps `who` into the entry header (etcd RequestHeader.username / auth_revision).
  static void SetCaller(InternalRequest* req, const auth::AuthInfo& who);
  // Proposes an auth write and waits for its result.
  Status ProposeAuth(const auth::AuthInfo& who, InternalRequest req, ApplyResult* out);
  // ProposeAuth of `req` put in `field`, copying the applied response into `resp` (auth.cc only).
  template <typename Req, typename Resp>
  Status ProposeAuthChange(const auth::AuthInfo& who, Req* (InternalRequest::*field)(), const Req& req,
                           Resp* resp);
  // Proposes a membership change for `m` and waits for its apply result.
  Status ProposeConfChangeAndWait(raft::ConfChangeType type, const Member& m, ApplyResult* out);
  void FillMembers(google::protobuf::RepeatedPtrField<etcdserverpb::Member>* out) const;
  bool NoSpace() const;
  // etcd applierV3Corrupt: with a CORRUPT alarm active, KV, compaction and lease grant/revoke
  // entries fail with kErrCorrupt (alarms.cc). True when `req` is refused so; fills `res`.
  bool RefusedByCorruptAlarm(const InternalRequest& req, ApplyResult* res) const;
  // Raises NOSPACE through the log when the backend is over quota by `cost` bytes more.
  Status CheckQuota(size_t cost);
  void LeaseLoop();
  // Every watch_sync_interval: catch up unsynced watchers; refresh db_size_bytes_ when due.
  void HousekeepingLoop();
  // Bolt backend: commits when the batch interval is due; reports the durable consistent index.
  void CommitBackendIfDue();
  // The alarm bucket (etcd v3alarm): restores alarms_ at Open; writes one change at apply.
  Status RestoreAlarms();
  void PersistAlarm(const etcdserverpb::AlarmMember& alarm, bool active);

  const ServerOptions options_;
  backend::Backend* const backend_;
  Log* const log_;
  // backend_ as a bolt-file backend (OpenBoltBackend), else null: enables commit-if-due, defrag
  // and the streamed snapshot.
  backend::BufferedBackend* const bolt_;
  uint64_t restored_consistent_index_ = 0;
  // Held by Apply for a whole entry and by CommitBackendIfDue around the commit, so an interval
  // commit never persists consistent_index = N while entry N is half applied (the pre-commit
  // hook writes the index set at the start of Apply).
  std::mutex apply_commit_mu_;
  uint64_t durable_index_reported_ = 0;  // housekeeping thread only
  Membership membership_;
  std::unique_ptr<mvcc::Lessor> lessor_;
  std::unique_ptr<mvcc::KvStore> kv_;
  std::unique_ptr<mvcc::WatchableStore> watchable_;
  std::unique_ptr<auth::AuthStore> auth_;
  std::shared_ptr<auth::TokenProvider> tokens_;
  uint64_t applying_index_ = 0;  // apply thread: the index of the entry being applied
  WaitRegistry<ApplyResult> wait_;
  // The timeout thread sleeps until the earliest deadline, at least kTimeoutGranularity apart (stale
  // deadlines of answered requests wake it too; the granularity bounds those wake-ups).
  static constexpr std::chrono::milliseconds kTimeoutGranularity{10};
  std::mutex timeout_mu_;
  std::condition_variable timeout_cv_;
  bool timeout_stopping_ = false;
  std::thread timeout_thread_;
  // Runs linearizable reads (and their callbacks) once their read barrier completed, so log
  // threads never execute a read; and blocking barriers when the asynchronous one would block.
  TaskPool read_pool_{8};
  std::atomic<uint64_t> next_request_id_;
  // backend_->size_bytes(), refreshed every db_size_refresh_interval and on each quota failure: the
  // mem backend computes it in O(keys), too slow for every request. Quota checks may therefore
  // lag the real size by one refresh interval.
  std::atomic<int64_t> db_size_bytes_{0};

  mutable std::mutex alarm_mu_;
  std::set<std::pair<uint64_t, int>> alarms_;  // (member id, AlarmType)

  std::mutex loop_mu_;
  std::condition_variable loop_cv_;
  bool stopping_ = false;
  bool published_ = false;  // guarded by loop_mu_
  std::thread lease_thread_;
  std::thread housekeeping_thread_;
  std::thread publish_thread_;
};

}  // namespace cairn::etcdserver

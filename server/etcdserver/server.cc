#include "server/etcdserver/server.h"

#include <pthread.h>

#include <algorithm>
#include <cstdio>

#include "server/etcdserver/errors.h"
#include "storage/backend/bolt_backend.h"
#include "storage/mvcc/proto_convert.h"
#include "storage/mvcc/txn.h"

namespace cairn::etcdserver {
namespace {

// etcd v3rpc checkRequestOp/checkTxnRequest: op counts per branch, recursively.
Status CheckTxnOps(const etcdserverpb::TxnRequest& t, uint64_t max_ops) {
  if (static_cast<uint64_t>(t.compare_size()) > max_ops ||
      static_cast<uint64_t>(t.success_size()) > max_ops ||
      static_cast<uint64_t>(t.failure_size()) > max_ops) {
    return EtcdError(kErrTooManyOps);
  }
  for (const auto* ops : {&t.success(), &t.failure()}) {
    for (const etcdserverpb::RequestOp& op : *ops) {
      if (op.has_request_range() && op.request_range().key().empty()) return EtcdError(kErrEmptyKey);
      if (op.has_request_put()) {
        const auto& p = op.request_put();
        if (p.key().empty()) return EtcdError(kErrEmptyKey);
        if (p.ignore_value() && !p.value().empty()) return EtcdError(kErrValueProvided);
        if (p.ignore_lease() && p.lease() != 0) return EtcdError(kErrLeaseProvided);
      }
      if (op.has_request_delete_range() && op.request_delete_range().key().empty()) {
        return EtcdError(kErrEmptyKey);
      }
      if (op.has_request_txn()) CAIRN_RETURN_IF_ERROR(CheckTxnOps(op.request_txn(), max_ops));
    }
  }
  return Status::Ok();
}

// The backend as a bolt-file backend, or null.
backend::BufferedBackend* AsBoltBackend(backend::Backend* b) {
  auto* buffered = dynamic_cast<backend::BufferedBackend*>(b);
  if (buffered == nullptr || backend::BoltStoreOf(buffered) == nullptr) return nullptr;
  return buffered;
}

}  // namespace

EtcdServer::EtcdServer(ServerOptions options, backend::Backend* backend, Log* log)
    : options_(std::move(options)),
      backend_(backend),
      log_(log),
      bolt_(AsBoltBackend(backend)),
      // etcd idutil: the member ID's low 16 bits, then a millisecond timestamp, then a counter,
      // so request IDs of different members never collide in the shared log.
      next_request_id_(((options_.member_id & 0xffff) << 48) |
                       ((static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                   std::chrono::system_clock::now().time_since_epoch())
                                                   .count())
                         << 8) &
                        ((uint64_t{1} << 48) - 1))) {}

Status EtcdServer::Open(ServerOptions options, backend::Backend* backend, Log* log,
                        std::unique_ptr<EtcdServer>* out) {
  std::unique_ptr<EtcdServer> s(new EtcdServer(std::move(options), backend, log));
  std::unique_ptr<auth::TokenProvider> owned;
  mvcc::Lessor::Options lo;
  lo.clock = s->options_.clock;
  lo.min_ttl_seconds = s->options_.lease_min_ttl_seconds;
  CAIRN_RETURN_IF_ERROR(mvcc::Lessor::Open(backend, lo, &s->lessor_));
  mvcc::KvStore::Options ko;
  ko.leases = s->lessor_.get();
  ko.record_compaction_hashes = s->options_.record_compaction_hashes;
  CAIRN_RETURN_IF_ERROR(mvcc::KvStore::Open(backend, ko, &s->kv_));
  s->lessor_->set_kv(s->kv_.get());
  s->watchable_ = std::make_unique<mvcc::WatchableStore>(s->kv_.get());
  CAIRN_RETURN_IF_ERROR(s->RestoreAlarms());
  CAIRN_RETURN_IF_ERROR(auth::AuthStore::Open(backend, &s->auth_));
  s->tokens_ = s->options_.token_provider;
  if (s->tokens_ == nullptr) {
    CAIRN_RETURN_IF_ERROR(auth::NewTokenProvider(
        "simple", std::chrono::seconds(300), [] { return std::chrono::system_clock::now(); }, &owned));
    s->tokens_ = std::move(owned);
  }
  if (s->auth_->enabled()) s->tokens_->Enable();
  CAIRN_RETURN_IF_ERROR(s->membership_.Load(backend));
  s->restored_consistent_index_ = s->kv_->consistent_index();
  s->durable_index_reported_ = s->restored_consistent_index_;
  CAIRN_RETURN_IF_ERROR(log->Start(s.get(), s->restored_consistent_index_));
  s->timeout_thread_ = std::thread([p = s.get()] { p->TimeoutLoop(); });
  // The leader's lessor is primary (etcd Promote on election); later changes: OnLeaderChange.
  if (s->IsLeader()) s->lessor_->Promote(std::chrono::milliseconds(0));
  s->lease_thread_ = std::thread([p = s.get()] { p->LeaseLoop(); });
  s->db_size_bytes_.store(backend->size_bytes());
  s->housekeeping_thread_ = std::thread([p = s.get()] { p->HousekeepingLoop(); });
  if (!s->options_.name.empty() && s->options_.member_id != 0) {
    s->publish_thread_ = std::thread([p = s.get()] { p->PublishAttributes(); });
  }
  *out = std::move(s);
  return Status::Ok();
}

EtcdServer::~EtcdServer() { Stop(); }

void EtcdServer::Stop() {
  {
    std::lock_guard<std::mutex> lock(loop_mu_);
    stopping_ = true;
  }
  loop_cv_.notify_all();
  if (lease_thread_.joinable()) lease_thread_.join();
  if (housekeeping_thread_.joinable()) housekeeping_thread_.join();
  if (publish_thread_.joinable()) publish_thread_.join();
  log_->Stop();
  // Everything committed is applied: queued reads find their read point (or the stopped log) at
  // once, and the waiters left will never be applied in this process.
  read_pool_.Stop();
  {
    std::lock_guard<std::mutex> lock(timeout_mu_);
    timeout_stopping_ = true;
  }
  timeout_cv_.notify_all();
  if (timeout_thread_.joinable()) timeout_thread_.join();
  for (auto& done : wait_.TakeAll()) {
    ApplyResult r;
    r.status = EtcdError(kErrStopped);
    done(std::move(r));
  }
  // Graceful stop: everything applied becomes durable in the backend with its consistent index,
  // so the next start replays nothing. Idempotent (a second commit finds nothing to write).
  if (kv_ != nullptr) {
    if (Status st = kv_->Commit(); !st.ok()) {
      std::fprintf(stderr, "etcdserver: final backend commit failed: %s\n", st.ToString().c_str());
    }
  }
}

void EtcdServer::FillHeader(etcdserverpb::ResponseHeader* h, int64_t revision) const {
  h->set_cluster_id(cluster_id());
  h->set_member_id(options_.member_id);
  h->set_revision(revision != 0 ? revision : kv_->current_revision());
  h->set_raft_term(log_->leader().term);
}

Status EtcdServer::RejectIfLearner() const {
  return IsLearner() ? EtcdError(kErrNotSupportedForLearner) : Status::Ok();
}

Status EtcdServer::LinearizableReadNotify() {
  // Raft ReadIndex: served once applied covers an index the leader confirmed after the read came.
  return log_->ReadBarrier(options_.request_timeout);
}

void EtcdServer::ProposeAsync(InternalRequest* req, ApplyCallback done) {
  const uint64_t id = NextRequestId();
  req->mutable_header()->set_id(id);
  std::string data = req->SerializeAsString();
  if (data.size() > options_.max_request_bytes) {
    ApplyResult r;
    r.status = EtcdError(kErrRequestTooLarge);
    done(std::move(r));
    return;
  }
  if (options_.on_proposals_pending) options_.on_proposals_pending(1);
  auto deadline = WaitRegistry<ApplyResult>::Clock::now() + options_.request_timeout;
  const bool earliest = wait_.Register(id, deadline, [this, done = std::move(done)](ApplyResult r) {
    if (options_.on_proposals_pending) options_.on_proposals_pending(-1);
    done(std::move(r));
  });
  if (earliest) {
    std::lock_guard<std::mutex> lock(timeout_mu_);  // no lost wake-up: see TimeoutLoop
    timeout_cv_.notify_one();
  }
  // The caller does not wait for the raft thread to take the entry: a later refusal (the leader
  // stepped down first) answers the waiter with the error instead of the apply.
  Status st = log_->ProposeAsync(std::move(data), [this, id](const Status& refused) {
    if (ApplyCallback failed = wait_.Cancel(id)) {
      if (options_.on_proposal_failed) options_.on_proposal_failed();
      ApplyResult r;
      r.status = refused;
      failed(std::move(r));
    }
  });
  if (st.ok()) return;
  if (ApplyCallback failed = wait_.Cancel(id)) {  // else the timeout thread answered first
    if (options_.on_proposal_failed) options_.on_proposal_failed();
    ApplyResult r;
    r.status = st;
    failed(std::move(r));
  }
}

void EtcdServer::TimeoutLoop() {
  pthread_setname_np(pthread_self(), "req-timeouts");
  std::unique_lock<std::mutex> lock(timeout_mu_);
  while (!timeout_stopping_) {
    // NextDeadline is read under timeout_mu_ and Register's notifier takes it: no lost wake-up.
    std::optional<WaitRegistry<ApplyResult>::Clock::time_point> next = wait_.NextDeadline();
    if (next) {
      timeout_cv_.wait_until(lock, *next);
    } else {
      timeout_cv_.wait(lock);
    }
    if (timeout_stopping_) break;
    lock.unlock();
    for (auto& done : wait_.TakeExpired(WaitRegistry<ApplyResult>::Clock::now())) {
      if (options_.on_proposal_failed) options_.on_proposal_failed();
      ApplyResult r;
      r.status = EtcdError(kErrTimeout);
      done(std::move(r));
    }
    // Bounds the wake-ups on deadlines of requests answered long ago (see kTimeoutGranularity).
    std::this_thread::sleep_for(kTimeoutGranularity);
    lock.lock();
  }
}

Status EtcdServer::ProposeAndWait(InternalRequest req, ApplyResult* out) {
  // shared: the callback may still be inside set_value when get() returns.
  auto p = std::make_shared<std::promise<ApplyResult>>();
  std::future<ApplyResult> f = p->get_future();
  ProposeAsync(&req, [p](ApplyResult r) { p->set_value(std::move(r)); });
  *out = f.get();
  return out->status;
}

template <typename Resp>
void EtcdServer::ProposeKv(InternalRequest* req, Done<Resp> done) {
  ProposeAsync(req, [done = std::move(done)](ApplyResult r) {
    if (!r.status.ok()) {
      done(r.status, nullptr);
      return;
    }
    done(r.status, static_cast<Resp*>(r.response.get()));
  });
}

// The blocking form of an *Async call.
template <typename Resp, typename Req, typename AsyncFn>
Status WaitFor(const Req& req, Resp* resp, AsyncFn&& async) {
  auto p = std::make_shared<std::promise<Status>>();
  std::future<Status> f = p->get_future();
  async(req, [p, resp](const Status& st, Resp* r) {
    if (st.ok()) resp->Swap(r);
    p->set_value(st);
  });
  return f.get();
}

// ---- KV ----

Status EtcdServer::ReadRange(const etcdserverpb::RangeRequest& req, etcdserverpb::RangeResponse* resp) {
  mvcc::RangeResponse r;
  CAIRN_RETURN_IF_ERROR(ToEtcdError(kv_->Range(mvcc::FromProto(req), &r)));
  mvcc::ToProto(r, resp);
  FillHeader(resp->mutable_header(), r.revision);
  return Status::Ok();
}

Status EtcdServer::ReadRange(const etcdserverpb::RangeRequest& req, RangeResult* out) {
  CAIRN_RETURN_IF_ERROR(ToEtcdError(kv_->Range(mvcc::FromProto(req), &out->range)));
  FillHeader(&out->header, out->range.revision);
  return Status::Ok();
}

Status EtcdServer::ReadTxn(const mvcc::TxnRequest& txn, etcdserverpb::TxnResponse* resp) {
  mvcc::TxnResponse r;
  CAIRN_RETURN_IF_ERROR(ToEtcdError(kv_->Txn(txn, &r)));
  mvcc::ToProto(r, resp);
  FillHeader(resp->mutable_header(), r.revision);
  return Status::Ok();
}

Status EtcdServer::Range(const etcdserverpb::RangeRequest& req, etcdserverpb::RangeResponse* resp,
                         const auth::AuthInfo& who) {
  if (req.key().empty()) return EtcdError(kErrEmptyKey);
  CAIRN_RETURN_IF_ERROR(auth_->CheckRead(who, req.key(), req.range_end()));
  if (!req.serializable()) {
    CAIRN_RETURN_IF_ERROR(RejectIfLearner());
    CAIRN_RETURN_IF_ERROR(LinearizableReadNotify());
  }
  return ReadRange(req, resp);
}

template <typename Read>
void EtcdServer::WhenReadable(Read read) {
  if (ReadPointReachedNow()) {
    read(Status::Ok());
    return;
  }
  auto task = std::make_shared<Read>(std::move(read));
  if (log_->ReadBarrierAsyncMayBlock()) {
    // The barrier would block (no leader known yet, or a Log without an asynchronous one): wait on
    // the read pool, never on the caller's (gRPC) thread.
    if (!read_pool_.Post([this, task] { (*task)(LinearizableReadNotify()); }))
      (*task)(EtcdError(kErrStopped));
    return;
  }
  // No thread waits for the ReadIndex round or the apply. `done` runs on a log thread (raft or
  // apply), which must never execute a read or a user callback: both go to the read pool.
  log_->ReadBarrierAsync(options_.request_timeout, [this, task](const Status& st) {
    if (!read_pool_.Post([task, st] { (*task)(st); })) (*task)(EtcdError(kErrStopped));
  });
}

template <typename Resp>
void EtcdServer::RangeAsyncAs(const etcdserverpb::RangeRequest& req, Done<Resp> done,
                              const auth::AuthInfo& who) {
  if (req.key().empty()) {
    done(EtcdError(kErrEmptyKey), nullptr);
    return;
  }
  if (Status denied = auth_->CheckRead(who, req.key(), req.range_end()); !denied.ok()) {
    done(denied, nullptr);
    return;
  }
  auto read = [this, r = &req, done = std::move(done)](Status st) {
    Resp resp;
    if (st.ok()) st = ReadRange(*r, &resp);
    done(st, st.ok() ? &resp : nullptr);
  };
  if (req.serializable()) {
    read(Status::Ok());
  } else if (Status learner = RejectIfLearner(); !learner.ok()) {
    read(learner);
  } else {
    WhenReadable(std::move(read));
  }
}

void EtcdServer::RangeAsync(const etcdserverpb::RangeRequest& req, Done<etcdserverpb::RangeResponse> done,
                            const auth::AuthInfo& who) {
  RangeAsyncAs(req, std::move(done), who);
}

void EtcdServer::RangeResultAsync(const etcdserverpb::RangeRequest& req, Done<RangeResult> done,
                                  const auth::AuthInfo& who) {
  RangeAsyncAs(req, std::move(done), who);
}

Status EtcdServer::Put(const etcdserverpb::PutRequest& req, etcdserverpb::PutResponse* resp,
                       const auth::AuthInfo& who) {
  return WaitFor(req, resp, [this, &who](const auto& q, auto d) { PutAsync(q, std::move(d), who); });
}

void EtcdServer::PutAsync(const etcdserverpb::PutRequest& req, Done<etcdserverpb::PutResponse> done,
                          const auth::AuthInfo& who) {
  Status st = RejectIfLearner();
  if (!st.ok()) {
  } else if (req.key().empty()) {
    st = EtcdError(kErrEmptyKey);
  } else if (req.ignore_value() && !req.value().empty()) {
    st = EtcdError(kErrValueProvided);
  } else if (req.ignore_lease() && req.lease() != 0) {
    st = EtcdError(kErrLeaseProvided);
  } else {
    st = CheckQuota(req.key().size() + req.value().size());
  }
  if (!st.ok()) {
    done(st, nullptr);
    return;
  }
  InternalRequest ir;
  // Borrows the caller's request for the serialization instead of copying it.
  ir.unsafe_arena_set_allocated_put(const_cast<etcdserverpb::PutRequest*>(&req));
  SetCaller(&ir, who);
  ProposeKv(&ir, std::move(done));
  (void)ir.unsafe_arena_release_put();
}

Status EtcdServer::DeleteRange(const etcdserverpb::DeleteRangeRequest& req,
                               etcdserverpb::DeleteRangeResponse* resp, const auth::AuthInfo& who) {
  return WaitFor(req, resp, [this, &who](const auto& q, auto d) { DeleteRangeAsync(q, std::move(d), who); });
}

void EtcdServer::DeleteRangeAsync(const etcdserverpb::DeleteRangeRequest& req,
                                  Done<etcdserverpb::DeleteRangeResponse> done, const auth::AuthInfo& who) {
  Status st = req.key().empty() ? EtcdError(kErrEmptyKey) : RejectIfLearner();
  if (!st.ok()) {
    done(st, nullptr);
    return;
  }
  InternalRequest ir;
  // Borrows the caller's request for the serialization instead of copying it.
  ir.unsafe_arena_set_allocated_delete_range(const_cast<etcdserverpb::DeleteRangeRequest*>(&req));
  SetCaller(&ir, who);
  ProposeKv(&ir, std::move(done));
  (void)ir.unsafe_arena_release_delete_range();
}

Status EtcdServer::Txn(const etcdserverpb::TxnRequest& req, etcdserverpb::TxnResponse* resp,
                       const auth::AuthInfo& who) {
  return WaitFor(req, resp, [this, &who](const auto& q, auto d) { TxnAsync(q, std::move(d), who); });
}

void EtcdServer::TxnAsync(const etcdserverpb::TxnRequest& req, Done<etcdserverpb::TxnResponse> done,
                          const auth::AuthInfo& who) {
  Status st = RejectIfLearner();
  if (st.ok()) st = CheckTxnOps(req, options_.max_txn_ops);
  mvcc::TxnRequest txn;
  if (st.ok()) {
    txn = mvcc::FromProto(req);
    st = ToEtcdError(mvcc::CheckTxnIntervals(txn));
  }
  if (st.ok() && mvcc::IsTxnReadOnly(txn)) {
    // etcd checks a read-only txn before serving it (doSerialize + checkTxnAuth).
    if (auth_->enabled()) st = CheckTxnPermission(who, req);
    if (!st.ok()) {
      done(st, nullptr);
      return;
    }
    // etcd serves read-only txns like linearizable ranges, without a log entry.
    WhenReadable([this, txn = std::move(txn), done = std::move(done)](Status s) {
      etcdserverpb::TxnResponse resp;
      if (s.ok()) s = ReadTxn(txn, &resp);
      done(s, s.ok() ? &resp : nullptr);
    });
    return;
  }
  if (st.ok()) st = CheckQuota(req.ByteSizeLong());
  if (!st.ok()) {
    done(st, nullptr);
    return;
  }
  InternalRequest ir;
  // Borrows the caller's request for the serialization instead of copying it.
  ir.unsafe_arena_set_allocated_txn(const_cast<etcdserverpb::TxnRequest*>(&req));
  SetCaller(&ir, who);
  ProposeKv(&ir, std::move(done));
  (void)ir.unsafe_arena_release_txn();
}

Status EtcdServer::Compact(const etcdserverpb::CompactionRequest& req,
                           etcdserverpb::CompactionResponse* resp) {
  CAIRN_RETURN_IF_ERROR(RejectIfLearner());
  InternalRequest ir;
  *ir.mutable_compaction() = req;
  ApplyResult res;
  CAIRN_RETURN_IF_ERROR(ProposeAndWait(std::move(ir), &res));
  if (req.physical() && res.compaction_done.valid()) res.compaction_done.wait();
  resp->CopyFrom(*res.response);
  FillHeader(resp->mutable_header());
  return Status::Ok();
}

void EtcdServer::HousekeepingLoop() {
  auto last_size_refresh = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> lock(loop_mu_);
  while (!stopping_) {
    loop_cv_.wait_for(lock, options_.watch_sync_interval);
    if (stopping_) break;
    lock.unlock();
    watchable_->SyncWatchers();
    CommitBackendIfDue();
    auto now = std::chrono::steady_clock::now();
    if (now - last_size_refresh >= options_.db_size_refresh_interval) {
      db_size_bytes_.store(backend_->size_bytes());
      last_size_refresh = now;
    }
    lock.lock();
  }
}

void EtcdServer::CommitBackendIfDue() {
  if (bolt_ == nullptr) return;
  {
    std::lock_guard<std::mutex> lock(apply_commit_mu_);
    const auto start = std::chrono::steady_clock::now();
    // A failed commit is fatal inside BufferedBackend (the WAL is the source of truth).
    (void)bolt_->CommitIfDue();
    const auto took = std::chrono::steady_clock::now() - start;
    // Only report actual commits: an idle check (nothing published or not due) returns in a few
    // microseconds, a commit (write + two fdatasyncs) takes far longer than the threshold.
    if (options_.on_backend_commit && took >= std::chrono::microseconds(50)) {
      options_.on_backend_commit(took);
    }
  }
  if (!options_.on_backend_durable) return;
  // What the file holds now (committed state only, not the published overlay).
  std::unique_ptr<backend::ReadView> view = backend::BoltStoreOf(bolt_)->Snapshot();
  std::string_view v;
  if (!view->UnsafeGet(backend::kMetaBucket, mvcc::kConsistentIndexKey, &v) || v.size() != 8) return;
  uint64_t durable = 0;
  for (char c : v) durable = (durable << 8) | static_cast<uint8_t>(c);
  if (durable <= durable_index_reported_) return;
  durable_index_reported_ = durable;
  options_.on_backend_durable(durable);
}

}  // namespace cairn::etcdserver

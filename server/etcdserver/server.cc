#include "server/etcdserver/server.h"

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
  mvcc::Lessor::Options lo;
  lo.clock = s->options_.clock;
  lo.min_ttl_seconds = s->options_.lease_min_ttl_seconds;
  CAIRN_RETURN_IF_ERROR(mvcc::Lessor::Open(backend, lo, &s->lessor_));
  mvcc::KvStore::Options ko;
  ko.leases = s->lessor_.get();
  CAIRN_RETURN_IF_ERROR(mvcc::KvStore::Open(backend, ko, &s->kv_));
  s->lessor_->set_kv(s->kv_.get());
  s->watchable_ = std::make_unique<mvcc::WatchableStore>(s->kv_.get());
  CAIRN_RETURN_IF_ERROR(s->RestoreAlarms());
  CAIRN_RETURN_IF_ERROR(s->membership_.Load(backend));
  s->restored_consistent_index_ = s->kv_->consistent_index();
  s->durable_index_reported_ = s->restored_consistent_index_;
  CAIRN_RETURN_IF_ERROR(log->Start(s.get(), s->restored_consistent_index_));
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

Status EtcdServer::ProposeAndWait(InternalRequest req, ApplyResult* out) {
  const uint64_t id = NextRequestId();
  req.mutable_header()->set_id(id);
  std::string data = req.SerializeAsString();
  if (data.size() > options_.max_request_bytes) return EtcdError(kErrRequestTooLarge);
  std::future<ApplyResult> f = wait_.Register(id);
  // The gRPC thread does not wait for the raft thread to take the entry: a later refusal (the
  // leader stepped down first) completes the waiter with the error instead of the apply.
  Status st = log_->ProposeAsync(std::move(data), [this, id](const Status& refused) {
    ApplyResult r;
    r.status = refused;
    wait_.Trigger(id, std::move(r));
  });
  if (!st.ok()) {
    wait_.Cancel(id);
    if (options_.on_proposal_failed) options_.on_proposal_failed();
    return st;
  }
  if (options_.on_proposals_pending) options_.on_proposals_pending(1);
  const bool ready = f.wait_for(options_.request_timeout) == std::future_status::ready;
  if (options_.on_proposals_pending) options_.on_proposals_pending(-1);
  if (!ready) {
    wait_.Cancel(id);
    if (options_.on_proposal_failed) options_.on_proposal_failed();
    return EtcdError(kErrTimeout);
  }
  *out = f.get();
  return out->status;
}

// ---- KV ----

Status EtcdServer::Range(const etcdserverpb::RangeRequest& req, etcdserverpb::RangeResponse* resp) {
  if (req.key().empty()) return EtcdError(kErrEmptyKey);
  if (!req.serializable()) {
    CAIRN_RETURN_IF_ERROR(RejectIfLearner());
    CAIRN_RETURN_IF_ERROR(LinearizableReadNotify());
  }
  mvcc::RangeResponse r;
  CAIRN_RETURN_IF_ERROR(ToEtcdError(kv_->Range(mvcc::FromProto(req), &r)));
  mvcc::ToProto(r, resp);
  FillHeader(resp->mutable_header(), r.revision);
  return Status::Ok();
}

Status EtcdServer::Put(const etcdserverpb::PutRequest& req, etcdserverpb::PutResponse* resp) {
  CAIRN_RETURN_IF_ERROR(RejectIfLearner());
  if (req.key().empty()) return EtcdError(kErrEmptyKey);
  if (req.ignore_value() && !req.value().empty()) return EtcdError(kErrValueProvided);
  if (req.ignore_lease() && req.lease() != 0) return EtcdError(kErrLeaseProvided);
  CAIRN_RETURN_IF_ERROR(CheckQuota(req.key().size() + req.value().size()));
  InternalRequest ir;
  *ir.mutable_put() = req;
  ApplyResult res;
  CAIRN_RETURN_IF_ERROR(ProposeAndWait(std::move(ir), &res));
  resp->CopyFrom(*res.response);
  return Status::Ok();
}

Status EtcdServer::DeleteRange(const etcdserverpb::DeleteRangeRequest& req,
                               etcdserverpb::DeleteRangeResponse* resp) {
  CAIRN_RETURN_IF_ERROR(RejectIfLearner());
  if (req.key().empty()) return EtcdError(kErrEmptyKey);
  InternalRequest ir;
  *ir.mutable_delete_range() = req;
  ApplyResult res;
  CAIRN_RETURN_IF_ERROR(ProposeAndWait(std::move(ir), &res));
  resp->CopyFrom(*res.response);
  return Status::Ok();
}

Status EtcdServer::Txn(const etcdserverpb::TxnRequest& req, etcdserverpb::TxnResponse* resp) {
  CAIRN_RETURN_IF_ERROR(RejectIfLearner());
  CAIRN_RETURN_IF_ERROR(CheckTxnOps(req, options_.max_txn_ops));
  mvcc::TxnRequest txn = mvcc::FromProto(req);
  CAIRN_RETURN_IF_ERROR(ToEtcdError(mvcc::CheckTxnIntervals(txn)));
  if (mvcc::IsTxnReadOnly(txn)) {
    // etcd serves read-only txns like linearizable ranges, without a log entry.
    CAIRN_RETURN_IF_ERROR(LinearizableReadNotify());
    mvcc::TxnResponse r;
    CAIRN_RETURN_IF_ERROR(ToEtcdError(kv_->Txn(txn, &r)));
    mvcc::ToProto(r, resp);
    FillHeader(resp->mutable_header(), r.revision);
    return Status::Ok();
  }
  CAIRN_RETURN_IF_ERROR(CheckQuota(req.ByteSizeLong()));
  InternalRequest ir;
  *ir.mutable_txn() = req;
  ApplyResult res;
  CAIRN_RETURN_IF_ERROR(ProposeAndWait(std::move(ir), &res));
  resp->CopyFrom(*res.response);
  return Status::Ok();
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

#include "server/api/concurrency.h"

#include <atomic>
#include <cinttypes>
#include <cstdio>

#include "server/etcdserver/errors.h"
#include "storage/mvcc/key_range.h"

namespace cairn::api {
namespace {

std::atomic<bool> g_stopping{false};

// Waits for a deletion of `key` at revision >= `rev` (concurrency's waitDelete).
Status WaitDelete(etcdserver::EtcdServer* server, const std::string& key, int64_t rev,
                  const IsCancelled& cancelled) {
  mvcc::WatchOptions o;
  o.key = key;
  o.start_rev = rev;
  bool compacted = false;
  auto deleted = [](const mvcc::WatchResponse& wr) {
    for (const mvcc::Event& ev : wr.events) {
      if (ev.type == mvcc::Event::Type::kDelete) return true;
    }
    return false;
  };
  CAIRN_RETURN_IF_ERROR(WatchUntil(server, o, cancelled, deleted, &compacted));
  return compacted ? etcdserver::EtcdError(etcdserver::kErrCompacted) : Status::Ok();
}

}  // namespace

void StopAllWaits() { g_stopping.store(true); }

Status WaitInterrupted(const IsCancelled& cancelled) {
  if (g_stopping.load()) return etcdserver::EtcdError(etcdserver::kErrStopped);
  if (cancelled && cancelled()) return Status::Unavailable(std::string(kErrCanceled));
  return Status::Ok();
}

Status WatchUntil(etcdserver::EtcdServer* server, const mvcc::WatchOptions& options,
                  const IsCancelled& cancelled, const WatchResponseHandler& on_response, bool* compacted) {
  *compacted = false;
  std::unique_ptr<mvcc::WatchStream> stream = server->NewWatchStream();
  mvcc::WatchId id = mvcc::kInvalidWatchId;
  CAIRN_RETURN_IF_ERROR(stream->Watch(mvcc::kAutoWatchId, options, &id));
  while (true) {
    CAIRN_RETURN_IF_ERROR(WaitInterrupted(cancelled));
    mvcc::WatchResponse wr;
    if (!stream->Wait(&wr, kCancelPoll)) continue;
    if (wr.compact_revision > 0) {
      *compacted = true;
      return Status::Ok();
    }
    if (on_response(wr)) return Status::Ok();
  }
}

Status SessionLease(etcdserver::EtcdServer* server, int64_t lease, int64_t* out) {
  if (lease != 0) {
    *out = lease;
    return Status::Ok();
  }
  etcdserverpb::LeaseGrantRequest req;
  req.set_ttl(kDefaultSessionTtlSeconds);
  etcdserverpb::LeaseGrantResponse resp;
  CAIRN_RETURN_IF_ERROR(server->LeaseGrant(req, &resp));
  *out = resp.id();
  return Status::Ok();
}

std::string LeaseKey(std::string_view prefix, int64_t lease) {
  char hex[24];
  if (lease < 0) {
    snprintf(hex, sizeof(hex), "-%" PRIx64, -static_cast<uint64_t>(lease));
  } else {
    snprintf(hex, sizeof(hex), "%" PRIx64, static_cast<uint64_t>(lease));
  }
  return std::string(prefix) + hex;
}

etcdserverpb::RangeRequest CreateOrderRange(std::string_view prefix, bool last) {
  etcdserverpb::RangeRequest r;
  r.set_key(std::string(prefix));
  r.set_range_end(mvcc::PrefixEnd(prefix));
  r.set_sort_target(etcdserverpb::RangeRequest::CREATE);
  r.set_sort_order(last ? etcdserverpb::RangeRequest::DESCEND : etcdserverpb::RangeRequest::ASCEND);
  r.set_limit(1);
  return r;
}

Status WaitDeletes(etcdserver::EtcdServer* server, std::string_view prefix, int64_t max_create_rev,
                   const IsCancelled& cancelled, etcdserverpb::ResponseHeader* header) {
  etcdserverpb::RangeRequest req = CreateOrderRange(prefix, /*last=*/true);
  req.set_max_create_revision(max_create_rev);
  while (true) {
    CAIRN_RETURN_IF_ERROR(WaitInterrupted(cancelled));
    etcdserverpb::RangeResponse resp;
    CAIRN_RETURN_IF_ERROR(server->Range(req, &resp));
    if (resp.kvs_size() == 0) {
      *header = resp.header();
      return Status::Ok();
    }
    CAIRN_RETURN_IF_ERROR(WaitDelete(server, resp.kvs(0).key(), resp.header().revision(), cancelled));
  }
}

etcdserverpb::TxnRequest CreateRevisionTxn(std::string_view key, int64_t create_rev) {
  etcdserverpb::TxnRequest txn;
  etcdserverpb::Compare* c = txn.add_compare();
  c->set_result(etcdserverpb::Compare::EQUAL);
  c->set_target(etcdserverpb::Compare::CREATE);
  c->set_key(std::string(key));
  c->set_create_revision(create_rev);
  return txn;
}

grpc::Status ToRecipeStatus(const Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const std::string text = etcdserver::ToEtcdError(status).message();
  if (text == kErrCanceled) return grpc::Status(grpc::StatusCode::CANCELLED, text);
  return grpc::Status(grpc::StatusCode::UNKNOWN, text);
}

IsCancelled ContextCancelled(grpc::ServerContext* ctx) {
  return [ctx] { return ctx->IsCancelled(); };
}

}  // namespace cairn::api

#include "server/api/election_service.h"

#include "storage/mvcc/key_range.h"
#include "storage/mvcc/proto_convert.h"

namespace cairn::api {
namespace {

Status Fail(std::string_view text) { return Status::InvalidArgument(std::string(text)); }

// Election.Proclaim for a known leadership: puts `value` under `key` with `lease` if the key's
// create revision is still `rev`.
Status ProclaimAt(etcdserver::EtcdServer* server, const std::string& key, int64_t rev, int64_t lease,
                  const std::string& value, etcdserverpb::ResponseHeader* header) {
  etcdserverpb::TxnRequest txn = CreateRevisionTxn(key, rev);
  etcdserverpb::PutRequest* put = txn.add_success()->mutable_request_put();
  put->set_key(key);
  put->set_value(value);
  put->set_lease(lease);
  etcdserverpb::TxnResponse tr;
  CAIRN_RETURN_IF_ERROR(server->Txn(txn, &tr));
  if (!tr.succeeded()) return Fail(kErrElectionNotLeader);
  *header = tr.header();
  return Status::Ok();
}

// Election.Resign for a known leadership: deletes `key` if its create revision is still `rev`.
Status ResignAt(etcdserver::EtcdServer* server, const std::string& key, int64_t rev,
                etcdserverpb::ResponseHeader* header) {
  etcdserverpb::TxnRequest txn = CreateRevisionTxn(key, rev);
  txn.add_success()->mutable_request_delete_range()->set_key(key);
  etcdserverpb::TxnResponse tr;
  CAIRN_RETURN_IF_ERROR(server->Txn(txn, &tr));
  *header = tr.header();
  return Status::Ok();
}

// Waits for the first put under `prefix` at or after `rev`; *out gets its key-value and the
// header at the put's revision.
Status WaitFirstPut(etcdserver::EtcdServer* server, const std::string& prefix, int64_t rev,
                    const IsCancelled& cancelled, v3electionpb::LeaderResponse* out, bool* compacted) {
  mvcc::WatchOptions o;
  o.key = prefix;
  o.end = mvcc::PrefixEnd(prefix);
  o.start_rev = rev;
  auto first_put = [server, out](const mvcc::WatchResponse& wr) {
    for (const mvcc::Event& ev : wr.events) {
      if (ev.type != mvcc::Event::Type::kPut) continue;
      server->FillHeader(out->mutable_header(), wr.revision);
      out->mutable_header()->set_revision(ev.kv.mod_revision);
      mvcc::ToProto(ev.kv, out->mutable_kv());
      return true;
    }
    return false;
  };
  return WatchUntil(server, o, cancelled, first_put, compacted);
}

// Sends every put of `key` from `rev` on until the key is deleted (*ended: compaction or the
// receiver is gone).
Status FollowLeader(etcdserver::EtcdServer* server, const std::string& key, int64_t rev,
                    const IsCancelled& cancelled, const LeaderSink& send, bool* ended) {
  mvcc::WatchOptions o;
  o.key = key;
  o.start_rev = rev;
  bool gone = false;
  auto forward = [&](const mvcc::WatchResponse& wr) {
    for (const mvcc::Event& ev : wr.events) {
      if (ev.type == mvcc::Event::Type::kDelete) return true;
      v3electionpb::LeaderResponse r;
      server->FillHeader(r.mutable_header(), wr.revision);
      mvcc::ToProto(ev.kv, r.mutable_kv());
      if (!send(r)) {
        gone = true;
        return true;
      }
    }
    return false;
  };
  CAIRN_RETURN_IF_ERROR(WatchUntil(server, o, cancelled, forward, ended));
  *ended = *ended || gone;
  return Status::Ok();
}

}  // namespace

Status ElectionCampaign(etcdserver::EtcdServer* server, const v3electionpb::CampaignRequest& req,
                        const IsCancelled& cancelled, v3electionpb::CampaignResponse* resp) {
  int64_t lease = 0;
  CAIRN_RETURN_IF_ERROR(SessionLease(server, req.lease(), &lease));
  const std::string prefix = req.name() + "/";
  const std::string key = LeaseKey(prefix, lease);
  etcdserverpb::TxnRequest txn = CreateRevisionTxn(key, 0);
  etcdserverpb::PutRequest* put = txn.add_success()->mutable_request_put();
  put->set_key(key);
  put->set_value(req.value());
  put->set_lease(lease);
  txn.add_failure()->mutable_request_range()->set_key(key);
  etcdserverpb::TxnResponse tr;
  CAIRN_RETURN_IF_ERROR(server->Txn(txn, &tr));
  int64_t rev = tr.header().revision();
  if (!tr.succeeded() && tr.responses(0).response_range().kvs_size() > 0) {
    const mvccpb::KeyValue& kv = tr.responses(0).response_range().kvs(0);
    rev = kv.create_revision();
    if (kv.value() != req.value()) {
      etcdserverpb::ResponseHeader ignored;
      if (Status st = ProclaimAt(server, key, rev, lease, req.value(), &ignored); !st.ok()) {
        (void)ResignAt(server, key, rev, &ignored);
        return st;
      }
    }
  }
  etcdserverpb::ResponseHeader waited;
  if (Status st = WaitDeletes(server, prefix, rev - 1, cancelled, &waited); !st.ok()) {
    // etcd resigns only when the client went away; otherwise the key stays for a retry.
    if (st.message() == kErrCanceled) (void)ResignAt(server, key, rev, &waited);
    return st;
  }
  *resp->mutable_header() = tr.header();
  v3electionpb::LeaderKey* leader = resp->mutable_leader();
  leader->set_name(req.name());
  leader->set_key(key);
  leader->set_rev(rev);
  leader->set_lease(lease);
  return Status::Ok();
}

Status ElectionProclaim(etcdserver::EtcdServer* server, const v3electionpb::ProclaimRequest& req,
                        v3electionpb::ProclaimResponse* resp) {
  if (!req.has_leader()) return Fail(kErrMissingLeaderKey);
  int64_t lease = 0;
  CAIRN_RETURN_IF_ERROR(SessionLease(server, req.leader().lease(), &lease));
  return ProclaimAt(server, req.leader().key(), req.leader().rev(), lease, req.value(),
                    resp->mutable_header());
}

Status ElectionLeader(etcdserver::EtcdServer* server, const v3electionpb::LeaderRequest& req,
                      v3electionpb::LeaderResponse* resp) {
  etcdserverpb::RangeResponse rr;
  CAIRN_RETURN_IF_ERROR(server->Range(CreateOrderRange(req.name() + "/", /*last=*/false), &rr));
  if (rr.kvs_size() == 0) return Fail(kErrElectionNoLeader);
  *resp->mutable_header() = rr.header();
  *resp->mutable_kv() = rr.kvs(0);
  return Status::Ok();
}

Status ElectionResign(etcdserver::EtcdServer* server, const v3electionpb::ResignRequest& req,
                      v3electionpb::ResignResponse* resp) {
  if (!req.has_leader()) return Fail(kErrMissingLeaderKey);
  int64_t lease = 0;  // etcd opens a session (granting a lease for 0) before resigning
  CAIRN_RETURN_IF_ERROR(SessionLease(server, req.leader().lease(), &lease));
  return ResignAt(server, req.leader().key(), req.leader().rev(), resp->mutable_header());
}

Status ElectionObserve(etcdserver::EtcdServer* server, const v3electionpb::LeaderRequest& req,
                       const IsCancelled& cancelled, const LeaderSink& send) {
  const std::string prefix = req.name() + "/";
  while (true) {
    CAIRN_RETURN_IF_ERROR(WaitInterrupted(cancelled));
    etcdserverpb::RangeResponse rr;
    // A failed read ends the observation quietly, as etcd's closed channel does.
    if (!server->Range(CreateOrderRange(prefix, /*last=*/false), &rr).ok()) return Status::Ok();
    v3electionpb::LeaderResponse current;
    if (rr.kvs_size() == 0) {
      bool compacted = false;
      CAIRN_RETURN_IF_ERROR(
          WaitFirstPut(server, prefix, rr.header().revision(), cancelled, &current, &compacted));
      if (compacted) return Status::Ok();
    } else {
      *current.mutable_header() = rr.header();
      *current.mutable_kv() = rr.kvs(0);
    }
    if (!send(current)) return Status::Ok();
    bool ended = false;
    CAIRN_RETURN_IF_ERROR(
        FollowLeader(server, current.kv().key(), current.header().revision() + 1, cancelled, send, &ended));
    if (ended) return Status::Ok();
  }
}

grpc::Status ElectionService::Campaign(grpc::ServerContext* ctx, const v3electionpb::CampaignRequest* req,
                                       v3electionpb::CampaignResponse* resp) {
  return ToRecipeStatus(ElectionCampaign(server_, *req, ContextCancelled(ctx), resp));
}

grpc::Status ElectionService::Proclaim(grpc::ServerContext*, const v3electionpb::ProclaimRequest* req,
                                       v3electionpb::ProclaimResponse* resp) {
  return ToRecipeStatus(ElectionProclaim(server_, *req, resp));
}

grpc::Status ElectionService::Leader(grpc::ServerContext*, const v3electionpb::LeaderRequest* req,
                                     v3electionpb::LeaderResponse* resp) {
  return ToRecipeStatus(ElectionLeader(server_, *req, resp));
}

grpc::Status ElectionService::Observe(grpc::ServerContext* ctx, const v3electionpb::LeaderRequest* req,
                                      grpc::ServerWriter<v3electionpb::LeaderResponse>* writer) {
  return ToRecipeStatus(
      ElectionObserve(server_, *req, ContextCancelled(ctx),
                      [writer](const v3electionpb::LeaderResponse& r) { return writer->Write(r); }));
}

grpc::Status ElectionService::Resign(grpc::ServerContext*, const v3electionpb::ResignRequest* req,
                                     v3electionpb::ResignResponse* resp) {
  return ToRecipeStatus(ElectionResign(server_, *req, resp));
}

}  // namespace cairn::api

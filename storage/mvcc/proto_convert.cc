#include "storage/mvcc/proto_convert.h"

namespace cairn::mvcc {

RangeRequest FromProto(const etcdserverpb::RangeRequest& pb) {
  RangeRequest r;
  r.key = pb.key();
  r.range_end = pb.range_end();
  r.limit = pb.limit();
  r.revision = pb.revision();
  r.sort_order = static_cast<SortOrder>(pb.sort_order());
  r.sort_target = static_cast<SortTarget>(pb.sort_target());
  r.keys_only = pb.keys_only();
  r.count_only = pb.count_only();
  r.min_mod_revision = pb.min_mod_revision();
  r.max_mod_revision = pb.max_mod_revision();
  r.min_create_revision = pb.min_create_revision();
  r.max_create_revision = pb.max_create_revision();
  return r;
}

PutRequest FromProto(const etcdserverpb::PutRequest& pb) {
  PutRequest r;
  r.key = pb.key();
  r.value = pb.value();
  r.lease = pb.lease();
  r.prev_kv = pb.prev_kv();
  r.ignore_value = pb.ignore_value();
  r.ignore_lease = pb.ignore_lease();
  return r;
}

DeleteRangeRequest FromProto(const etcdserverpb::DeleteRangeRequest& pb) {
  DeleteRangeRequest r;
  r.key = pb.key();
  r.range_end = pb.range_end();
  r.prev_kv = pb.prev_kv();
  return r;
}

Compare FromProto(const etcdserverpb::Compare& pb) {
  Compare c;
  c.result = static_cast<Compare::Result>(pb.result());
  c.target = static_cast<Compare::Target>(pb.target());
  c.key = pb.key();
  c.range_end = pb.range_end();
  // etcd compareKV reads only the union member matching the target; anything else counts as 0/"".
  using PB = etcdserverpb::Compare;
  switch (pb.target_union_case()) {
    case PB::kVersion:
      if (c.target == Compare::Target::kVersion) c.number = pb.version();
      break;
    case PB::kCreateRevision:
      if (c.target == Compare::Target::kCreate) c.number = pb.create_revision();
      break;
    case PB::kModRevision:
      if (c.target == Compare::Target::kMod) c.number = pb.mod_revision();
      break;
    case PB::kLease:
      if (c.target == Compare::Target::kLease) c.number = pb.lease();
      break;
    case PB::kValue:
      if (c.target == Compare::Target::kValue) c.value = pb.value();
      break;
    default: break;
  }
  return c;
}

namespace {

std::vector<RequestOp> OpsFromProto(const google::protobuf::RepeatedPtrField<etcdserverpb::RequestOp>& ops) {
  std::vector<RequestOp> out;
  out.reserve(ops.size());
  for (const auto& op : ops) {
    RequestOp r;
    switch (op.request_case()) {
      case etcdserverpb::RequestOp::kRequestRange: r.request = FromProto(op.request_range()); break;
      case etcdserverpb::RequestOp::kRequestPut: r.request = FromProto(op.request_put()); break;
      case etcdserverpb::RequestOp::kRequestDeleteRange:
        r.request = FromProto(op.request_delete_range());
        break;
      case etcdserverpb::RequestOp::kRequestTxn:
        r.request = std::make_shared<TxnRequest>(FromProto(op.request_txn()));
        break;
      default: break;  // empty op: no-op (the gRPC layer rejects it, as etcd)
    }
    out.push_back(std::move(r));
  }
  return out;
}

void SetHeader(Revision rev, etcdserverpb::ResponseHeader* h) { h->set_revision(rev); }

}  // namespace

TxnRequest FromProto(const etcdserverpb::TxnRequest& pb) {
  TxnRequest t;
  for (const auto& c : pb.compare()) t.compare.push_back(FromProto(c));
  t.success = OpsFromProto(pb.success());
  t.failure = OpsFromProto(pb.failure());
  return t;
}

void ToProto(const KeyValue& kv, mvccpb::KeyValue* pb) {
  pb->set_key(kv.key);
  pb->set_create_revision(kv.create_revision);
  pb->set_mod_revision(kv.mod_revision);
  pb->set_version(kv.version);
  pb->set_value(kv.value);
  pb->set_lease(kv.lease);
}

void ToProto(const Event& ev, mvccpb::Event* pb) {
  pb->set_type(static_cast<mvccpb::Event::EventType>(ev.type));
  ToProto(ev.kv, pb->mutable_kv());
  if (ev.prev_kv) ToProto(*ev.prev_kv, pb->mutable_prev_kv());
}

void ToProto(const RangeResponse& r, etcdserverpb::RangeResponse* pb) {
  SetHeader(r.revision, pb->mutable_header());
  for (const RangeKv& kv : r.kvs) {
    KeyValue owned = kv.kv.ToOwned();
    if (r.keys_only) owned.value.clear();
    ToProto(owned, pb->add_kvs());
  }
  pb->set_more(r.more);
  pb->set_count(r.count);
}

void ToProto(const PutResponse& r, etcdserverpb::PutResponse* pb) {
  SetHeader(r.revision, pb->mutable_header());
  if (r.prev_kv) ToProto(*r.prev_kv, pb->mutable_prev_kv());
}

void ToProto(const DeleteRangeResponse& r, etcdserverpb::DeleteRangeResponse* pb) {
  SetHeader(r.revision, pb->mutable_header());
  pb->set_deleted(r.deleted);
  for (const KeyValue& kv : r.prev_kvs) ToProto(kv, pb->add_prev_kvs());
}

void ToProto(const TxnResponse& r, etcdserverpb::TxnResponse* pb) {
  SetHeader(r.revision, pb->mutable_header());
  pb->set_succeeded(r.succeeded);
  for (const ResponseOp& op : r.responses) {
    etcdserverpb::ResponseOp* out = pb->add_responses();
    if (const auto* rr = std::get_if<RangeResponse>(&op.response)) {
      ToProto(*rr, out->mutable_response_range());
    } else if (const auto* p = std::get_if<PutResponse>(&op.response)) {
      ToProto(*p, out->mutable_response_put());
    } else if (const auto* d = std::get_if<DeleteRangeResponse>(&op.response)) {
      ToProto(*d, out->mutable_response_delete_range());
    } else if (const auto* t = std::get_if<std::shared_ptr<TxnResponse>>(&op.response)) {
      ToProto(**t, out->mutable_response_txn());
    }
  }
}

}  // namespace cairn::mvcc

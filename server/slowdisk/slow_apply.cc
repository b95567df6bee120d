#include "server/slowdisk/slow_apply.h"

#include <google/protobuf/stubs/strutil.h>

#include "server/metrics/etcd_metrics.h"

namespace cairn::slowdisk {

namespace {

void StripTxnValues(etcdserverpb::TxnRequest* txn) {
  for (auto* ops : {txn->mutable_success(), txn->mutable_failure()}) {
    for (etcdserverpb::RequestOp& op : *ops) {
      if (op.has_request_put()) op.mutable_request_put()->clear_value();
      if (op.has_request_txn()) StripTxnValues(op.mutable_request_txn());
    }
  }
  for (etcdserverpb::Compare& c : *txn->mutable_compare()) {
    if (c.target_union_case() == etcdserverpb::Compare::kValue) c.clear_value();
  }
}

}  // namespace

std::string RequestString(const etcdserver::InternalRequest& req) {
  std::string out = "header:<ID:" + std::to_string(req.header().id()) + " > ";
  if (req.has_put()) {
    const etcdserverpb::PutRequest& p = req.put();
    out += "put:<key:\"" + google::protobuf::CEscape(p.key()) +
           "\" value_size:" + std::to_string(p.value().size());
    if (p.lease() != 0) out += " lease:" + std::to_string(p.lease());
    if (p.prev_kv()) out += " prev_kv:true";
    if (p.ignore_value()) out += " ignore_value:true";
    if (p.ignore_lease()) out += " ignore_lease:true";
    return out + " >";
  }
  etcdserver::InternalRequest copy = req;
  copy.clear_header();
  if (copy.has_txn()) StripTxnValues(copy.mutable_txn());
  return out + copy.ShortDebugString();
}

void WarnOfSlowApply(logging::Logger& lg, std::chrono::nanoseconds took, std::chrono::nanoseconds expected,
                     const etcdserver::InternalRequest& req, const etcdserver::ApplyResult& res) {
  std::string resp;
  if (res.response != nullptr) resp = "size:" + std::to_string(res.response->ByteSizeLong());
  lg.Warn("apply request took too long",
          {logging::Duration("took", took), logging::Duration("expected-duration", expected),
           logging::String("prefix", ""), logging::String("request", RequestString(req)),
           logging::String("response", resp), logging::Error(res.status)});
  metrics::Etcd().slow_apply_total.Inc();
}

}  // namespace cairn::slowdisk

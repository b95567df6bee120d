#include "storage/mvcc/txn.h"

#include <cassert>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "storage/mvcc/errors.h"

namespace cairn::mvcc {
namespace {

// etcd's adt "string affine" interval [begin, end): an empty end is +infinity; a point is
// [k, k+"\0").
struct Interval {
  std::string begin, end;
  bool ContainsPoint(const std::string& k) const {
    // [k, k+"\0") intersects [begin, end) iff begin <= k and k < end (affine).
    return begin <= k && (end.empty() || k < end);
  }
};

struct Intervals {
  std::vector<Interval> ivs;
  bool Intersects(const std::string& k) const {
    for (const auto& iv : ivs) {
      if (iv.ContainsPoint(k)) return true;
    }
    return false;
  }
};

Status CheckIntervals(const std::vector<RequestOp>& reqs, std::set<std::string>* puts, Intervals* dels) {
  for (const RequestOp& op : reqs) {
    if (const auto* d = std::get_if<DeleteRangeRequest>(&op.request)) {
      if (d->range_end.empty()) {
        dels->ivs.push_back({d->key, d->key + std::string(1, '\0')});
      } else {
        dels->ivs.push_back({d->key, d->range_end});
      }
    }
  }
  for (const RequestOp& op : reqs) {
    const auto* t = std::get_if<std::shared_ptr<TxnRequest>>(&op.request);
    if (!t || !*t) continue;
    std::set<std::string> puts_then, puts_else;
    Intervals dels_then, dels_else;
    CAIRN_RETURN_IF_ERROR(CheckIntervals((*t)->success, &puts_then, &dels_then));
    CAIRN_RETURN_IF_ERROR(CheckIntervals((*t)->failure, &puts_else, &dels_else));
    for (const std::string& k : puts_then) {
      if (puts->count(k) || dels->Intersects(k)) return ErrDuplicateKey();
      puts->insert(k);
    }
    for (const std::string& k : puts_else) {
      // Overlap with the then-branch is fine: only one of them runs.
      if (puts->count(k) && !puts_then.count(k)) return ErrDuplicateKey();
      if (dels->Intersects(k)) return ErrDuplicateKey();
      puts->insert(k);
    }
    dels->ivs.insert(dels->ivs.end(), dels_then.ivs.begin(), dels_then.ivs.end());
    dels->ivs.insert(dels->ivs.end(), dels_else.ivs.begin(), dels_else.ivs.end());
  }
  for (const RequestOp& op : reqs) {
    const auto* p = std::get_if<PutRequest>(&op.request);
    if (!p) continue;
    if (puts->count(p->key) || dels->Intersects(p->key)) return ErrDuplicateKey();
    puts->insert(p->key);
  }
  return Status::Ok();
}

bool OpsReadOnly(const std::vector<RequestOp>& ops) {
  for (const RequestOp& op : ops) {
    if (std::holds_alternative<PutRequest>(op.request) ||
        std::holds_alternative<DeleteRangeRequest>(op.request)) {
      return false;
    }
    if (const auto* t = std::get_if<std::shared_ptr<TxnRequest>>(&op.request)) {
      if (*t && !IsTxnReadOnly(**t)) return false;
    }
  }
  return true;
}

int CompareInt(int64_t a, int64_t b) { return a < b ? -1 : (a > b ? 1 : 0); }

bool CompareKv(const Compare& c, const KeyValueView& kv) {
  int result = 0;
  switch (c.target) {
    case Compare::Target::kValue: {
      int r = kv.value.compare(c.value);
      result = r < 0 ? -1 : (r > 0 ? 1 : 0);
      break;
    }
    case Compare::Target::kCreate: result = CompareInt(kv.create_revision, c.number); break;
    case Compare::Target::kMod: result = CompareInt(kv.mod_revision, c.number); break;
    case Compare::Target::kVersion: result = CompareInt(kv.version, c.number); break;
    case Compare::Target::kLease: result = CompareInt(kv.lease, c.number); break;
  }
  switch (c.result) {
    case Compare::Result::kEqual: return result == 0;
    case Compare::Result::kNotEqual: return result != 0;
    case Compare::Result::kGreater: return result > 0;
    case Compare::Result::kLess: return result < 0;
  }
  return true;
}

// etcd compareToPath: the outcome of this txn's compares, then (depth first) of the nested txns
// of the chosen branch. All compares see the state before the txn's writes.
void ComputePath(TxnView* view, const TxnRequest& txn, std::vector<bool>* path) {
  bool ok = true;
  for (const Compare& c : txn.compare) {
    if (!EvaluateCompare(view, c)) {
      ok = false;
      break;
    }
  }
  path->push_back(ok);
  for (const RequestOp& op : ok ? txn.success : txn.failure) {
    const auto* t = std::get_if<std::shared_ptr<TxnRequest>>(&op.request);
    if (t && *t) ComputePath(view, **t, path);
  }
}

// etcd checkRequests with checkRequestPut and checkRequestRange: errors that must be found
// before anything is written.
Status CheckRequests(TxnView* view, const TxnRequest& txn, const std::vector<bool>& path, size_t* pos,
                     LeaseHooks* leases, Revision first_rev) {
  const bool ok = path[(*pos)++];
  for (const RequestOp& op : ok ? txn.success : txn.failure) {
    if (const auto* t = std::get_if<std::shared_ptr<TxnRequest>>(&op.request)) {
      if (*t) CAIRN_RETURN_IF_ERROR(CheckRequests(view, **t, path, pos, leases, first_rev));
    } else if (const auto* p = std::get_if<PutRequest>(&op.request)) {
      if (p->ignore_value || p->ignore_lease) {
        RangeRequest rr;
        rr.key = p->key;
        RangeResponse resp;
        CAIRN_RETURN_IF_ERROR(view->Range(rr, &resp));
        if (resp.kvs.empty()) return ErrKeyNotFound();
      }
      if (p->lease != kNoLease && (!leases || !leases->LeaseExists(p->lease))) return ErrLeaseNotFound();
    } else if (const auto* r = std::get_if<RangeRequest>(&op.request)) {
      if (r->revision == 0) continue;
      if (r->revision > view->read_revision()) return ErrFutureRev();
      if (r->revision < first_rev) return ErrCompacted();
    }
  }
  return Status::Ok();
}

[[noreturn]] void FatalTxn(const Status& s) {
  std::fprintf(stderr, "mvcc: unexpected error during txn: %s\n", s.ToString().c_str());
  std::abort();
}

void ApplyTxn(TxnView* view, WriteTxn* w, const TxnRequest& txn, const std::vector<bool>& path, size_t* pos,
              TxnResponse* resp) {
  const bool ok = path[(*pos)++];
  resp->succeeded = ok;
  const auto& ops = ok ? txn.success : txn.failure;
  resp->responses.clear();
  resp->responses.reserve(ops.size());
  for (const RequestOp& op : ops) {
    ResponseOp out;
    Status st;
    if (const auto* r = std::get_if<RangeRequest>(&op.request)) {
      RangeResponse rr;
      st = view->Range(*r, &rr);
      out.response = std::move(rr);
    } else if (const auto* p = std::get_if<PutRequest>(&op.request)) {
      assert(w);
      PutResponse pr;
      st = w->Put(*p, &pr);
      out.response = std::move(pr);
    } else if (const auto* d = std::get_if<DeleteRangeRequest>(&op.request)) {
      assert(w);
      DeleteRangeResponse dr;
      st = w->DeleteRange(*d, &dr);
      out.response = std::move(dr);
    } else if (const auto* t = std::get_if<std::shared_ptr<TxnRequest>>(&op.request)) {
      auto tr = std::make_shared<TxnResponse>();
      // Like etcd, a nested txn response's header stays empty (revision 0).
      if (*t) ApplyTxn(view, w, **t, path, pos, tr.get());
      out.response = std::move(tr);
    }
    if (!st.ok()) FatalTxn(st);  // CheckRequests ruled every error out
    resp->responses.push_back(std::move(out));
  }
}

}  // namespace

Status CheckTxnIntervals(const TxnRequest& txn) {
  // Success and failure are checked separately (etcd v3rpc Txn).
  std::set<std::string> puts;
  Intervals dels;
  CAIRN_RETURN_IF_ERROR(CheckIntervals(txn.success, &puts, &dels));
  puts.clear();
  dels.ivs.clear();
  return CheckIntervals(txn.failure, &puts, &dels);
}

bool IsTxnReadOnly(const TxnRequest& txn) { return OpsReadOnly(txn.success) && OpsReadOnly(txn.failure); }

bool EvaluateCompare(TxnView* view, const Compare& c) {
  RangeRequest rr;
  rr.key = c.key;
  rr.range_end = c.range_end;
  RangeResponse resp;
  if (!view->Range(rr, &resp).ok()) return false;
  if (resp.kvs.empty()) {
    // nil == empty string in gRPC: a missing key's value cannot be compared (etcd).
    if (c.target == Compare::Target::kValue) return false;
    return CompareKv(c, KeyValueView{});
  }
  for (const RangeKv& kv : resp.kvs) {
    if (!CompareKv(c, kv.kv)) return false;
  }
  return true;
}

Status KvStore::Txn(const TxnRequest& req, TxnResponse* resp) {
  *resp = TxnResponse{};
  CAIRN_RETURN_IF_ERROR(CheckTxnIntervals(req));
  std::unique_ptr<ReadTxn> r;
  std::unique_ptr<WriteTxn> w;
  TxnView* view;
  Revision first_rev;
  if (IsTxnReadOnly(req)) {
    r = Read();
    view = r.get();
    first_rev = r->compact_revision();
  } else {
    w = Write();
    view = w.get();
    first_rev = compact_revision();
  }
  std::vector<bool> path;
  ComputePath(view, req, &path);
  size_t pos = 0;
  CAIRN_RETURN_IF_ERROR(CheckRequests(view, req, path, &pos, options_.leases, first_rev));
  pos = 0;
  ApplyTxn(view, w.get(), req, path, &pos, resp);
  resp->revision = view->read_revision();
  return Status::Ok();
}

}  // namespace cairn::mvcc

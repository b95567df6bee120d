// Txn helpers: etcd's compare evaluation and the duplicate-key rule.
#pragma once

#include "base/status.h"
#include "storage/mvcc/kv_store.h"
#include "storage/mvcc/requests.h"

namespace cairn::mvcc {

// etcd v3rpc checkIntervals: within one txn (nested txns included), a key may not be put twice
// nor put and deleted, except that the then/else branches of a nested txn may put the same key.
// Returns ErrDuplicateKey ("etcdserver: duplicate key given in txn request").
Status CheckTxnIntervals(const TxnRequest& txn);

// True if no branch (at any depth) contains a put or delete.
bool IsTxnReadOnly(const TxnRequest& txn);

// etcd applyCompare: every key in the compare's range must satisfy it; with no key, VALUE
// compares fail and the others compare against zero values.
bool EvaluateCompare(TxnView* view, const Compare& c);

}  // namespace cairn::mvcc

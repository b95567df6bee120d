// Snapshot walker behind DB::Check and DB::Stats: visits every page reachable
// from a read transaction's meta, reading pages with bounds checks (never
// aborting on bad bytes), and reports what bbolt's Tx.Check reports plus key
// order: pages beyond the high-water mark, pages referenced twice, pages both
// reachable and free, pages neither, invalid page types or element bounds,
// keys not strictly ascending within a bucket.
#pragma once

#include "base/status.h"
#include "storage/bolt/db.h"

namespace cairn::bolt {

// REQUIRES: tx is a read transaction. Fills the page/bucket/key counts of
// *stats (may be null). Returns Corruption naming the first problems found.
Status WalkSnapshot(const Tx& tx, DbStats* stats);

}  // namespace cairn::bolt

// etcdutl snapshot restore --bump-revision N --mark-compacted (etcdutl/snapshot
// modifyLatestRevision): after a restore, the db's latest revision is raised by N — an empty
// entry is written in the key bucket at revision (latest + N, 0) — and that revision is recorded as
// scheduled for compaction (meta/scheduledCompactRev), so the server starts above every revision
// its clients (watch caches, kube-apiserver) may have seen, with older revisions compacted.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"

namespace cairn::utl {

// `db_path` is <data-dir>/member/snap/db of a restored, not running, member.
Status BumpRevision(const std::string& db_path, uint64_t amount, int64_t* new_revision);

}  // namespace cairn::utl

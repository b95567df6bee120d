// etcdutl snapshot status|restore: server/snapshot's command line (cairn snapshot), plus
// etcdutl 3.5's restore flags --bump-revision and --mark-compacted (bump_revision.h).
#pragma once

#include <string>
#include <vector>

namespace cairn::utl {

// `sub` is "status" or "restore"; args are the words after it (flags and the file).
int SnapshotCommand(const std::string& sub, const std::vector<std::string>& args);

}  // namespace cairn::utl

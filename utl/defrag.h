// etcdutl defrag --data-dir: defragments <data-dir>/member/snap/db offline. Refuses a data dir
// in use: Cairn's server holds flock on <data-dir>/member, etcd's bbolt holds flock on the db
// file; either lock held is "data dir is in use" (etcdutl 3.5 waits for the lock instead).
#pragma once

#include <string>

#include "base/status.h"

namespace cairn::utl {

Status DefragDataDir(const std::string& data_dir);

}  // namespace cairn::utl

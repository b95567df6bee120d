// CompactInto: copies every bucket, nested bucket, sequence and key of src
// into a fresh file at dst_path (what `defrag` uses). The copy is written in
// key order with a high fill percent, so it holds no free pages and is as
// small as the data allows. src stays usable; the copy reads one consistent
// snapshot of it.
#pragma once

#include <string>

#include "base/status.h"
#include "storage/bolt/db.h"
#include "storage/io/file.h"

namespace cairn::bolt {

struct CompactOptions {
  double fill_percent = 0.9;            // etcd's defrag uses 0.9
  uint64_t tx_bytes_max = 64ull << 20;  // commit the copy every this many bytes
  bool sync = true;                     // fdatasync the copy's commits
};

// REQUIRES: dst_path does not exist or is empty.
Status CompactInto(DB* src, io::Env* env, const std::string& dst_path, const CompactOptions& options = {});

}  // namespace cairn::bolt

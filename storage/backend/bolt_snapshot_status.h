// SnapshotStatus: what `etcdctl snapshot status` reports for a db or snapshot file
// (clientv3/snapshot/v3_snapshot.go Status, etcd 3.4), computed the same way:
//   1. bbolt's integrity check (here bolt::DB::Check) must pass;
//   2. hash      = CRC-32C over, for each root bucket in byte order, its name, then every entry's
//                  key and value in key order (a nested bucket entry: its key only);
//   3. revision  = the main revision (first 8 bytes, big-endian) of the last key of "key";
//   4. total_keys = entries of all root buckets; total_bytes = bbolt tx.Size().
// A trailing sha256 (snapshot file) is ignored, as bbolt ignores bytes past the high-water mark.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"
#include "storage/bolt/db.h"
#include "storage/io/file.h"

namespace cairn::backend {

struct SnapshotStatus {
  uint32_t hash = 0;
  int64_t revision = 0;
  int64_t total_keys = 0;
  int64_t total_bytes = 0;
};

// Of the current committed state of an open DB.
Status SnapshotStatusOf(bolt::DB* db, SnapshotStatus* out);
// Of a file, opened read-only.
Status SnapshotStatusOfFile(io::Env* env, const std::string& path, SnapshotStatus* out);

}  // namespace cairn::backend

// DataDirLock: keeps a second server process off a data dir.
//
// Two processes on one member dir would interleave WAL appends and bolt
// commits and corrupt both, so the server takes an exclusive flock on the
// member directory at start-up and holds it until the process exits (the
// kernel releases it on exit, including kill -9). The lock is on the
// directory, not on a file in it, so it survives the db file being replaced
// by a defragmentation.
#pragma once

#include <string>

#include "base/status.h"

namespace cairn::api {

class DataDirLock {
 public:
  // Locks `member_dir` (which must exist). Unavailable when another process
  // holds it, naming the directory.
  static Status Acquire(const std::string& member_dir, DataDirLock* out);
  DataDirLock() = default;
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;
  ~DataDirLock();

 private:
  int fd_ = -1;
};

}  // namespace cairn::api

// SnapshotSource: where the sending side reads a snapshot's bytes from. The
// application provides one that opens its snapshot file (the bolt db); the
// default streams the data carried in the kSnap message itself.
//
// Thread-safety: Open may be called from several snapshot-sender threads.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "base/status.h"
#include "raft/types.h"

namespace cairn::raft::transport {

class SnapshotReader {
 public:
  virtual ~SnapshotReader() = default;
  // Appends up to max_bytes to *out; appends nothing at the end of the data.
  virtual Status Read(size_t max_bytes, std::string* out) = 0;
};

class SnapshotSource {
 public:
  virtual ~SnapshotSource() = default;
  virtual Status Open(const Message& snap_msg, std::unique_ptr<SnapshotReader>* out) = 0;
};

// Reads the bytes of a string it owns.
std::unique_ptr<SnapshotReader> NewStringSnapshotReader(std::string data);
// Reads a file; IOError naming the path.
Status NewFileSnapshotReader(const std::string& path, std::unique_ptr<SnapshotReader>* out);

}  // namespace cairn::raft::transport

// WriteBoltSnapshot: writes a backend snapshot (every bucket of a ReadView) as a bbolt-format file
// (storage/bolt), the form etcd's Maintenance.Snapshot streams and `etcdctl snapshot status` /
// `snapshot restore` read. Used while the backend is the in-memory one; once the backend is the
// bolt file itself, the snapshot becomes a read transaction's WriteTo.
//
// The file is written with no fdatasync (a snapshot is streamed and deleted, never trusted after a
// crash). REQUIRES: `path` does not exist or may be overwritten.
#pragma once

#include <string>

#include "base/status.h"
#include "storage/backend/backend.h"

namespace cairn::etcdserver {

Status WriteBoltSnapshot(const backend::ReadView& view, const std::string& path);

}  // namespace cairn::etcdserver

// WriteBoltSnapshot: writes a backend snapshot (every bucket of a ReadView) as a bbolt-format file
// (storage/bolt), the form etcd's Maintenance.Snapshot streams and `etcdctl snapshot status` /
// `snapshot restore` read. Used only for backends that are not a bolt file (the mem backend in
// tests); over the bolt backend, Maintenance.Snapshot streams a read transaction of the file
// itself (EtcdServer::SnapshotStream, storage/backend/bolt_snapshot.h).
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

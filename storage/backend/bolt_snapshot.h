// Database snapshots as etcd's Maintenance.Snapshot streams them and `etcdctl snapshot save`
// stores them (etcdserver/api/v3rpc/maintenance.go, clientv3/snapshot/v3_snapshot.go, 3.4):
//
//   file = bolt file of one read transaction (bbolt Tx.WriteTo: tx.Size() bytes, a multiple of
//          the page size) ++ sha256(those bytes) (32 bytes)
//
// Streaming: the db bytes go out in chunks of exactly kSnapshotChunkBytes (32 KiB, etcd's
// snapshotSendBufferSize; the last one shorter), each with remaining_bytes = db bytes not yet
// sent; then one final chunk holding the 32-byte digest with remaining_bytes = 0.
//
// Verification (etcd's restore, v3_snapshot.go): a file "has a checksum" iff
// size % 512 == 32 (bolt files are a multiple of 512 bytes). Then sha256 of the first size-32
// bytes must equal the last 32 bytes. A file without a checksum is rejected unless
// skip_hash_check (etcdctl --skip-hash-check), as etcd does.
//
// Consistency: the stream reads one bolt read transaction, so writers (and Defragment) may run
// meanwhile; the snapshot is the committed state when the stream began (commit the backend first
// to include published writes).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "base/sha256.h"
#include "base/status.h"
#include "storage/backend/bolt_store.h"
#include "storage/io/file.h"

namespace cairn::backend {

inline constexpr size_t kSnapshotChunkBytes = 32 * 1024;  // etcd snapshotSendBufferSize
inline constexpr size_t kSnapshotDigestBytes = 32;        // sha256.Size
inline constexpr uint64_t kSnapshotChecksumAlign = 512;   // etcd hasChecksum: n % 512 == 32

using Sha256Digest = cairn::Sha256Digest;

// Receives each chunk (a SnapshotResponse's blob and remaining_bytes). Its first error stops the
// stream and is returned.
using SnapshotChunkSink = std::function<Status(std::string_view blob, uint64_t remaining_bytes)>;

struct SnapshotStreamInfo {
  uint64_t db_bytes = 0;  // total of the db chunks (the trailer excluded)
  uint64_t chunks = 0;    // db chunks (the trailer excluded)
  Sha256Digest digest{};
};

// Streams a snapshot of `view` (from BoltStore::BeginRead) to sink.
Status StreamSnapshot(const BoltReadView& view, const SnapshotChunkSink& sink, SnapshotStreamInfo* info);
// Convenience: a new read view of `store`, streamed.
Status StreamSnapshot(BoltStore* store, const SnapshotChunkSink& sink, SnapshotStreamInfo* info);

// True iff a file of this size carries the trailer (etcd hasChecksum).
inline bool SnapshotHasChecksum(uint64_t file_bytes) {
  return file_bytes % kSnapshotChecksumAlign == kSnapshotDigestBytes;
}

// Checks a whole snapshot held in memory. Corruption on a digest mismatch or a missing trailer.
// *db_bytes (may be null) gets the length of the bolt file part.
Status VerifySnapshot(std::string_view file, bool skip_hash_check = false, uint64_t* db_bytes = nullptr);
// Same for a file, read in 1 MiB pieces.
Status VerifySnapshotFile(io::Env* env, const std::string& path, bool skip_hash_check = false,
                          uint64_t* db_bytes = nullptr);

// The first step of `snapshot restore`: verifies `snapshot_path` as above, then writes its db part
// (the trailer removed, as etcd truncates it) to a new file `db_path`, fdatasyncs it and syncs its
// directory. REQUIRES: db_path does not exist. (Rewriting membership and the consistent index for
// a new cluster is the caller's job, as in etcd's restore.)
Status ExtractSnapshotDb(io::Env* env, const std::string& snapshot_path, const std::string& db_path,
                         bool skip_hash_check = false);

}  // namespace cairn::backend

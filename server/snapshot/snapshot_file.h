// A snapshot file as `etcdctl snapshot save` writes it (etcd 3.4 clientv3/snapshot):
//
//   [ bolt db bytes (a multiple of 512) ][ sha256 of those bytes (32 bytes) ]
//
// A file "has the trailer" iff size % 512 == 32 (etcd's hasChecksum). A db copied out of a data
// dir has no trailer and is accepted only with --skip-hash-check. Errors carry etcd's texts:
//   snapshot missing hash but --skip-hash-check=false
//   expected sha256 [<32 decimal bytes>], got [<32 decimal bytes>]
//   open <path>: no such file or directory
//
// Thread-safety: pure functions and independent file operations.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/sha256.h"
#include "base/status.h"

namespace cairn::snapshot {

inline constexpr uint64_t kTrailerAlignBytes = 512;  // etcd: "a minimum disk sector size"

using Sha256Digest = cairn::Sha256Digest;

// etcd's hasChecksum(n).
inline bool HasSha256Trailer(uint64_t file_bytes) { return file_bytes % kTrailerAlignBytes == kSha256Bytes; }

// Go's fmt %v of a []byte: "[1 2 255]".
std::string GoByteList(std::string_view bytes);

// The verdict on a whole file's bytes in memory (tests, small files): Ok, or etcd's missing-hash
// or mismatch error. *db_bytes (may be null) gets the length of the bolt part.
Status VerifySnapshotBytes(std::string_view file, bool skip_hash_check, uint64_t* db_bytes);

// Copies the bolt part of snapshot_path into a new file db_path (mode 0600; Exists if present)
// and fdatasyncs it, checking the trailer as etcd does unless skip_hash_check. The caller removes
// db_path on error. REQUIRES: db_path's directory exists (its entry is not synced here).
Status CopySnapshotDb(const std::string& snapshot_path, const std::string& db_path, bool skip_hash_check);

}  // namespace cairn::snapshot

// File and Env: the storage layer's only way to touch the filesystem.
//
// Everything in storage/ (bolt, wal) opens files through an Env so tests can
// substitute FaultEnv (fault_env.h), which drops unsynced writes at a chosen
// crash point (CRAFT.md §8). Contracts:
//  - WriteAt is not durable until Sync() returns ok; after a crash any subset
//    of unsynced writes may be lost (FaultEnv loses all of them).
//  - Sync() is fdatasync: data and the size, not other metadata.
//  - A directory entry (create, rename, remove) is durable only after
//    Env::SyncDir on its parent directory.
//  - A File is used by one thread at a time for writes; ReadAt may run
//    concurrently with other ReadAt calls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"

namespace cairn::io {

class File {
 public:
  virtual ~File() = default;
  // Reads exactly out.size() bytes at offset; NotFound-free: a short read is
  // an IOError naming the file and offset.
  virtual Status ReadAt(uint64_t offset, std::span<std::byte> out) = 0;
  // Writes all of data at offset (extending the file if needed).
  virtual Status WriteAt(uint64_t offset, std::span<const std::byte> data) = 0;
  virtual Status Sync() = 0;
  virtual Status Truncate(uint64_t size_bytes) = 0;
  // Reserves disk blocks up to size_bytes without changing the visible size
  // when keep_size is true (fallocate FALLOC_FL_KEEP_SIZE), or extends it.
  virtual Status Allocate(uint64_t size_bytes, bool keep_size) = 0;
  virtual Status Size(uint64_t* size_bytes) = 0;
  // The OS descriptor, for mmap and io_uring; -1 when the file is not backed
  // by one (in-memory test files).
  virtual int fd() const = 0;
  virtual const std::string& path() const = 0;
};

enum class OpenMode {
  kReadOnly,
  kReadWrite,        // must exist
  kCreateReadWrite,  // created when missing
};

class Env {
 public:
  virtual ~Env() = default;
  virtual Status Open(const std::string& path, OpenMode mode, std::unique_ptr<File>* out) = 0;
  virtual Status Exists(const std::string& path, bool* exists) = 0;
  virtual Status Remove(const std::string& path) = 0;
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  virtual Status CreateDir(const std::string& path) = 0;  // mkdir -p, mode 0700
  virtual Status ListDir(const std::string& path, std::vector<std::string>* names) = 0;
  virtual Status SyncDir(const std::string& path) = 0;
};

// A File that passes every call to `base_`: wrappers (NoSyncEnv's, SlowSyncEnv's files) override
// only what they change.
class ForwardingFile : public File {
 public:
  explicit ForwardingFile(std::unique_ptr<File> base) : base_(std::move(base)) {}
  Status ReadAt(uint64_t offset, std::span<std::byte> out) override { return base_->ReadAt(offset, out); }
  Status WriteAt(uint64_t offset, std::span<const std::byte> data) override {
    return base_->WriteAt(offset, data);
  }
  Status Sync() override { return base_->Sync(); }
  Status Truncate(uint64_t size_bytes) override { return base_->Truncate(size_bytes); }
  Status Allocate(uint64_t size_bytes, bool keep_size) override {
    return base_->Allocate(size_bytes, keep_size);
  }
  Status Size(uint64_t* size_bytes) override { return base_->Size(size_bytes); }
  int fd() const override { return base_->fd(); }
  const std::string& path() const override { return base_->path(); }

 protected:
  std::unique_ptr<File> base_;
};

// An Env that passes every call to `base_`: wrappers (FaultEnv, NoSyncEnv, test Envs) override
// only what they change.
class ForwardingEnv : public Env {
 public:
  explicit ForwardingEnv(Env* base) : base_(base) {}
  Status Open(const std::string& path, OpenMode mode, std::unique_ptr<File>* out) override {
    return base_->Open(path, mode, out);
  }
  Status Exists(const std::string& path, bool* exists) override { return base_->Exists(path, exists); }
  Status Remove(const std::string& path) override { return base_->Remove(path); }
  Status Rename(const std::string& from, const std::string& to) override { return base_->Rename(from, to); }
  Status CreateDir(const std::string& path) override { return base_->CreateDir(path); }
  Status ListDir(const std::string& path, std::vector<std::string>* names) override {
    return base_->ListDir(path, names);
  }
  Status SyncDir(const std::string& path) override { return base_->SyncDir(path); }

 protected:
  Env* const base_;
};

// The process-wide POSIX Env (thread-safe, never destroyed).
Env* DefaultEnv();

}  // namespace cairn::io

// NoSyncEnv: the real filesystem with Sync and SyncDir turned into no-ops.
//
// For crash tests only: FaultEnv (fault_env.h) models durability itself (a
// Sync forgets the undo records), so real fdatasyncs under it would only make
// the tests slow and their speed depend on the disk. Never use it where data
// must survive a real power loss.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "storage/io/file.h"

namespace cairn::io {

class NoSyncEnv final : public ForwardingEnv {
 public:
  NoSyncEnv() : ForwardingEnv(DefaultEnv()) {}
  Status Open(const std::string& path, OpenMode mode, std::unique_ptr<File>* out) override {
    std::unique_ptr<File> file;
    CAIRN_RETURN_IF_ERROR(base_->Open(path, mode, &file));
    *out = std::make_unique<NoSyncFile>(std::move(file));
    return Status::Ok();
  }
  Status SyncDir(const std::string&) override { return Status::Ok(); }

 private:
  class NoSyncFile final : public File {
   public:
    explicit NoSyncFile(std::unique_ptr<File> base) : base_(std::move(base)) {}
    Status ReadAt(uint64_t offset, std::span<std::byte> out) override { return base_->ReadAt(offset, out); }
    Status WriteAt(uint64_t offset, std::span<const std::byte> data) override {
      return base_->WriteAt(offset, data);
    }
    Status Sync() override { return Status::Ok(); }
    Status Truncate(uint64_t size_bytes) override { return base_->Truncate(size_bytes); }
    Status Allocate(uint64_t size_bytes, bool keep_size) override {
      return base_->Allocate(size_bytes, keep_size);
    }
    Status Size(uint64_t* size_bytes) override { return base_->Size(size_bytes); }
    int fd() const override { return base_->fd(); }
    const std::string& path() const override { return base_->path(); }

   private:
    std::unique_ptr<File> base_;
  };
};

// A process-wide instance.
inline Env* NoSync() {
  static NoSyncEnv env;
  return &env;
}

}  // namespace cairn::io

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
  class NoSyncFile final : public ForwardingFile {
   public:
    using ForwardingFile::ForwardingFile;
    Status Sync() override { return Status::Ok(); }
  };
};

// A process-wide instance.
inline Env* NoSync() {
  static NoSyncEnv env;
  return &env;
}

}  // namespace cairn::io

#include "storage/io/slow_sync_env.h"

#include <charconv>
#include <cstring>
#include <thread>

namespace cairn::io {

namespace {

class SlowSyncFile final : public ForwardingFile {
 public:
  SlowSyncFile(std::unique_ptr<File> base, std::chrono::milliseconds delay)
      : ForwardingFile(std::move(base)), delay_(delay) {}
  Status Sync() override {
    std::this_thread::sleep_for(delay_);
    return base_->Sync();
  }

 private:
  const std::chrono::milliseconds delay_;
};

std::chrono::milliseconds g_delay{0};
Env* g_env = nullptr;

}  // namespace

Status SlowSyncEnv::Open(const std::string& path, OpenMode mode, std::unique_ptr<File>* out) {
  std::unique_ptr<File> file;
  CAIRN_RETURN_IF_ERROR(base_->Open(path, mode, &file));
  *out = std::make_unique<SlowSyncFile>(std::move(file), delay_);
  return Status::Ok();
}

Status SlowSyncEnv::SyncDir(const std::string& path) {
  std::this_thread::sleep_for(delay_);
  return base_->SyncDir(path);
}

Status InitServerEnv(const char* value) {
  g_env = DefaultEnv();
  g_delay = std::chrono::milliseconds(0);
  if (value == nullptr || *value == '\0') return Status::Ok();
  uint64_t ms = 0;
  const char* end = value + std::strlen(value);
  auto [p, ec] = std::from_chars(value, end, ms);
  if (ec != std::errc() || p != end || ms > 3600 * 1000) {
    return Status::InvalidArgument(std::string("invalid ") + kFsyncDelayVariable + " \"" + value +
                                   "\": want a number of milliseconds");
  }
  if (ms == 0) return Status::Ok();
  g_delay = std::chrono::milliseconds(ms);
  static SlowSyncEnv env(DefaultEnv(), g_delay);
  g_env = &env;
  return Status::Ok();
}

Env* ServerEnv() { return g_env != nullptr ? g_env : DefaultEnv(); }

std::chrono::milliseconds FsyncDelay() { return g_delay; }

}  // namespace cairn::io

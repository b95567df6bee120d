#include "storage/io/fault_env.h"

#include <algorithm>

namespace cairn::io {
namespace {

class FaultFile final : public File {
 public:
  FaultFile(FaultEnv* env, std::unique_ptr<File> base)
      : env_(env), base_(std::move(base)), path_(env->TrackPath(base_->path())) {}

  Status ReadAt(uint64_t offset, std::span<std::byte> out) override { return base_->ReadAt(offset, out); }

  Status WriteAt(uint64_t offset, std::span<const std::byte> data) override {
    CAIRN_RETURN_IF_ERROR(env_->Step());
    FaultEnv::Undo undo;
    CAIRN_RETURN_IF_ERROR(SaveUndo(offset, data.size(), &undo));
    CAIRN_RETURN_IF_ERROR(base_->WriteAt(offset, data));
    env_->Record(path_, std::move(undo));
    return Status::Ok();
  }

  Status Sync() override {
    CAIRN_RETURN_IF_ERROR(env_->Step());
    CAIRN_RETURN_IF_ERROR(base_->Sync());
    env_->Forget(path_);
    return Status::Ok();
  }

  Status Truncate(uint64_t size_bytes) override {
    CAIRN_RETURN_IF_ERROR(env_->Step());
    uint64_t size = 0;
    CAIRN_RETURN_IF_ERROR(base_->Size(&size));
    FaultEnv::Undo undo;
    CAIRN_RETURN_IF_ERROR(
        SaveUndo(std::min(size, size_bytes), size > size_bytes ? size - size_bytes : 0, &undo));
    CAIRN_RETURN_IF_ERROR(base_->Truncate(size_bytes));
    env_->Record(path_, std::move(undo));
    return Status::Ok();
  }

  Status Allocate(uint64_t size_bytes, bool keep_size) override {
    CAIRN_RETURN_IF_ERROR(env_->Step());
    FaultEnv::Undo undo;
    CAIRN_RETURN_IF_ERROR(SaveUndo(0, 0, &undo));
    CAIRN_RETURN_IF_ERROR(base_->Allocate(size_bytes, keep_size));
    env_->Record(path_, std::move(undo));
    return Status::Ok();
  }

  Status Size(uint64_t* size_bytes) override { return base_->Size(size_bytes); }
  int fd() const override { return base_->fd(); }
  const std::string& path() const override { return base_->path(); }

 private:
  // Saves what [offset, offset+len) holds now, and the current size.
  Status SaveUndo(uint64_t offset, uint64_t len, FaultEnv::Undo* undo) {
    CAIRN_RETURN_IF_ERROR(base_->Size(&undo->old_size));
    undo->offset = offset;
    uint64_t end = std::min(undo->old_size, offset + len);
    if (end > offset) {
      undo->old_bytes.resize(end - offset);
      CAIRN_RETURN_IF_ERROR(base_->ReadAt(offset, undo->old_bytes));
    }
    return Status::Ok();
  }

  FaultEnv* env_;
  std::unique_ptr<File> base_;
  std::shared_ptr<std::string> path_;  // follows renames; guarded by the env's lock
};

}  // namespace

void FaultEnv::SetCrashAtStep(std::optional<uint64_t> step) {
  std::lock_guard lock(mu_);
  crash_at_step_ = step;
  crashed_ = false;
}

uint64_t FaultEnv::steps() const {
  std::lock_guard lock(mu_);
  return steps_;
}

bool FaultEnv::crashed() const {
  std::lock_guard lock(mu_);
  return crashed_;
}

Status FaultEnv::Step() {
  std::lock_guard lock(mu_);
  if (crashed_) return Status::IOError("injected crash");
  ++steps_;
  if (crash_at_step_ && steps_ >= *crash_at_step_) {
    crashed_ = true;
    return Status::IOError("injected crash");
  }
  return Status::Ok();
}

std::shared_ptr<std::string> FaultEnv::TrackPath(const std::string& path) {
  auto tracked = std::make_shared<std::string>(path);
  std::lock_guard lock(mu_);
  std::erase_if(open_paths_, [](const std::weak_ptr<std::string>& p) { return p.expired(); });
  open_paths_.push_back(tracked);
  return tracked;
}

void FaultEnv::Record(const std::shared_ptr<std::string>& path, Undo undo) {
  std::lock_guard lock(mu_);
  unsynced_[*path].push_back(std::move(undo));
}

void FaultEnv::Forget(const std::shared_ptr<std::string>& path) {
  std::lock_guard lock(mu_);
  unsynced_.erase(*path);
}

Status FaultEnv::Rename(const std::string& from, const std::string& to) {
  CAIRN_RETURN_IF_ERROR(base_->Rename(from, to));
  std::lock_guard lock(mu_);
  for (const auto& weak : open_paths_) {
    if (auto path = weak.lock(); path && *path == from) *path = to;
  }
  auto it = unsynced_.find(from);
  if (it != unsynced_.end()) {
    unsynced_[to] = std::move(it->second);
    unsynced_.erase(it);
  }
  return Status::Ok();
}

Status FaultEnv::Crash() {
  std::map<std::string, std::vector<Undo>> unsynced;
  {
    std::lock_guard lock(mu_);
    crashed_ = true;
    unsynced.swap(unsynced_);
  }
  for (auto& [path, undos] : unsynced) {
    std::unique_ptr<File> file;
    Status s = base_->Open(path, OpenMode::kReadWrite, &file);
    if (s.IsNotFound()) continue;  // removed after writing: nothing to roll back
    CAIRN_RETURN_IF_ERROR(s);
    for (auto it = undos.rbegin(); it != undos.rend(); ++it) {
      if (!it->old_bytes.empty()) CAIRN_RETURN_IF_ERROR(file->WriteAt(it->offset, it->old_bytes));
      CAIRN_RETURN_IF_ERROR(file->Truncate(it->old_size));
    }
    CAIRN_RETURN_IF_ERROR(file->Sync());
  }
  return Status::Ok();
}

Status FaultEnv::Open(const std::string& path, OpenMode mode, std::unique_ptr<File>* out) {
  std::unique_ptr<File> base;
  CAIRN_RETURN_IF_ERROR(base_->Open(path, mode, &base));
  *out = std::make_unique<FaultFile>(this, std::move(base));
  return Status::Ok();
}

}  // namespace cairn::io

// FaultEnv: an Env for crash tests. It wraps a real Env and models power loss.
//
// Every WriteAt/Truncate goes through to the real file at once (so reads and
// mmaps see it), but FaultEnv keeps the bytes it overwrote. Sync() on a file
// makes that file's writes permanent (forgets their undo records).
//
// Crash points: each mutating call (WriteAt, Truncate, Allocate, Sync) counts
// as one step. With crash_at_step = N, step N and every later call fail with
// IOError("injected crash") and do nothing. Crash() then rolls back, newest
// first, every write not covered by a Sync, leaving the files exactly as a
// power loss after step N-1 would in the worst case. Directory operations are
// treated as immediately durable; a file renamed while open keeps its undo
// records under its new name.
//
// Thread-safe; meant for tests, not for speed.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "storage/io/file.h"

namespace cairn::io {

class FaultEnv final : public ForwardingEnv {
 public:
  explicit FaultEnv(Env* base) : ForwardingEnv(base) {}

  // Fail step `step` (1-based) and everything after it. nullopt: never.
  void SetCrashAtStep(std::optional<uint64_t> step);
  // Mutating steps taken so far (including the failed one).
  uint64_t steps() const;
  bool crashed() const;
  // Rolls back all unsynced writes of every file opened through this Env.
  // Files may stay open; further writes fail until SetCrashAtStep is called.
  Status Crash();

  Status Open(const std::string& path, OpenMode mode, std::unique_ptr<File>* out) override;
  Status Rename(const std::string& from, const std::string& to) override;

  // Internal: called by FaultFile.
  struct Undo {
    uint64_t offset;
    std::vector<std::byte> old_bytes;  // contents before the write, within old size
    uint64_t old_size;
  };
  Status Step();  // counts one mutating step; error when it is the crash step
  // The current path of an open file, updated by Rename.
  std::shared_ptr<std::string> TrackPath(const std::string& path);
  void Record(const std::shared_ptr<std::string>& path, Undo undo);
  void Forget(const std::shared_ptr<std::string>& path);

 private:
  mutable std::mutex mu_;
  std::optional<uint64_t> crash_at_step_;
  uint64_t steps_ = 0;
  bool crashed_ = false;
  std::map<std::string, std::vector<Undo>> unsynced_;   // by path, oldest first
  std::vector<std::weak_ptr<std::string>> open_paths_;  // of files opened here
};

}  // namespace cairn::io

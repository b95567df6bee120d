// SlowSyncEnv: the real filesystem with every File::Sync (fdatasync) delayed by a fixed time: a
// slow disk, for fault-injection tests of the server's slow-disk diagnostics (issue 15).
//
// TEST-ONLY SWITCH compiled into the server: the environment variable
// CAIRN_FAULT_FSYNC_DELAY_MS=<milliseconds>, read once at start-up by InitServerEnv, makes
// ServerEnv() a SlowSyncEnv; unset (or 0), ServerEnv() is DefaultEnv() and nothing else changes
// (zero cost: no wrapper, no check per call). Never set it in production.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "storage/io/file.h"

namespace cairn::io {

class SlowSyncEnv final : public ForwardingEnv {
 public:
  SlowSyncEnv(Env* base, std::chrono::milliseconds delay) : ForwardingEnv(base), delay_(delay) {}
  Status Open(const std::string& path, OpenMode mode, std::unique_ptr<File>* out) override;
  Status SyncDir(const std::string& path) override;

 private:
  const std::chrono::milliseconds delay_;
};

inline constexpr char kFsyncDelayVariable[] = "CAIRN_FAULT_FSYNC_DELAY_MS";

// Reads kFsyncDelayVariable (`value` is its text, nullptr when unset). Error: `invalid
// CAIRN_FAULT_FSYNC_DELAY_MS "x": want a number of milliseconds`. Call once, before ServerEnv.
Status InitServerEnv(const char* value);
// The Env the server opens its WAL and db with.
Env* ServerEnv();
// The injected delay (0 when off).
std::chrono::milliseconds FsyncDelay();

}  // namespace cairn::io

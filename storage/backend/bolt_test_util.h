// Test helpers for the bolt backend: temp dirs, runfiles, running external programs (the bbolt
// oracle, etcd's scripts, etcdctl), and opening KvStore + Lessor over a bolt file the way the
// server does (Lessor::Open -> KvStore::Open -> set_kv).
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "storage/backend/bolt_backend.h"
#include "storage/mvcc/kv_store.h"
#include "storage/mvcc/lessor.h"

namespace cairn::backend::testing {

inline std::string TempDir(const std::string& name) {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string dir =
      std::string(base != nullptr ? base : "/tmp") + "/boltbe_" + name + "_" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline std::string Runfile(const std::string& workspace_path) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  std::string base = srcdir != nullptr ? srcdir : ".";
  return base + "/" + (workspace != nullptr ? workspace : "cairn") + "/" + workspace_path;
}

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout; stderr goes to the test log
};

inline CommandResult RunCommand(const std::string& command) {
  CommandResult r;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return r;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) r.out.append(buf, n);
  int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// `bbolt_oracle check|dump FILE` (real bbolt 1.3.6). The file must not be open for writing.
inline CommandResult Oracle(const std::string& args) {
  return RunCommand(Runfile("tests/bbolt_oracle/bbolt_oracle") + " " + args);
}

inline std::string Hex(std::string_view s) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

// The server's opening order over one bolt file. Destroy in reverse (reset()).
struct OpenStore {
  std::unique_ptr<BufferedBackend> backend;
  std::unique_ptr<mvcc::Lessor> lessor;
  std::unique_ptr<mvcc::KvStore> kv;

  Status Open(const std::string& path, BoltBackendOptions options = {},
              mvcc::KvStore::Options kv_options = {}) {
    options.store.bolt.no_sync = true;  // tests: not crash safe, fast
    CAIRN_RETURN_IF_ERROR(OpenBoltBackend(io::DefaultEnv(), path, options, &backend));
    mvcc::Lessor::Options lo;
    lo.clock = [] { return std::chrono::steady_clock::time_point{}; };
    CAIRN_RETURN_IF_ERROR(mvcc::Lessor::Open(backend.get(), lo, &lessor));
    kv_options.leases = lessor.get();
    CAIRN_RETURN_IF_ERROR(mvcc::KvStore::Open(backend.get(), kv_options, &kv));
    lessor->set_kv(kv.get());
    return Status::Ok();
  }
  // Commits and closes everything (the file is then free for external tools).
  void Close() {
    if (kv) (void)kv->Commit();
    kv.reset();
    lessor.reset();
    backend.reset();
  }
};

}  // namespace cairn::backend::testing

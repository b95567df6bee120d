// Helpers shared by the WAL tests: scratch directories and raw file edits.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "storage/io/file.h"
#include "storage/wal/record.h"

namespace cairn::wal::testing {

// A fresh, empty directory under the test's scratch space.
inline std::string ScratchDir(const std::string& name) {
  const char* root = std::getenv("TEST_TMPDIR");
  std::filesystem::path dir = std::filesystem::path(root ? root : "/tmp") / ("wal_" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

inline std::string TestName() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "_" + info->name();
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  return name;
}

inline std::vector<char> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<char>(std::istreambuf_iterator<char>(in), {});
}

inline void WriteFile(const std::string& path, const std::vector<char>& bytes, size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(size));
}

// An Env over the real filesystem whose Sync and SyncDir do nothing: crash
// tests model durability with FaultEnv, so real fdatasyncs would only make
// them slow (and their speed depend on the disk).
class NoSyncEnv final : public io::Env {
 public:
  Status Open(const std::string& path, io::OpenMode mode, std::unique_ptr<io::File>* out) override {
    std::unique_ptr<io::File> file;
    CAIRN_RETURN_IF_ERROR(base_->Open(path, mode, &file));
    *out = std::make_unique<NoSyncFile>(std::move(file));
    return Status::Ok();
  }
  Status Exists(const std::string& path, bool* exists) override { return base_->Exists(path, exists); }
  Status Remove(const std::string& path) override { return base_->Remove(path); }
  Status Rename(const std::string& from, const std::string& to) override { return base_->Rename(from, to); }
  Status CreateDir(const std::string& path) override { return base_->CreateDir(path); }
  Status ListDir(const std::string& path, std::vector<std::string>* names) override {
    return base_->ListDir(path, names);
  }
  Status SyncDir(const std::string&) override { return Status::Ok(); }

 private:
  class NoSyncFile final : public io::File {
   public:
    explicit NoSyncFile(std::unique_ptr<io::File> base) : base_(std::move(base)) {}
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
    int fd() const override { return -1; }  // keeps io_uring (which would fdatasync) away
    const std::string& path() const override { return base_->path(); }

   private:
    std::unique_ptr<io::File> base_;
  };
  io::Env* base_ = io::DefaultEnv();
};

inline io::Env* NoSync() {
  static NoSyncEnv env;
  return &env;
}

inline Entry MakeEntry(uint64_t index, uint64_t term, size_t data_bytes = 100) {
  Entry entry{index, term, std::string(data_bytes, 'a')};
  for (size_t i = 0; i < data_bytes; ++i) entry.data[i] = static_cast<char>('a' + (index * 7 + i) % 26);
  return entry;
}

inline Batch EntriesBatch(uint64_t first, uint64_t last, uint64_t term, size_t data_bytes = 100) {
  Batch batch;
  for (uint64_t i = first; i <= last; ++i) batch.entries.push_back(MakeEntry(i, term, data_bytes));
  return batch;
}

}  // namespace cairn::wal::testing

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
#include "storage/io/no_sync_env.h"
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

using io::NoSync;

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

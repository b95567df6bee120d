// Arena: bump allocator for a transaction's copies of keys and values, so
// views into it stay valid until the transaction ends. Not thread-safe.
#pragma once

#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace cairn::bolt {

class Arena {
 public:
  char* AllocZeroed(size_t n) {
    char* p = Alloc(n);
    std::memset(p, 0, n);
    return p;
  }
  std::string_view Copy(std::string_view bytes) {
    if (bytes.empty()) return std::string_view("", 0);
    char* p = Alloc(bytes.size());
    std::memcpy(p, bytes.data(), bytes.size());
    return {p, bytes.size()};
  }

 private:
  static constexpr size_t kBlockBytes = 64 * 1024;
  char* Alloc(size_t n) {
    if (n > kBlockBytes / 4) {
      blocks_.push_back(std::make_unique<char[]>(n));
      return blocks_.back().get();
    }
    if (left_ < n) {
      blocks_.push_back(std::make_unique<char[]>(kBlockBytes));
      next_ = blocks_.back().get();
      left_ = kBlockBytes;
    }
    char* p = next_;
    next_ += n;
    left_ -= n;
    return p;
  }
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* next_ = nullptr;
  size_t left_ = 0;
};

}  // namespace cairn::bolt

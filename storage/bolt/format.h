// The bbolt 1.3 on-disk format (docs/bolt_format.md): page, element, meta and
// bucket-header layouts, with static_asserts on every size and offset.
//
// Pages live in an mmap that gives no alignment guarantee for inline buckets,
// so every access goes through Load/Store (memcpy), never a reinterpret_cast.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace cairn::bolt {

using PageId = uint64_t;
using TxId = uint64_t;

inline constexpr uint32_t kMagic = 0xED0CDAED;
inline constexpr uint32_t kVersion = 2;
inline constexpr uint32_t kDefaultPageSize = 4096;
inline constexpr PageId kNoFreelist = 0xFFFFFFFFFFFFFFFFull;  // bbolt pgidNoFreelist
inline constexpr size_t kMaxKeyBytes = 32768;
inline constexpr size_t kMaxValueBytes = (size_t{1} << 31) - 2;
inline constexpr uint16_t kFreelistCountOverflow = 0xFFFF;

enum PageFlags : uint16_t {
  kBranchPage = 0x01,
  kLeafPage = 0x02,
  kMetaPage = 0x04,
  kFreelistPage = 0x10,
};
inline constexpr uint32_t kBucketLeafFlag = 0x01;  // leaf element flag: value is a bucket

struct PageHeader {
  PageId id;
  uint16_t flags;
  uint16_t count;
  uint32_t overflow;
};
static_assert(sizeof(PageHeader) == 16);
static_assert(offsetof(PageHeader, flags) == 8);
static_assert(offsetof(PageHeader, count) == 10);
static_assert(offsetof(PageHeader, overflow) == 12);
inline constexpr size_t kPageHeaderBytes = sizeof(PageHeader);

struct BranchElement {
  uint32_t pos;  // key offset from the start of this element
  uint32_t ksize;
  PageId pgid;
};
static_assert(sizeof(BranchElement) == 16);
static_assert(offsetof(BranchElement, pgid) == 8);

struct LeafElement {
  uint32_t flags;
  uint32_t pos;  // key offset from the start of this element; value follows key
  uint32_t ksize;
  uint32_t vsize;
};
static_assert(sizeof(LeafElement) == 16);
static_assert(offsetof(LeafElement, vsize) == 12);
inline constexpr size_t kElementBytes = 16;  // branch and leaf elements alike

struct BucketHeader {
  PageId root;  // 0: inline bucket, a leaf page image follows the header
  uint64_t sequence;
};
static_assert(sizeof(BucketHeader) == 16);
inline constexpr size_t kBucketHeaderBytes = sizeof(BucketHeader);

struct Meta {
  uint32_t magic;
  uint32_t version;
  uint32_t page_size;
  uint32_t flags;
  BucketHeader root;
  PageId freelist;
  PageId pgid;  // high-water mark: one past the last page in use
  TxId txid;
  uint64_t checksum;  // FNV-1a 64 over the bytes before this field
};
static_assert(sizeof(Meta) == 64);
static_assert(offsetof(Meta, root) == 16);
static_assert(offsetof(Meta, freelist) == 32);
static_assert(offsetof(Meta, pgid) == 40);
static_assert(offsetof(Meta, txid) == 48);
static_assert(offsetof(Meta, checksum) == 56);
inline constexpr size_t kMetaOffsetInPage = kPageHeaderBytes;

template <typename T>
inline T Load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}
template <typename T>
inline void Store(char* p, const T& v) {
  std::memcpy(p, &v, sizeof(T));
}

inline uint64_t Fnv1a64(const void* data, size_t n) {
  uint64_t h = 14695981039346656037ull;
  const auto* b = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < n; ++i) {
    h ^= b[i];
    h *= 1099511628211ull;
  }
  return h;
}

inline uint64_t MetaChecksum(const Meta& m) { return Fnv1a64(&m, offsetof(Meta, checksum)); }

// Read-only view of one page image (in the mmap, a dirty buffer, or inline in a bucket value).
class PageView {
 public:
  PageView() = default;
  explicit PageView(const char* p) : p_(p) {}
  bool valid() const { return p_ != nullptr; }
  const char* data() const { return p_; }
  PageHeader header() const { return Load<PageHeader>(p_); }
  PageId id() const { return Load<PageId>(p_); }
  uint16_t flags() const { return Load<uint16_t>(p_ + 8); }
  uint16_t count() const { return Load<uint16_t>(p_ + 10); }
  uint32_t overflow() const { return Load<uint32_t>(p_ + 12); }
  bool is_leaf() const { return (flags() & kLeafPage) != 0; }
  bool is_branch() const { return (flags() & kBranchPage) != 0; }

  const char* element(size_t i) const { return p_ + kPageHeaderBytes + i * kElementBytes; }
  LeafElement leaf(size_t i) const { return Load<LeafElement>(element(i)); }
  BranchElement branch(size_t i) const { return Load<BranchElement>(element(i)); }
  std::string_view leaf_key(size_t i) const {
    LeafElement e = leaf(i);
    return {element(i) + e.pos, e.ksize};
  }
  std::string_view leaf_value(size_t i) const {
    LeafElement e = leaf(i);
    return {element(i) + e.pos + e.ksize, e.vsize};
  }
  uint32_t leaf_flags(size_t i) const { return Load<uint32_t>(element(i)); }
  std::string_view branch_key(size_t i) const {
    BranchElement e = branch(i);
    return {element(i) + e.pos, e.ksize};
  }
  PageId branch_pgid(size_t i) const { return Load<PageId>(element(i) + 8); }

 private:
  const char* p_ = nullptr;
};

}  // namespace cairn::bolt

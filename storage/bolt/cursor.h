// Cursor: ordered iteration over one bucket's keys and nested buckets.
//
// A cursor is valid for the life of its transaction and used by one thread.
// Keys and values returned are views into the mmap (or into the write
// transaction's own copies) and stay valid until the transaction ends.
// Nested-bucket entries are returned with is_bucket() true and an empty value.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "storage/bolt/format.h"

namespace cairn::bolt {

class Bucket;
struct Node;

class Cursor {
 public:
  explicit Cursor(Bucket* bucket) : bucket_(bucket) {}

  // Each move returns whether the cursor now points at an entry.
  bool First();
  bool Last();
  bool Seek(std::string_view key);  // first entry with key >= `key`
  bool Next();
  bool Prev();

  bool Valid() const { return valid_; }
  std::string_view key() const { return key_; }
  std::string_view value() const { return is_bucket() ? std::string_view() : value_; }
  bool is_bucket() const { return (flags_ & kBucketLeafFlag) != 0; }
  // Deletes the current key (not a bucket). The cursor then points at the
  // following entry's slot, as in bbolt: call Seek to continue safely.
  Status Delete();

 private:
  friend class Bucket;
  struct Ref {
    PageView page;
    Node* node = nullptr;
    size_t index = 0;
    bool is_leaf() const;
    size_t count() const;
  };

  // Positions at the slot where `key` is or would be inserted, in the leaf
  // that must hold it (possibly one past its last element: no step to the
  // next leaf, so writes land in the right node). True if on an element.
  bool SeekInLeaf(std::string_view key);
  void Push(PageId id);
  PageId ChildPgid(const Ref& ref) const;
  void DescendFirst();
  void DescendLast();
  bool MoveNext();
  bool MovePrev();
  bool LoadCurrent();
  std::string_view raw_value() const { return value_; }
  uint32_t flags() const { return flags_; }
  // The leaf node under the cursor, materializing nodes along the path.
  Node* CurrentNode();

  Bucket* bucket_;
  std::vector<Ref> stack_;
  bool valid_ = false;
  std::string_view key_;
  std::string_view value_;
  uint32_t flags_ = 0;
};

}  // namespace cairn::bolt

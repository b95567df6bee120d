// Bucket: a named B+tree of keys, values and nested buckets inside a
// transaction (bbolt's Bucket). A Bucket* is owned by its transaction and
// valid until the transaction ends (or the bucket is deleted).
//
// Thread-safety: none; a transaction and its buckets are used by one thread.
// Mutating calls on a read-only transaction return InvalidArgument.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/status.h"
#include "storage/bolt/cursor.h"
#include "storage/bolt/format.h"

namespace cairn::bolt {

class Tx;
struct Node;

class Bucket {
 public:
  // The value, a view valid for the transaction; nullopt if absent or a bucket.
  std::optional<std::string_view> Get(std::string_view key);
  // REQUIRES writable tx. Key 1..32768 bytes, value <= 2^31-2 bytes; the
  // bytes are copied. Fails with InvalidArgument if `key` names a bucket.
  Status Put(std::string_view key, std::string_view value);
  Status Delete(std::string_view key);  // absent key: ok
  Cursor NewCursor() { return Cursor(this); }

  Bucket* Nested(std::string_view name);                               // nullptr if absent or not a bucket
  Status CreateBucket(std::string_view name, Bucket** out = nullptr);  // Exists if present
  Status CreateBucketIfNotExists(std::string_view name, Bucket** out = nullptr);
  // Deletes the bucket and everything under it; frees all its pages.
  Status DeleteBucket(std::string_view name);

  uint64_t Sequence() const { return header_.sequence; }
  Status SetSequence(uint64_t value);
  Status NextSequence(uint64_t* out);

  // Split threshold for pages this bucket writes in this transaction, clamped
  // to [0.1, 1.0]; not persisted (bbolt's Bucket.FillPercent).
  void set_fill_percent(double fill) { fill_percent_ = fill; }
  double fill_percent() const { return fill_percent_; }
  Tx* tx() const { return tx_; }

  // Internal: buckets are opened by Tx and Bucket::Nested, not by users.
  Bucket(Tx* tx, BucketHeader header, PageView inline_page);
  Bucket(const Bucket&) = delete;
  Bucket& operator=(const Bucket&) = delete;

 private:
  friend class Cursor;
  friend struct Node;
  friend class Tx;

  Status CheckWritable() const;
  // The node for page `pgid`, materializing it (as a child of parent) if needed.
  Node* NodeFor(PageId pgid, Node* parent);
  void PageNode(PageId pgid, PageView* page, Node** node);
  template <typename Fn>
  void ForEachPageNode(PageId pgid, Fn&& fn);
  void Rebalance();
  Status Spill();
  bool Inlineable() const;
  void FreeAll();
  std::string_view SerializeInline();

  Tx* tx_;
  BucketHeader header_;
  PageView inline_page_;  // valid for inline buckets read from a value
  Node* root_node_ = nullptr;
  std::unordered_map<PageId, Node*> nodes_;
  std::map<std::string, std::unique_ptr<Bucket>, std::less<>> children_;  // opened nested buckets
  double fill_percent_;
};

}  // namespace cairn::bolt

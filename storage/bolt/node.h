// Node: the in-memory, mutable form of one B+tree page inside a write
// transaction (bbolt's node). Nodes are created lazily when a write touches a
// page, live in the transaction's arena, and are written back to freshly
// allocated pages on commit (copy-on-write: a committed page is never modified).
//
// Not thread-safe: a node belongs to its write transaction.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "storage/bolt/format.h"

namespace cairn::bolt {

class Bucket;

struct INode {
  uint32_t flags = 0;  // kBucketLeafFlag for bucket entries (leaf only)
  PageId pgid = 0;     // child page (branch only)
  std::string_view key;
  std::string_view value;  // leaf only
};

struct Node {
  Bucket* bucket = nullptr;
  bool is_leaf = true;
  bool unbalanced = false;
  bool spilled = false;
  std::string_view key;  // first key when read from its page: the parent's separator for it
  PageId pgid = 0;       // page it was read from (0: new, freed, or inline root)
  Node* parent = nullptr;
  std::vector<Node*> children;  // materialized children, for spill
  std::vector<INode> inodes;    // sorted by key

  void Read(PageView page);
  // Serialized bytes (page header + elements + keys + values).
  size_t Size() const;
  size_t MinKeys() const { return is_leaf ? 1 : 2; }
  Node* Root();
  Node* ChildAt(size_t index);
  size_t ChildIndex(const Node* child) const;
  Node* NextSibling();
  Node* PrevSibling();
  void RemoveChild(const Node* child);

  // Inserts or replaces the inode whose key is old_key. Views must stay valid
  // for the transaction (tx arena or mmap).
  void Put(std::string_view old_key, std::string_view new_key, std::string_view value, PageId child_pgid,
           uint32_t flags);
  void Del(std::string_view key);
  // Writes the header flags/count, elements and data to page (id/overflow untouched).
  void Write(char* page) const;

  // Commit-time operations (bbolt rules, see docs/bolt_format.md "Tree shape").
  void Rebalance();
  Status Spill();
  void Free();  // returns this node's page (and overflow) to the freelist as pending

 private:
  std::vector<Node*> Split(size_t page_size);
};

}  // namespace cairn::bolt

#include "storage/bolt/bucket.h"

#include <cassert>
#include <vector>

#include "storage/bolt/db.h"
#include "storage/bolt/node.h"
#include "storage/bolt/tx.h"

namespace cairn::bolt {

Bucket::Bucket(Tx* tx, BucketHeader header, PageView inline_page)
    : tx_(tx), header_(header), inline_page_(inline_page), fill_percent_(tx->db()->options().fill_percent) {}

Status Bucket::CheckWritable() const {
  if (tx_->closed()) return Status::InvalidArgument("bolt: tx closed");
  if (!tx_->writable()) return Status::InvalidArgument("bolt: tx not writable");
  return Status::Ok();
}

std::optional<std::string_view> Bucket::Get(std::string_view key) {
  Cursor c(this);
  if (!c.SeekInLeaf(key) || c.key() != key || c.is_bucket()) return std::nullopt;
  return c.value();
}

Status Bucket::Put(std::string_view key, std::string_view value) {
  CAIRN_RETURN_IF_ERROR(CheckWritable());
  if (key.empty()) return Status::InvalidArgument("bolt: key required");
  if (key.size() > kMaxKeyBytes) return Status::InvalidArgument("bolt: key too large");
  if (value.size() > kMaxValueBytes) return Status::InvalidArgument("bolt: value too large");
  Cursor c(this);
  bool exact = c.SeekInLeaf(key) && c.key() == key;
  if (exact && c.is_bucket()) return Status::InvalidArgument("bolt: incompatible value");
  std::string_view k = exact ? c.key() : tx_->Copy(key);
  c.CurrentNode()->Put(k, k, tx_->Copy(value), 0, 0);
  return Status::Ok();
}

Status Bucket::Delete(std::string_view key) {
  CAIRN_RETURN_IF_ERROR(CheckWritable());
  Cursor c(this);
  if (!c.SeekInLeaf(key) || c.key() != key) return Status::Ok();
  if (c.is_bucket()) return Status::InvalidArgument("bolt: incompatible value");
  c.CurrentNode()->Del(key);
  return Status::Ok();
}

Bucket* Bucket::Nested(std::string_view name) {
  auto it = children_.find(name);
  if (it != children_.end()) return it->second.get();
  Cursor c(this);
  if (!c.SeekInLeaf(name) || c.key() != name || !c.is_bucket()) return nullptr;
  std::string_view value = c.raw_value();
  if (value.size() < kBucketHeaderBytes) {
    assert(false && "bolt: bucket value shorter than its header");
    return nullptr;
  }
  auto header = Load<BucketHeader>(value.data());
  PageView inline_page = header.root == 0 ? PageView(value.data() + kBucketHeaderBytes) : PageView();
  auto child = std::make_unique<Bucket>(tx_, header, inline_page);
  Bucket* raw = child.get();
  children_.emplace(std::string(name), std::move(child));
  return raw;
}

Status Bucket::CreateBucket(std::string_view name, Bucket** out) {
  CAIRN_RETURN_IF_ERROR(CheckWritable());
  if (name.empty()) return Status::InvalidArgument("bolt: bucket name required");
  if (name.size() > kMaxKeyBytes) return Status::InvalidArgument("bolt: key too large");
  Cursor c(this);
  if (c.SeekInLeaf(name) && c.key() == name) {
    if (c.is_bucket()) return Status::Exists("bolt: bucket already exists");
    return Status::InvalidArgument("bolt: incompatible value");
  }
  // An empty inline bucket: header {0, 0} and an empty leaf page image.
  char* value = tx_->AllocBytes(kBucketHeaderBytes + kPageHeaderBytes);
  Store<uint16_t>(value + kBucketHeaderBytes + 8, kLeafPage);
  std::string_view k = tx_->Copy(name);
  c.CurrentNode()->Put(k, k, std::string_view(value, kBucketHeaderBytes + kPageHeaderBytes), 0,
                       kBucketLeafFlag);
  // Inline buckets cannot hold buckets: from now on this bucket lives in nodes.
  inline_page_ = PageView();
  Bucket* child = Nested(name);
  assert(child != nullptr);
  if (out != nullptr) *out = child;
  return Status::Ok();
}

Status Bucket::CreateBucketIfNotExists(std::string_view name, Bucket** out) {
  Status s = CreateBucket(name, out);
  if (s.code() == Status::Code::kExists) {
    Bucket* child = Nested(name);
    if (out != nullptr) *out = child;
    return Status::Ok();
  }
  return s;
}

Status Bucket::DeleteBucket(std::string_view name) {
  CAIRN_RETURN_IF_ERROR(CheckWritable());
  {
    Cursor c(this);
    if (!c.SeekInLeaf(name) || c.key() != name) return Status::NotFound("bolt: bucket not found");
    if (!c.is_bucket()) return Status::InvalidArgument("bolt: incompatible value");
  }
  Bucket* child = Nested(name);
  assert(child != nullptr);
  std::vector<std::string> nested;
  Cursor cc(child);
  for (bool ok = cc.First(); ok; ok = cc.Next()) {
    if (cc.is_bucket()) nested.emplace_back(cc.key());
  }
  for (const std::string& n : nested) CAIRN_RETURN_IF_ERROR(child->DeleteBucket(n));

  auto it = children_.find(name);
  std::unique_ptr<Bucket> owned = std::move(it->second);
  children_.erase(it);
  owned->nodes_.clear();
  owned->root_node_ = nullptr;
  owned->FreeAll();
  tx_->Bury(std::move(owned));

  Cursor c(this);
  bool found = c.SeekInLeaf(name) && c.key() == name;
  assert(found);
  (void)found;
  c.CurrentNode()->Del(name);
  return Status::Ok();
}

Status Bucket::SetSequence(uint64_t value) {
  CAIRN_RETURN_IF_ERROR(CheckWritable());
  if (root_node_ == nullptr) NodeFor(header_.root, nullptr);  // so the header gets written
  header_.sequence = value;
  return Status::Ok();
}

Status Bucket::NextSequence(uint64_t* out) {
  CAIRN_RETURN_IF_ERROR(SetSequence(header_.sequence + 1));
  *out = header_.sequence;
  return Status::Ok();
}

Node* Bucket::NodeFor(PageId pgid, Node* parent) {
  auto it = nodes_.find(pgid);
  if (it != nodes_.end()) return it->second;
  Node* n = tx_->NewNode();
  n->bucket = this;
  n->parent = parent;
  if (parent == nullptr) {
    root_node_ = n;
  } else {
    parent->children.push_back(n);
  }
  n->Read(inline_page_.valid() ? inline_page_ : tx_->Page(pgid));
  nodes_[pgid] = n;
  return n;
}

void Bucket::PageNode(PageId pgid, PageView* page, Node** node) {
  *page = PageView();
  *node = nullptr;
  if (header_.root == 0) {
    assert(pgid == 0 && "bolt: inline bucket has only page 0");
    if (root_node_ != nullptr) {
      *node = root_node_;
    } else {
      *page = inline_page_;
    }
    return;
  }
  if (!nodes_.empty()) {
    auto it = nodes_.find(pgid);
    if (it != nodes_.end()) {
      *node = it->second;
      return;
    }
  }
  *page = tx_->Page(pgid);
}

template <typename Fn>
void Bucket::ForEachPageNode(PageId pgid, Fn&& fn) {
  PageView page;
  Node* node = nullptr;
  PageNode(pgid, &page, &node);
  fn(page, node);
  if (page.valid()) {
    if (page.is_branch()) {
      for (size_t i = 0; i < page.count(); ++i) ForEachPageNode(page.branch_pgid(i), fn);
    }
  } else if (!node->is_leaf) {
    for (const INode& in : node->inodes) ForEachPageNode(in.pgid, fn);
  }
}

void Bucket::FreeAll() {
  if (header_.root == 0) return;
  ForEachPageNode(header_.root, [this](PageView page, Node* node) {
    if (page.valid()) {
      tx_->FreePage(page.id());
    } else {
      node->Free();
    }
  });
  header_.root = 0;
}

void Bucket::Rebalance() {
  std::vector<PageId> ids;
  ids.reserve(nodes_.size());
  for (const auto& [id, n] : nodes_) ids.push_back(id);
  for (PageId id : ids) {
    auto it = nodes_.find(id);
    if (it != nodes_.end()) it->second->Rebalance();
  }
  for (auto& [name, child] : children_) child->Rebalance();
}

bool Bucket::Inlineable() const {
  const Node* n = root_node_;
  if (n == nullptr || !n->is_leaf) return false;
  size_t size = kPageHeaderBytes;
  size_t max_bytes = tx_->page_size() / 4;
  for (const INode& in : n->inodes) {
    size += kElementBytes + in.key.size() + in.value.size();
    if ((in.flags & kBucketLeafFlag) != 0 || size > max_bytes) return false;
  }
  return true;
}

std::string_view Bucket::SerializeInline() {
  size_t bytes = kBucketHeaderBytes + root_node_->Size();
  char* value = tx_->AllocBytes(bytes);
  Store(value, header_);
  root_node_->Write(value + kBucketHeaderBytes);
  return {value, bytes};
}

Status Bucket::Spill() {
  for (auto& [name, child] : children_) {
    std::string_view value;
    if (child->Inlineable()) {
      child->FreeAll();
      value = child->SerializeInline();
    } else {
      CAIRN_RETURN_IF_ERROR(child->Spill());
      char* header = tx_->AllocBytes(kBucketHeaderBytes);
      Store(header, child->header_);
      value = std::string_view(header, kBucketHeaderBytes);
    }
    if (child->root_node_ == nullptr) continue;  // untouched
    Cursor c(this);
    bool found = c.SeekInLeaf(name) && c.key() == name && c.is_bucket();
    assert(found && "bolt: spilled bucket missing from its parent");
    (void)found;
    std::string_view k = c.key();
    c.CurrentNode()->Put(k, k, value, 0, kBucketLeafFlag);
  }
  if (root_node_ == nullptr) return Status::Ok();
  CAIRN_RETURN_IF_ERROR(root_node_->Spill());
  root_node_ = root_node_->Root();
  header_.root = root_node_->pgid;
  return Status::Ok();
}

}  // namespace cairn::bolt

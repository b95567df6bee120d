#include "storage/bolt/cursor.h"

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <cstdlib>

#include "storage/bolt/bucket.h"
#include "storage/bolt/node.h"
#include "storage/bolt/tx.h"

namespace cairn::bolt {

bool Cursor::Ref::is_leaf() const { return node != nullptr ? node->is_leaf : page.is_leaf(); }
size_t Cursor::Ref::count() const { return node != nullptr ? node->inodes.size() : page.count(); }

void Cursor::Push(PageId id) {
  Ref ref;
  bucket_->PageNode(id, &ref.page, &ref.node);
  if (ref.node == nullptr && (ref.page.flags() & (kBranchPage | kLeafPage)) == 0) {
    std::fprintf(stderr, "bolt: page %llu has invalid flags 0x%x (corrupt file)\n",
                 static_cast<unsigned long long>(id), ref.page.flags());
    std::abort();
  }
  stack_.push_back(ref);
}

PageId Cursor::ChildPgid(const Ref& ref) const {
  return ref.node != nullptr ? ref.node->inodes[ref.index].pgid : ref.page.branch_pgid(ref.index);
}

void Cursor::DescendFirst() {
  while (!stack_.back().is_leaf()) {
    Push(ChildPgid(stack_.back()));
  }
}

void Cursor::DescendLast() {
  while (!stack_.back().is_leaf()) {
    Push(ChildPgid(stack_.back()));
    Ref& top = stack_.back();
    size_t n = top.count();
    top.index = n > 0 ? n - 1 : 0;
  }
}

bool Cursor::LoadCurrent() {
  const Ref& top = stack_.back();
  if (top.index >= top.count()) {
    valid_ = false;
    return false;
  }
  if (top.node != nullptr) {
    const INode& in = top.node->inodes[top.index];
    key_ = in.key;
    value_ = in.value;
    flags_ = in.flags;
  } else {
    key_ = top.page.leaf_key(top.index);
    value_ = top.page.leaf_value(top.index);
    flags_ = top.page.leaf_flags(top.index);
  }
  valid_ = true;
  return true;
}

bool Cursor::MoveNext() {
  for (;;) {
    int i = static_cast<int>(stack_.size()) - 1;
    for (; i >= 0; --i) {
      Ref& ref = stack_[i];
      if (ref.index + 1 < ref.count()) {
        ++ref.index;
        break;
      }
    }
    if (i < 0) {
      valid_ = false;
      return false;
    }
    stack_.resize(i + 1);
    DescendFirst();
    if (stack_.back().count() == 0) continue;  // empty leaf left by deletes
    return LoadCurrent();
  }
}

bool Cursor::MovePrev() {
  for (;;) {
    int i = static_cast<int>(stack_.size()) - 1;
    for (; i >= 0; --i) {
      Ref& ref = stack_[i];
      if (ref.index > 0 && ref.index <= ref.count()) {
        --ref.index;
        break;
      }
    }
    if (i < 0) {
      valid_ = false;
      return false;
    }
    stack_.resize(i + 1);
    DescendLast();
    if (stack_.back().count() == 0) continue;
    return LoadCurrent();
  }
}

bool Cursor::First() {
  stack_.clear();
  Push(bucket_->header_.root);
  DescendFirst();
  if (stack_.back().count() == 0) return MoveNext();
  return LoadCurrent();
}

bool Cursor::Last() {
  stack_.clear();
  Push(bucket_->header_.root);
  Ref& root = stack_.back();
  size_t n = root.count();
  root.index = n > 0 ? n - 1 : 0;
  DescendLast();
  if (stack_.back().count() == 0) return MovePrev();
  return LoadCurrent();
}

bool Cursor::Next() {
  if (stack_.empty()) return First();
  return MoveNext();
}

bool Cursor::Prev() {
  if (stack_.empty()) return Last();
  return MovePrev();
}

bool Cursor::Seek(std::string_view key) {
  SeekInLeaf(key);
  if (stack_.back().index >= stack_.back().count()) return MoveNext();
  return LoadCurrent();
}

bool Cursor::SeekInLeaf(std::string_view key) {
  stack_.clear();
  PageId id = bucket_->header_.root;
  for (;;) {
    Push(id);
    Ref& ref = stack_.back();
    size_t n = ref.count();
    // Index of the first element with key >= `key`.
    size_t lo = 0, hi = n;
    bool exact = false;
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      std::string_view k;
      if (ref.node != nullptr) {
        k = ref.node->inodes[mid].key;
      } else {
        k = ref.is_leaf() ? ref.page.leaf_key(mid) : ref.page.branch_key(mid);
      }
      int cmp = k.compare(key);
      if (cmp < 0) {
        lo = mid + 1;
      } else {
        if (cmp == 0) exact = true;
        hi = mid;
      }
    }
    if (ref.is_leaf()) {
      ref.index = lo;
      break;
    }
    if (!exact && lo > 0) --lo;
    if (n == 0) {
      std::fprintf(stderr, "bolt: empty branch page (corrupt file)\n");
      std::abort();
    }
    ref.index = lo;
    id = ChildPgid(ref);
  }
  return LoadCurrent();
}

Status Cursor::Delete() {
  CAIRN_RETURN_IF_ERROR(bucket_->CheckWritable());
  if (!valid_) return Status::InvalidArgument("bolt: cursor not on an entry");
  if (is_bucket()) return Status::InvalidArgument("bolt: incompatible value");
  CurrentNode()->Del(key_);
  return Status::Ok();
}

Node* Cursor::CurrentNode() {
  assert(!stack_.empty());
  const Ref& top = stack_.back();
  if (top.node != nullptr && top.is_leaf()) return top.node;
  Node* n = stack_[0].node;
  if (n == nullptr) n = bucket_->NodeFor(bucket_->header_.root, nullptr);
  for (size_t i = 0; i + 1 < stack_.size(); ++i) {
    assert(!n->is_leaf && "bolt: expected branch node");
    n = n->ChildAt(stack_[i].index);
  }
  assert(n->is_leaf && "bolt: expected leaf node");
  return n;
}

}  // namespace cairn::bolt

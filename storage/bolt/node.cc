#include "storage/bolt/node.h"

#include <algorithm>
#include <cassert>
#include <iterator>
#include <vector>

#include "storage/bolt/bucket.h"
#include "storage/bolt/tx.h"

namespace cairn::bolt {
namespace {

constexpr size_t kMinKeysPerPage = 2;

std::vector<INode>::iterator LowerBound(std::vector<INode>& inodes, std::string_view key) {
  return std::lower_bound(inodes.begin(), inodes.end(), key,
                          [](const INode& in, std::string_view k) { return in.key < k; });
}

}  // namespace

void Node::Read(PageView page) {
  pgid = page.id();
  is_leaf = page.is_leaf();
  size_t n = page.count();
  inodes.resize(n);
  for (size_t i = 0; i < n; ++i) {
    INode& in = inodes[i];
    if (is_leaf) {
      in.flags = page.leaf_flags(i);
      in.key = page.leaf_key(i);
      in.value = page.leaf_value(i);
    } else {
      in.pgid = page.branch_pgid(i);
      in.key = page.branch_key(i);
    }
    assert(!in.key.empty() && "bolt: empty key in page");
  }
  key = inodes.empty() ? std::string_view() : inodes[0].key;
}

size_t Node::Size() const {
  size_t size = kPageHeaderBytes;
  for (const INode& in : inodes) size += kElementBytes + in.key.size() + in.value.size();
  return size;
}

Node* Node::Root() {
  Node* n = this;
  while (n->parent != nullptr) n = n->parent;
  return n;
}

Node* Node::ChildAt(size_t index) {
  assert(!is_leaf && index < inodes.size());
  return bucket->NodeFor(inodes[index].pgid, this);
}

size_t Node::ChildIndex(const Node* child) const {
  auto it = std::lower_bound(inodes.begin(), inodes.end(), child->key,
                             [](const INode& in, std::string_view k) { return in.key < k; });
  return static_cast<size_t>(it - inodes.begin());
}

Node* Node::NextSibling() {
  if (parent == nullptr) return nullptr;
  size_t index = parent->ChildIndex(this);
  if (index + 1 >= parent->inodes.size()) return nullptr;
  return parent->ChildAt(index + 1);
}

Node* Node::PrevSibling() {
  if (parent == nullptr) return nullptr;
  size_t index = parent->ChildIndex(this);
  if (index == 0) return nullptr;
  return parent->ChildAt(index - 1);
}

void Node::RemoveChild(const Node* child) {
  auto it = std::find(children.begin(), children.end(), child);
  if (it != children.end()) children.erase(it);
}

void Node::Put(std::string_view old_key, std::string_view new_key, std::string_view value, PageId child_pgid,
               uint32_t flags) {
  assert(!old_key.empty() && !new_key.empty());
  auto it = LowerBound(inodes, old_key);
  if (it == inodes.end() || it->key != old_key) it = inodes.insert(it, INode{});
  it->flags = flags;
  it->key = new_key;
  it->value = value;
  it->pgid = child_pgid;
}

void Node::Del(std::string_view k) {
  auto it = LowerBound(inodes, k);
  if (it == inodes.end() || it->key != k) return;
  inodes.erase(it);
  unbalanced = true;
}

void Node::Write(char* page) const {
  assert(inodes.size() < 0xFFFF && "bolt: too many elements for one page");
  Store<uint16_t>(page + 8, is_leaf ? kLeafPage : kBranchPage);
  Store<uint16_t>(page + 10, static_cast<uint16_t>(inodes.size()));
  char* data = page + kPageHeaderBytes + kElementBytes * inodes.size();
  for (size_t i = 0; i < inodes.size(); ++i) {
    const INode& in = inodes[i];
    char* elem = page + kPageHeaderBytes + kElementBytes * i;
    auto pos = static_cast<uint32_t>(data - elem);
    if (is_leaf) {
      Store(elem, LeafElement{in.flags, pos, static_cast<uint32_t>(in.key.size()),
                              static_cast<uint32_t>(in.value.size())});
    } else {
      assert(in.pgid != Load<PageId>(page) && "bolt: branch points at itself");
      Store(elem, BranchElement{pos, static_cast<uint32_t>(in.key.size()), in.pgid});
    }
    std::memcpy(data, in.key.data(), in.key.size());
    data += in.key.size();
    if (is_leaf && !in.value.empty()) {
      std::memcpy(data, in.value.data(), in.value.size());
      data += in.value.size();
    }
  }
}

// Cuts this node into page-sized nodes by bbolt's rule: each cut comes at the
// first element that would push a node past fill_percent of a page, keeping at
// least kMinKeysPerPage elements on both sides; what remains stays whole once
// it is smaller than a page or has at most 2 * kMinKeysPerPage elements.
// All cuts are found in one pass and each slice is moved once, so splitting m
// elements costs O(m); cutting one node at a time copied the whole tail at
// every cut, O(m^2) for the huge nodes of a large transaction (defrag).
std::vector<Node*> Node::Split(size_t page_size) {
  const double fill = std::clamp(bucket->fill_percent(), 0.1, 1.0);
  const auto threshold = static_cast<size_t>(static_cast<double>(page_size) * fill);
  auto elem_bytes = [this](size_t i) {
    return kElementBytes + inodes[i].key.size() + inodes[i].value.size();
  };

  const size_t end = inodes.size();
  size_t begin = 0;
  size_t remaining_bytes = Size();  // page header + elements [begin, end)
  std::vector<size_t> cuts;         // first element of each node after this one
  while (end - begin > kMinKeysPerPage * 2 && remaining_bytes >= page_size) {
    size_t cut = begin;
    size_t size = kPageHeaderBytes;
    for (size_t i = begin; i < end - kMinKeysPerPage; ++i) {
      cut = i;
      const size_t elem = elem_bytes(i);
      if (i - begin >= kMinKeysPerPage && size + elem > threshold) break;
      size += elem;
    }
    cuts.push_back(cut);
    for (size_t i = begin; i < cut; ++i) remaining_bytes -= elem_bytes(i);
    begin = cut;
  }

  std::vector<Node*> nodes{this};
  if (cuts.empty()) return nodes;
  if (parent == nullptr) {
    parent = bucket->tx()->NewNode();
    parent->bucket = bucket;
    parent->is_leaf = false;
    parent->children.push_back(this);
  }
  for (size_t k = 0; k < cuts.size(); ++k) {
    const size_t from = cuts[k];
    const size_t to = k + 1 < cuts.size() ? cuts[k + 1] : end;
    Node* next = bucket->tx()->NewNode();
    next->bucket = bucket;
    next->is_leaf = is_leaf;
    next->parent = parent;
    parent->children.push_back(next);
    next->inodes.assign(std::make_move_iterator(inodes.begin() + static_cast<ptrdiff_t>(from)),
                        std::make_move_iterator(inodes.begin() + static_cast<ptrdiff_t>(to)));
    nodes.push_back(next);
  }
  inodes.resize(cuts[0]);
  return nodes;
}

void Node::Free() {
  if (pgid == 0) return;
  bucket->tx()->FreePage(pgid);
  pgid = 0;
}

Status Node::Spill() {
  if (spilled) return Status::Ok();
  Tx* tx = bucket->tx();
  // Children first, in key order; splitting may append new siblings, which
  // are spilled already.
  auto first_key = [](const Node* n) { return n->inodes.empty() ? n->key : n->inodes[0].key; };
  std::sort(children.begin(), children.end(),
            [&](const Node* a, const Node* b) { return first_key(a) < first_key(b); });
  for (size_t i = 0; i < children.size(); ++i) CAIRN_RETURN_IF_ERROR(children[i]->Spill());
  children.clear();

  size_t page_size = tx->page_size();
  for (Node* n : Split(page_size)) {
    n->Free();  // copy-on-write: the old page becomes pending
    char* page = nullptr;
    CAIRN_RETURN_IF_ERROR(tx->Allocate((n->Size() + page_size - 1) / page_size, &page));
    n->pgid = Load<PageId>(page);
    n->Write(page);
    n->spilled = true;
    if (n->parent != nullptr) {
      std::string_view k = n->key.empty() ? n->inodes[0].key : n->key;
      n->parent->Put(k, n->inodes[0].key, {}, n->pgid, 0);
      n->key = n->inodes[0].key;
    }
  }
  // A parent created by the split (no page yet) must be spilled too.
  if (parent != nullptr && parent->pgid == 0) {
    children.clear();
    return parent->Spill();
  }
  return Status::Ok();
}

void Node::Rebalance() {
  if (!unbalanced) return;
  unbalanced = false;
  size_t threshold = bucket->tx()->page_size() / 4;
  if (Size() > threshold && inodes.size() > MinKeys()) return;

  if (parent == nullptr) {
    // A root branch with one child collapses into that child.
    if (!is_leaf && inodes.size() == 1) {
      Node* child = bucket->NodeFor(inodes[0].pgid, this);
      is_leaf = child->is_leaf;
      inodes = std::move(child->inodes);
      children = std::move(child->children);
      for (const INode& in : inodes) {
        auto it = bucket->nodes_.find(in.pgid);
        if (it != bucket->nodes_.end()) it->second->parent = this;
      }
      child->parent = nullptr;
      bucket->nodes_.erase(child->pgid);
      child->Free();
    }
    return;
  }

  if (inodes.empty()) {
    parent->Del(key);
    parent->RemoveChild(this);
    bucket->nodes_.erase(pgid);
    Free();
    parent->Rebalance();
    return;
  }

  assert(parent->inodes.size() > 1 && "bolt: parent must have at least 2 children");
  auto adopt = [this](const std::vector<INode>& from, Node* new_parent) {
    for (const INode& in : from) {
      auto it = bucket->nodes_.find(in.pgid);
      if (it == bucket->nodes_.end()) continue;
      Node* child = it->second;
      child->parent->RemoveChild(child);
      child->parent = new_parent;
      new_parent->children.push_back(child);
    }
  };
  if (parent->ChildIndex(this) == 0) {
    // Merge the next sibling into this node.
    Node* target = NextSibling();
    if (!target->is_leaf) adopt(target->inodes, this);
    inodes.insert(inodes.end(), target->inodes.begin(), target->inodes.end());
    parent->Del(target->key);
    parent->RemoveChild(target);
    bucket->nodes_.erase(target->pgid);
    target->Free();
  } else {
    // Merge this node into the previous sibling.
    Node* target = PrevSibling();
    if (!is_leaf) adopt(inodes, target);
    target->inodes.insert(target->inodes.end(), inodes.begin(), inodes.end());
    parent->Del(key);
    parent->RemoveChild(this);
    bucket->nodes_.erase(pgid);
    Free();
  }
  parent->Rebalance();
}

}  // namespace cairn::bolt

#include "storage/bolt/check.h"

#include <algorithm>
#include <string>
#include <vector>

namespace cairn::bolt {
namespace {

class Walker {
 public:
  Walker(const Tx& tx, DbStats* stats) : tx_(tx), meta_(tx.meta()), ps_(meta_.page_size), stats_(stats) {
    state_.assign(meta_.pgid, kUnseen);
  }

  Status Run() {
    Mark(0, 0);
    Mark(1, 0);
    if (meta_.freelist != kNoFreelist) CheckFreelist();
    CheckBucketPages(meta_.root.root, "root");
    if (meta_.freelist != kNoFreelist) {
      for (PageId id = 0; id < meta_.pgid; ++id) {
        if (state_[id] == kUnseen) Error("page " + std::to_string(id) + ": unreachable unfreed");
      }
    }
    if (errors_.empty()) return Status::Ok();
    std::string msg = tx_.db()->path() + ": " + std::to_string(errors_total_) + " problem(s):";
    for (const std::string& e : errors_) msg += " " + e + ";";
    return Status::Corruption(msg);
  }

 private:
  enum State : uint8_t { kUnseen, kReachable, kFree };

  void Error(std::string e) {
    ++errors_total_;
    if (errors_.size() < 20) errors_.push_back(std::move(e));
  }

  // A page image in the mapping, or invalid if [id, id + pages) is out of bounds.
  PageView PageAt(PageId id) {
    if (id >= meta_.pgid || (id + 1) * uint64_t{ps_} > tx_.mapping().size()) return PageView();
    PageView p(tx_.mapping().data() + id * ps_);
    uint64_t end = id + uint64_t{p.overflow()} + 1;
    if (end > meta_.pgid || end * ps_ > tx_.mapping().size()) return PageView();
    return p;
  }

  void Mark(PageId id, uint32_t overflow) {
    for (uint64_t k = 0; k <= overflow; ++k) {
      PageId p = id + k;
      if (p >= meta_.pgid) {
        Error("page " + std::to_string(p) + ": out of bounds: " + std::to_string(meta_.pgid));
        return;
      }
      if (state_[p] == kReachable) Error("page " + std::to_string(p) + ": multiple references");
      if (state_[p] == kFree) Error("page " + std::to_string(p) + ": reachable and freed");
      state_[p] = kReachable;
    }
  }

  void CheckFreelist() {
    PageView p = PageAt(meta_.freelist);
    if (!p.valid() || (p.flags() & kFreelistPage) == 0) {
      Error("freelist page " + std::to_string(meta_.freelist) + ": missing or not a freelist page");
      return;
    }
    Mark(meta_.freelist, p.overflow());
    if (stats_ != nullptr) stats_->freelist_pages = uint64_t{p.overflow()} + 1;
    Freelist fl;
    Status s = fl.Read(p.data(), (uint64_t{p.overflow()} + 1) * ps_);
    if (!s.ok()) {
      Error(s.message());
      return;
    }
    for (PageId id : fl.AllIds()) {
      if (id < 2 || id >= meta_.pgid) {
        Error("freelist: page " + std::to_string(id) + " out of bounds");
      } else if (state_[id] == kFree) {
        Error("page " + std::to_string(id) + ": already freed");
      } else if (state_[id] == kReachable) {
        Error("page " + std::to_string(id) + ": reachable and freed");
      } else {
        state_[id] = kFree;
      }
    }
  }

  // Checks that element i's bytes lie inside the page image of `bytes` bytes.
  bool ElementInBounds(PageView p, size_t i, size_t bytes, bool leaf) {
    size_t elem_off = kPageHeaderBytes + i * kElementBytes;
    if (elem_off + kElementBytes > bytes) return false;
    uint64_t end;
    if (leaf) {
      LeafElement e = p.leaf(i);
      end = elem_off + uint64_t{e.pos} + e.ksize + e.vsize;
    } else {
      BranchElement e = p.branch(i);
      end = elem_off + uint64_t{e.pos} + e.ksize;
    }
    return end <= bytes;
  }

  // Walks a bucket's page tree in key order.
  void CheckBucketPages(PageId root, const std::string& where) {
    std::string last_key;
    bool have_last = false;
    CheckPage(root, where, &last_key, &have_last, 0);
  }

  void CheckPage(PageId id, const std::string& where, std::string* last_key, bool* have_last, int depth) {
    if (depth > 64) {
      Error(where + ": tree deeper than 64 levels at page " + std::to_string(id));
      return;
    }
    PageView p = PageAt(id);
    if (!p.valid()) {
      Error("page " + std::to_string(id) + ": out of bounds: " + std::to_string(meta_.pgid) + " (" + where +
            ")");
      return;
    }
    if (p.id() != id) Error("page " + std::to_string(id) + ": header says id " + std::to_string(p.id()));
    Mark(id, p.overflow());
    if (state_[id] != kReachable) return;
    size_t bytes = (uint64_t{p.overflow()} + 1) * ps_;
    if (stats_ != nullptr) stats_->overflow_pages += p.overflow();
    if (p.is_branch()) {
      if (stats_ != nullptr) ++stats_->branch_pages;
      if (p.count() == 0) Error("page " + std::to_string(id) + ": empty branch");
      std::string prev;
      for (size_t i = 0; i < p.count(); ++i) {
        if (!ElementInBounds(p, i, bytes, false)) {
          Error("page " + std::to_string(id) + ": element " + std::to_string(i) + " out of bounds");
          return;
        }
        std::string k(p.branch_key(i));
        if (i > 0 && !(prev < k)) Error("page " + std::to_string(id) + ": branch keys out of order");
        prev = k;
        CheckPage(p.branch_pgid(i), where, last_key, have_last, depth + 1);
      }
    } else if (p.is_leaf()) {
      if (stats_ != nullptr) ++stats_->leaf_pages;
      CheckLeaf(p, bytes, where, last_key, have_last, depth);
    } else {
      Error("page " + std::to_string(id) + ": invalid page type 0x" + std::to_string(p.flags()) + " (" +
            where + ")");
    }
  }

  void CheckLeaf(PageView p, size_t bytes, const std::string& where, std::string* last_key, bool* have_last,
                 int depth) {
    for (size_t i = 0; i < p.count(); ++i) {
      if (!ElementInBounds(p, i, bytes, true)) {
        Error(where + ": leaf page " + std::to_string(p.id()) + " element " + std::to_string(i) +
              " out of bounds");
        return;
      }
      std::string_view k = p.leaf_key(i);
      if (k.empty()) Error(where + ": empty key in page " + std::to_string(p.id()));
      if (*have_last && !(*last_key < k)) {
        Error(where + ": keys out of order at page " + std::to_string(p.id()) + " element " +
              std::to_string(i));
      }
      last_key->assign(k);
      *have_last = true;
      if ((p.leaf_flags(i) & kBucketLeafFlag) == 0) {
        if (stats_ != nullptr) ++stats_->keys;
        continue;
      }
      std::string_view v = p.leaf_value(i);
      if (v.size() < kBucketHeaderBytes) {
        Error(where + ": bucket value shorter than its header");
        continue;
      }
      if (stats_ != nullptr) ++stats_->buckets;
      auto h = Load<BucketHeader>(v.data());
      std::string child_where = where + "/" + std::string(k.substr(0, 64));
      if (h.root != 0) {
        CheckBucketPages(h.root, child_where);
        continue;
      }
      if (stats_ != nullptr) ++stats_->inline_buckets;
      // Inline bucket: a leaf page image inside the value, holding no buckets.
      PageView inl(v.data() + kBucketHeaderBytes);
      size_t inl_bytes = v.size() - kBucketHeaderBytes;
      if (inl_bytes < kPageHeaderBytes || !inl.is_leaf()) {
        Error(child_where + ": inline bucket is not a leaf page");
        continue;
      }
      std::string inl_last;
      bool inl_have = false;
      for (size_t j = 0; j < inl.count(); ++j) {
        if (!ElementInBounds(inl, j, inl_bytes, true)) {
          Error(child_where + ": inline element out of bounds");
          break;
        }
        std::string_view ik = inl.leaf_key(j);
        if (inl_have && !(inl_last < ik)) Error(child_where + ": inline keys out of order");
        inl_last.assign(ik);
        inl_have = true;
        if ((inl.leaf_flags(j) & kBucketLeafFlag) != 0) {
          Error(child_where + ": inline bucket holds a bucket");
        } else if (stats_ != nullptr) {
          ++stats_->keys;
        }
      }
    }
  }

  const Tx& tx_;
  const Meta meta_;
  const uint64_t ps_;
  DbStats* stats_;
  std::vector<uint8_t> state_;
  std::vector<std::string> errors_;
  size_t errors_total_ = 0;
};

}  // namespace

Status WalkSnapshot(const Tx& tx, DbStats* stats) { return Walker(tx, stats).Run(); }

Status DB::Check() {
  std::unique_ptr<Tx> tx;
  CAIRN_RETURN_IF_ERROR(Begin(false, &tx));
  return WalkSnapshot(*tx, nullptr);
}

Status DB::Stats(DbStats* out, bool walk_pages) {
  std::unique_ptr<Tx> tx;
  CAIRN_RETURN_IF_ERROR(Begin(false, &tx));
  *out = DbStats();
  out->page_bytes = page_size_;
  out->txid = tx->id();
  out->high_water_bytes = tx->size_bytes();
  CAIRN_RETURN_IF_ERROR(file_->Size(&out->file_bytes));
  {
    std::lock_guard lock(mu_);
    out->free_pages = free_pages_;
    out->pending_pages = pending_pages_;
  }
  out->in_use_bytes = out->high_water_bytes - std::min(out->high_water_bytes, out->free_pages * page_size_);
  if (walk_pages) {
    (void)WalkSnapshot(*tx, out);  // counts are best effort on a damaged file; Check() reports damage
    out->walked = true;
  }
  return Status::Ok();
}

}  // namespace cairn::bolt

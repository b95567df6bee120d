#include "storage/bolt/compact.h"

#include <vector>

namespace cairn::bolt {
namespace {

class Copier {
 public:
  Copier(DB* dst, const CompactOptions& options) : dst_(dst), options_(options) {}

  Status Begin() { return dst_->Begin(true, &tx_); }
  Status Finish() { return tx_->Commit(); }

  // Copies src (at path_ in the destination) recursively.
  Status CopyBucket(Bucket* src) {
    Bucket* dst = nullptr;
    CAIRN_RETURN_IF_ERROR(Resolve(&dst));
    CAIRN_RETURN_IF_ERROR(dst->SetSequence(src->Sequence()));
    Cursor c = src->NewCursor();
    for (bool ok = c.First(); ok; ok = c.Next()) {
      if (c.is_bucket()) {
        path_.emplace_back(c.key());
        CAIRN_RETURN_IF_ERROR(Resolve(&dst, /*create_last=*/true));
        CAIRN_RETURN_IF_ERROR(CopyBucket(src->Nested(c.key())));
        path_.pop_back();
        CAIRN_RETURN_IF_ERROR(Resolve(&dst));
        continue;
      }
      CAIRN_RETURN_IF_ERROR(dst->Put(c.key(), c.value()));
      bytes_ += c.key().size() + c.value().size();
      if (bytes_ >= options_.tx_bytes_max) {
        CAIRN_RETURN_IF_ERROR(tx_->Commit());
        CAIRN_RETURN_IF_ERROR(dst_->Begin(true, &tx_));
        bytes_ = 0;
        CAIRN_RETURN_IF_ERROR(Resolve(&dst));
      }
    }
    return Status::Ok();
  }

  std::vector<std::string> path_;

 private:
  // The destination bucket at path_ in the current transaction.
  Status Resolve(Bucket** out, bool create_last = false) {
    Bucket* b = tx_->Root();
    for (size_t i = 0; i < path_.size(); ++i) {
      Bucket* next = b->Nested(path_[i]);
      if (next == nullptr) {
        if (!(create_last && i + 1 == path_.size()))
          return Status::NotFound("compact: lost destination bucket");
        CAIRN_RETURN_IF_ERROR(b->CreateBucket(path_[i], &next));
      }
      b = next;
      b->set_fill_percent(options_.fill_percent);
    }
    b->set_fill_percent(options_.fill_percent);
    *out = b;
    return Status::Ok();
  }

  DB* dst_;
  CompactOptions options_;
  std::unique_ptr<Tx> tx_;
  uint64_t bytes_ = 0;
};

}  // namespace

Status CompactInto(DB* src, io::Env* env, const std::string& dst_path, const CompactOptions& options) {
  Options dst_options = src->options();
  dst_options.page_size = src->page_size();
  dst_options.no_sync = !options.sync;
  dst_options.fill_percent = options.fill_percent;
  std::unique_ptr<DB> dst;
  CAIRN_RETURN_IF_ERROR(DB::Open(env, dst_path, dst_options, &dst));
  std::unique_ptr<Tx> src_tx;
  CAIRN_RETURN_IF_ERROR(src->Begin(false, &src_tx));
  Copier copier(dst.get(), options);
  CAIRN_RETURN_IF_ERROR(copier.Begin());
  CAIRN_RETURN_IF_ERROR(copier.CopyBucket(src_tx->Root()));
  return copier.Finish();
}

}  // namespace cairn::bolt

#include "storage/backend/bolt_store.h"

#include <cstdio>
#include <cstdlib>

namespace cairn::backend {

BoltReadView::BoltReadView(std::shared_ptr<bolt::DB> db, std::unique_ptr<bolt::Tx> tx)
    : db_(std::move(db)), tx_(std::move(tx)) {}

BoltReadView::~BoltReadView() {
  tx_.reset();  // bolt: every Tx ends before its DB
  db_.reset();
}

void BoltReadView::UnsafeRange(std::string_view bucket, std::string_view key, std::string_view end,
                               int64_t limit, std::vector<std::string_view>* keys,
                               std::vector<std::string_view>* values) const {
  std::lock_guard<std::recursive_mutex> g(mu_);
  bolt::Bucket* b = tx_->Bucket(bucket);
  if (b == nullptr) return;
  bolt::Cursor c = b->NewCursor();
  if (end.empty()) {  // exactly `key`; views point into the mmap, not at the caller's bytes
    if (!c.Seek(key) || c.key() != key || c.is_bucket()) return;
    if (keys) keys->push_back(c.key());
    if (values) values->push_back(c.value());
    return;
  }
  int64_t n = 0;
  for (bool ok = c.Seek(key); ok && c.key() < end; ok = c.Next()) {
    if (c.is_bucket()) continue;
    if (limit > 0 && n >= limit) break;
    if (keys) keys->push_back(c.key());
    if (values) values->push_back(c.value());
    ++n;
  }
}

void BoltReadView::UnsafeForEach(std::string_view bucket, const KvVisitor& visit) const {
  std::lock_guard<std::recursive_mutex> g(mu_);
  bolt::Bucket* b = tx_->Bucket(bucket);
  if (b == nullptr) return;
  bolt::Cursor c = b->NewCursor();
  for (bool ok = c.First(); ok; ok = c.Next()) {
    if (c.is_bucket()) continue;
    if (!visit(c.key(), c.value())) return;
  }
}

std::vector<std::string> BoltReadView::BucketNames() const {
  std::lock_guard<std::recursive_mutex> g(mu_);
  std::vector<std::string> out;
  bolt::Cursor c = tx_->Root()->NewCursor();
  for (bool ok = c.First(); ok; ok = c.Next()) out.emplace_back(c.key());
  return out;
}

Status BoltStore::Open(io::Env* env, const std::string& path, BoltStoreOptions options,
                       std::unique_ptr<BoltStore>* out) {
  std::unique_ptr<BoltStore> s(new BoltStore(env, path, std::move(options)));
  bool stale = false;
  CAIRN_RETURN_IF_ERROR(env->Exists(s->temp_path(), &stale));
  if (stale) CAIRN_RETURN_IF_ERROR(env->Remove(s->temp_path()));
  std::unique_ptr<bolt::DB> db;
  CAIRN_RETURN_IF_ERROR(bolt::DB::Open(env, path, s->options_.bolt, &db));
  s->db_ = std::move(db);
  s->RefreshSizes(s->db_.get());
  *out = std::move(s);
  return Status::Ok();
}

BoltStore::~BoltStore() = default;

std::shared_ptr<bolt::DB> BoltStore::db() const {
  std::lock_guard<std::mutex> g(db_mu_);
  return db_;
}

Status BoltStore::BeginRead(std::unique_ptr<BoltReadView>* out) {
  std::shared_ptr<bolt::DB> db = this->db();
  std::unique_ptr<bolt::Tx> tx;
  CAIRN_RETURN_IF_ERROR(db->Begin(false, &tx));
  *out = std::make_unique<BoltReadView>(std::move(db), std::move(tx));
  return Status::Ok();
}

std::unique_ptr<ReadView> BoltStore::Snapshot() {
  std::unique_ptr<BoltReadView> view;
  Status s = BeginRead(&view);
  if (!s.ok()) {
    std::fprintf(stderr, "backend: fatal: cannot begin bolt read transaction on %s: %s\n", path_.c_str(),
                 s.ToString().c_str());
    std::abort();
  }
  return view;
}

Status BoltStore::Apply(const WriteBatch& batch) {
  std::lock_guard<std::mutex> w(writer_mu_);
  if (batch.empty()) return Status::Ok();
  std::shared_ptr<bolt::DB> db = this->db();
  std::unique_ptr<bolt::Tx> tx;
  CAIRN_RETURN_IF_ERROR(db->Begin(true, &tx));
  for (const std::string& name : batch.created_buckets)
    CAIRN_RETURN_IF_ERROR(tx->CreateBucketIfNotExists(name));
  for (const auto& [name, kvs] : batch.ops) {
    if (kvs.empty()) continue;
    bolt::Bucket* b = tx->Bucket(name);
    if (b == nullptr) return Status::InvalidArgument("backend: write to missing bucket " + name);
    if (options_.seq_buckets.count(name)) b->set_fill_percent(kSeqPutFillPercent);
    for (const auto& [k, v] : kvs) {
      CAIRN_RETURN_IF_ERROR(v ? b->Put(k, *v) : b->Delete(k));
    }
  }
  CAIRN_RETURN_IF_ERROR(tx->Commit());  // pages, fdatasync, meta, fdatasync
  tx.reset();
  RefreshSizes(db.get());
  return Status::Ok();
}

void BoltStore::RefreshSizes(bolt::DB* db) {
  bolt::DbStats st;
  if (!db->Stats(&st, /*walk_pages=*/false).ok()) return;
  size_bytes_.store(static_cast<int64_t>(st.high_water_bytes));
  size_in_use_bytes_.store(static_cast<int64_t>(st.in_use_bytes));
}

}  // namespace cairn::backend

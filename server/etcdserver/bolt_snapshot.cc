#include "server/etcdserver/bolt_snapshot.h"

#include <unistd.h>

#include "storage/bolt/db.h"
#include "storage/bolt/tx.h"

namespace cairn::etcdserver {

Status WriteBoltSnapshot(const backend::ReadView& view, const std::string& path) {
  unlink(path.c_str());
  bolt::Options options;
  options.no_sync = true;
  std::unique_ptr<bolt::DB> db;
  CAIRN_RETURN_IF_ERROR(bolt::DB::Open(io::DefaultEnv(), path, options, &db));
  std::unique_ptr<bolt::Tx> tx;
  CAIRN_RETURN_IF_ERROR(db->Begin(true, &tx));
  for (const std::string& name : view.BucketNames()) {
    bolt::Bucket* bucket = nullptr;
    CAIRN_RETURN_IF_ERROR(tx->CreateBucket(name, &bucket));
    bucket->set_fill_percent(0.9);  // keys arrive in order
    Status st;
    view.UnsafeForEach(name, [&](std::string_view k, std::string_view v) {
      st = bucket->Put(k, v);
      return st.ok();
    });
    CAIRN_RETURN_IF_ERROR(st);
  }
  CAIRN_RETURN_IF_ERROR(tx->Commit());
  tx.reset();
  db.reset();
  return Status::Ok();
}

}  // namespace cairn::etcdserver

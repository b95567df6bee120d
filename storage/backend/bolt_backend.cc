#include "storage/backend/bolt_backend.h"

namespace cairn::backend {

Status OpenBoltBackend(io::Env* env, const std::string& path, const BoltBackendOptions& options,
                       std::unique_ptr<BufferedBackend>* out) {
  std::unique_ptr<BoltStore> store;
  CAIRN_RETURN_IF_ERROR(BoltStore::Open(env, path, options.store, &store));
  BufferedBackendOptions buffered;
  buffered.batch_limit = options.batch_limit;
  buffered.batch_interval = options.batch_interval;
  if (options.clock) buffered.clock = options.clock;
  *out = std::make_unique<BufferedBackend>(std::move(store), std::move(buffered));
  return Status::Ok();
}

BoltStore* BoltStoreOf(BufferedBackend* backend) {
  return dynamic_cast<BoltStore*>(backend->committed_store());
}

Status DefragmentBoltBackend(BufferedBackend* backend, DefragResult* result) {
  BoltStore* store = BoltStoreOf(backend);
  if (store == nullptr) return Status::InvalidArgument("backend: defragment needs a bolt backend");
  CAIRN_RETURN_IF_ERROR(backend->ForceCommit());
  return store->Defragment(result);
}

}  // namespace cairn::backend

#include "server/etcdserver/errors.h"

#include "storage/mvcc/errors.h"

namespace cairn::etcdserver {

Status ToEtcdError(const Status& s) {
  if (s.ok()) return s;
  const std::string& m = s.message();
  if (m == mvcc::kErrCompacted) return EtcdError(kErrCompacted);
  if (m == mvcc::kErrFutureRev) return EtcdError(kErrFutureRev);
  if (m == mvcc::kErrLeaseNotFound) return EtcdError(kErrLeaseNotFound);
  if (m == mvcc::kErrLeaseExists) return EtcdError(kErrLeaseExist);
  if (m == mvcc::kErrLeaseTTLTooLarge) return EtcdError(kErrLeaseTTLTooLarge);
  return s;
}

}  // namespace cairn::etcdserver

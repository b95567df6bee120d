#include "server/api/rpc_errors.h"

#include <gtest/gtest.h>

#include "server/etcdserver/errors.h"
#include "storage/mvcc/errors.h"

namespace cairn::api {
namespace {

void ExpectGrpc(const Status& in, grpc::StatusCode code, const std::string& message) {
  grpc::Status g = ToGrpcStatus(in);
  EXPECT_EQ(g.error_code(), code) << in.message();
  EXPECT_EQ(g.error_message(), message);
}

// etcd rpctypes/error.go: the codes and texts clients match on.
TEST(RpcErrorsTest, EtcdTable) {
  ExpectGrpc(etcdserver::EtcdError(etcdserver::kErrEmptyKey), grpc::StatusCode::INVALID_ARGUMENT,
             "etcdserver: key is not provided");
  ExpectGrpc(etcdserver::EtcdError(etcdserver::kErrRequestTooLarge), grpc::StatusCode::INVALID_ARGUMENT,
             "etcdserver: request is too large");
  ExpectGrpc(etcdserver::EtcdError(etcdserver::kErrTooManyOps), grpc::StatusCode::INVALID_ARGUMENT,
             "etcdserver: too many operations in txn request");
  ExpectGrpc(etcdserver::EtcdError(etcdserver::kErrNoSpace), grpc::StatusCode::RESOURCE_EXHAUSTED,
             "etcdserver: mvcc: database space exceeded");
  ExpectGrpc(etcdserver::EtcdError(etcdserver::kErrTimeout), grpc::StatusCode::UNAVAILABLE,
             "etcdserver: request timed out");
}

// Errors of the layers below are translated first (etcd togRPCError).
TEST(RpcErrorsTest, MvccAndLessorErrorsAreTranslated) {
  ExpectGrpc(mvcc::ErrCompacted(), grpc::StatusCode::OUT_OF_RANGE,
             "etcdserver: mvcc: required revision has been compacted");
  ExpectGrpc(mvcc::ErrFutureRev(), grpc::StatusCode::OUT_OF_RANGE,
             "etcdserver: mvcc: required revision is a future revision");
  ExpectGrpc(mvcc::ErrKeyNotFound(), grpc::StatusCode::INVALID_ARGUMENT, "etcdserver: key not found");
  ExpectGrpc(mvcc::ErrDuplicateKey(), grpc::StatusCode::INVALID_ARGUMENT,
             "etcdserver: duplicate key given in txn request");
  ExpectGrpc(mvcc::ErrLeaseNotFound(), grpc::StatusCode::NOT_FOUND, "etcdserver: requested lease not found");
  ExpectGrpc(mvcc::ErrLeaseExists(), grpc::StatusCode::FAILED_PRECONDITION,
             "etcdserver: lease already exists");
  ExpectGrpc(mvcc::ErrLeaseTTLTooLarge(), grpc::StatusCode::OUT_OF_RANGE, "etcdserver: too large lease TTL");
}

TEST(RpcErrorsTest, UnknownTextsAreUnknownAndOkIsOk) {
  ExpectGrpc(Status::IOError("disk on fire"), grpc::StatusCode::UNKNOWN, "disk on fire");
  EXPECT_TRUE(ToGrpcStatus(Status::Ok()).ok());
}

}  // namespace
}  // namespace cairn::api

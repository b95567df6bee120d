#include "server/api/rpc_errors.h"

#include <string_view>
#include <unordered_map>

#include "server/etcdserver/errors.h"

namespace cairn::api {
namespace {

using C = grpc::StatusCode;

const std::unordered_map<std::string_view, C>& Table() {
  static const auto* table = new std::unordered_map<std::string_view, C>{
      {"etcdserver: key is not provided", C::INVALID_ARGUMENT},
      {"etcdserver: key not found", C::INVALID_ARGUMENT},
      {"etcdserver: value is provided", C::INVALID_ARGUMENT},
      {"etcdserver: lease is provided", C::INVALID_ARGUMENT},
      {"etcdserver: too many operations in txn request", C::INVALID_ARGUMENT},
      {"etcdserver: duplicate key given in txn request", C::INVALID_ARGUMENT},
      {"etcdserver: mvcc: required revision has been compacted", C::OUT_OF_RANGE},
      {"etcdserver: mvcc: required revision is a future revision", C::OUT_OF_RANGE},
      {"etcdserver: mvcc: database space exceeded", C::RESOURCE_EXHAUSTED},
      {"etcdserver: requested lease not found", C::NOT_FOUND},
      {"etcdserver: lease already exists", C::FAILED_PRECONDITION},
      {"etcdserver: too large lease TTL", C::OUT_OF_RANGE},
      {"etcdserver: watch canceled", C::CANCELLED},
      {"etcdserver: member ID already exist", C::FAILED_PRECONDITION},
      {"etcdserver: Peer URLs already exists", C::FAILED_PRECONDITION},
      {"etcdserver: member not found", C::NOT_FOUND},
      {"etcdserver: re-configuration failed due to not enough started members", C::FAILED_PRECONDITION},
      {"etcdserver: given member URLs are invalid", C::INVALID_ARGUMENT},
      {"etcdserver: can only promote a learner member", C::FAILED_PRECONDITION},
      {"etcdserver: can only promote a learner member which is in sync with leader", C::FAILED_PRECONDITION},
      {"etcdserver: too many learner members in cluster", C::FAILED_PRECONDITION},
      {"etcdserver: rpc not supported for learner", C::UNAVAILABLE},
      {"etcdserver: bad leader transferee", C::FAILED_PRECONDITION},
      {"etcdserver: request timed out, leader transfer took too long", C::DEADLINE_EXCEEDED},
      {"etcdserver: request is too large", C::INVALID_ARGUMENT},
      {"etcdserver: too many requests", C::RESOURCE_EXHAUSTED},
      {"etcdserver: permission denied", C::PERMISSION_DENIED},
      {"etcdserver: authentication is not enabled", C::FAILED_PRECONDITION},
      {"etcdserver: invalid auth token", C::UNAUTHENTICATED},
      {"etcdserver: root user does not exist", C::FAILED_PRECONDITION},
      {"etcdserver: root user does not have root role", C::FAILED_PRECONDITION},
      {"etcdserver: user name already exists", C::FAILED_PRECONDITION},
      {"etcdserver: user name is empty", C::INVALID_ARGUMENT},
      {"etcdserver: user name not found", C::FAILED_PRECONDITION},
      {"etcdserver: role name already exists", C::FAILED_PRECONDITION},
      {"etcdserver: role name not found", C::FAILED_PRECONDITION},
      {"etcdserver: role name is empty", C::INVALID_ARGUMENT},
      {"etcdserver: authentication failed, invalid user ID or password", C::INVALID_ARGUMENT},
      {"etcdserver: role is not granted to the user", C::FAILED_PRECONDITION},
      {"etcdserver: permission is not granted to the role", C::FAILED_PRECONDITION},
      {"etcdserver: invalid auth management", C::INVALID_ARGUMENT},
      {"etcdserver: revision of auth store is old", C::INVALID_ARGUMENT},
      {"etcdserver: no leader", C::UNAVAILABLE},
      {"etcdserver: not leader", C::FAILED_PRECONDITION},
      {"etcdserver: leader changed", C::UNAVAILABLE},
      {"etcdserver: not capable", C::UNAVAILABLE},
      {"etcdserver: server stopped", C::UNAVAILABLE},
      {"etcdserver: request timed out", C::UNAVAILABLE},
      {"etcdserver: request timed out, waiting for the applied index took too long", C::UNAVAILABLE},
      {"etcdserver: unhealthy cluster", C::UNAVAILABLE},
      {"etcdserver: corrupt cluster", C::DATA_LOSS},
  };
  return *table;
}

}  // namespace

grpc::Status ToGrpcStatus(const Status& status) {
  if (status.ok()) return grpc::Status::OK;
  Status etcd = etcdserver::ToEtcdError(status);
  auto it = Table().find(etcd.message());
  if (it != Table().end()) return grpc::Status(it->second, etcd.message());
  return grpc::Status(C::UNKNOWN, etcd.message());
}

grpc::Status ToUntranslatedAuthStatus(const Status& status) {
  static const auto* raw = new std::unordered_map<std::string_view, std::string_view>{
      {etcdserver::kErrPermissionDenied, "auth: permission denied"},
      {etcdserver::kErrUserEmpty, "auth: user name is empty"},
      {etcdserver::kErrUserNotFound, "auth: user not found"},
      {etcdserver::kErrInvalidAuthToken, "auth: invalid auth token"},
      {etcdserver::kErrAuthOldRevision, "auth: revision in header is old"},
  };
  auto it = raw->find(status.message());
  if (it == raw->end()) return ToGrpcStatus(status);
  return grpc::Status(C::UNKNOWN, std::string(it->second));
}

std::string GoGrpcErrorText(const Status& status) {
  static constexpr const char* kNames[] = {
      "OK",       "Canceled",       "Unknown",          "InvalidArgument",   "DeadlineExceeded",
      "NotFound", "AlreadyExists",  "PermissionDenied", "ResourceExhausted", "FailedPrecondition",
      "Aborted",  "OutOfRange",     "Unimplemented",    "Internal",          "Unavailable",
      "DataLoss", "Unauthenticated"};
  grpc::Status g = ToGrpcStatus(status);
  const auto code = static_cast<size_t>(g.error_code());
  const std::string name = code < std::size(kNames) ? kNames[code] : "Code(" + std::to_string(code) + ")";
  return "rpc error: code = " + name + " desc = " + g.error_message();
}

}  // namespace cairn::api

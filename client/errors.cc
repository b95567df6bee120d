#include "client/errors.h"

namespace cairn::client {

const char* GoCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "Canceled";
    case grpc::StatusCode::UNKNOWN: return "Unknown";
    case grpc::StatusCode::INVALID_ARGUMENT: return "InvalidArgument";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DeadlineExceeded";
    case grpc::StatusCode::NOT_FOUND: return "NotFound";
    case grpc::StatusCode::ALREADY_EXISTS: return "AlreadyExists";
    case grpc::StatusCode::PERMISSION_DENIED: return "PermissionDenied";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "ResourceExhausted";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FailedPrecondition";
    case grpc::StatusCode::ABORTED: return "Aborted";
    case grpc::StatusCode::OUT_OF_RANGE: return "OutOfRange";
    case grpc::StatusCode::UNIMPLEMENTED: return "Unimplemented";
    case grpc::StatusCode::INTERNAL: return "Internal";
    case grpc::StatusCode::UNAVAILABLE: return "Unavailable";
    case grpc::StatusCode::DATA_LOSS: return "DataLoss";
    case grpc::StatusCode::UNAUTHENTICATED: return "Unauthenticated";
    default: return "Unknown";
  }
}

std::string GoErrorString(const grpc::Status& status, bool local_deadline) {
  const std::string& msg = status.error_message();
  if (msg.rfind("etcdserver: ", 0) == 0) return msg;  // rpctypes.Error: an EtcdError prints its desc
  if (local_deadline && status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    return "context deadline exceeded";
  }
  if (local_deadline && status.error_code() == grpc::StatusCode::CANCELLED) return "context canceled";
  return std::string("rpc error: code = ") + GoCodeName(status.error_code()) + " desc = " + msg;
}

}  // namespace cairn::client

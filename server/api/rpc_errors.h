// Maps the server core's errors (cairn::Status carrying etcd's text, server/etcdserver/errors.h)
// to grpc::Status with etcd's code and message (etcd api/v3rpc/rpctypes/error.go). Unknown texts
// become codes.Unknown with the text unchanged, as etcd's togRPCError does.
#pragma once

#include <grpcpp/grpcpp.h>

#include "base/status.h"

namespace cairn::api {

grpc::Status ToGrpcStatus(const Status& status);

}  // namespace cairn::api

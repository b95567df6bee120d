// Maps the server core's errors (cairn::Status carrying etcd's text, server/etcdserver/errors.h)
// to grpc::Status with etcd's code and message (etcd api/v3rpc/rpctypes/error.go). Unknown texts
// become codes.Unknown with the text unchanged, as etcd's togRPCError does.
#pragma once

#include <grpcpp/grpcpp.h>

#include "base/status.h"

namespace cairn::api {

grpc::Status ToGrpcStatus(const Status& status);

// etcd's authMaintenanceServer (3.4 and 3.5) returns the auth package's own error untranslated:
// code Unknown, text "auth: permission denied", "auth: user name is empty", "auth: user not found",
// "auth: invalid auth token". Maps the core's etcd texts for those to that form; others as
// ToGrpcStatus.
grpc::Status ToUntranslatedAuthStatus(const Status& status);

// Go's status.Error(...).Error() text of the mapped error: "rpc error: code = PermissionDenied desc
// = etcdserver: permission denied". etcd puts exactly this in a refused watch's cancel_reason.
std::string GoGrpcErrorText(const Status& status);

}  // namespace cairn::api

// The error text clientv3 (and so etcdctl, after "Error: ") shows for a failed RPC.
#pragma once

#include <grpcpp/grpcpp.h>

#include <string>

namespace cairn::client {

// Go's name of a gRPC code ("Unavailable", "DeadlineExceeded", ...).
const char* GoCodeName(grpc::StatusCode code);

// clientv3's toErr: the server's message for etcd errors ("etcdserver: ..."); "context deadline
// exceeded" / "context canceled" when the call's own deadline or cancellation ended it
// (`local_deadline`); otherwise "rpc error: code = <Code> desc = <message>".
std::string GoErrorString(const grpc::Status& status, bool local_deadline = false);

}  // namespace cairn::client

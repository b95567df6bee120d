// gRPC connections to the etcd endpoints, made the way etcd's benchmark makes them: connection i
// dials endpoints[i % len(endpoints)] (or only the leader with --target-leader), each connection
// is its own TCP connection (gRPC's global subchannel sharing is disabled), and "client" j uses
// connection j % conns.
//
// Dialing, TLS, endpoint parsing, authentication and error text come from the client library
// (client/): this file only decides how many connections go where.
//
// Thread-safety: after Open(), all methods are const and safe to call from any thread; the stubs
// are thread-safe gRPC stubs.
#pragma once

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "client/errors.h"
#include "proto/rpc.grpc.pb.h"

namespace cairn::bench {

struct ConnectOptions {
  std::vector<std::string> endpoints = {"127.0.0.1:2379"};
  std::string cert_file;        // --cert
  std::string key_file;         // --key
  std::string cacert_file;      // --cacert
  std::string user;             // --user "name:password"
  int64_t dial_timeout_ns = 0;  // 0: do not wait for the connection before starting
  bool target_leader = false;
};

// One connection and its stubs.
struct Connection {
  std::string endpoint;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<etcdserverpb::KV::Stub> kv;
  std::unique_ptr<etcdserverpb::Lease::Stub> lease;
  std::unique_ptr<etcdserverpb::Watch::Stub> watch;
  std::unique_ptr<etcdserverpb::Maintenance::Stub> maintenance;
};

class Connections {
 public:
  // Dials `count` connections (count >= 1). With --user, authenticates once and attaches the
  // token to every request made through Prepare(). With --dial-timeout, waits that long for each
  // connection to be ready and fails otherwise.
  static Status Open(const ConnectOptions& options, int64_t count, std::unique_ptr<Connections>* out);

  int64_t size() const { return static_cast<int64_t>(conns_.size()); }
  const Connection& at(int64_t i) const { return *conns_[static_cast<size_t>(i)]; }

  // Sets up a ClientContext for a request: auth token metadata, and wait-for-ready like clientv3.
  void Prepare(grpc::ClientContext* context) const;

 private:
  std::vector<std::unique_ptr<Connection>> conns_;
  std::string token_;
};

// The error text etcd's Go client would report for a failed RPC (client/errors.h).
using client::GoErrorString;

}  // namespace cairn::bench

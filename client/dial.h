// One gRPC channel to one endpoint, configured like clientv3's dialer (client/v3/client.go
// dialSetupOpts + credentialsForEndpoint).
//
// TLS rule (etcdctl's newClientCfg, then clientv3's per-endpoint rule): a TLS configuration exists
// when any of --cacert/--cert/--key is given or --insecure-transport=false; an https:// endpoint
// always uses TLS (system roots without a configuration), http:// never does, a bare host:port
// uses TLS exactly when a configuration exists. --insecure-skip-tls-verify turns off the server
// certificate check of a TLS connection (it never turns TLS off).
#pragma once

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <memory>
#include <string>

#include "base/status.h"
#include "client/endpoint.h"

namespace cairn::client {

struct TlsFiles {
  std::string cacert_file;            // --cacert
  std::string cert_file;              // --cert
  std::string key_file;               // --key
  bool insecure_transport = true;     // --insecure-transport
  bool insecure_skip_verify = false;  // --insecure-skip-tls-verify
  // True when a TLS configuration exists (see the rule above).
  bool Configured() const {
    return !cacert_file.empty() || !cert_file.empty() || !key_file.empty() || !insecure_transport;
  }
};

struct DialOptions {
  TlsFiles tls;
  int64_t keepalive_time_ns = 0;     // --keepalive-time; 0: no pings
  int64_t keepalive_timeout_ns = 0;  // --keepalive-timeout
  // Its own TCP connection (gRPC's global subchannel sharing off), tagged so that channels to the
  // same endpoint with different ids never share one: etcd benchmark's one client per connection.
  int own_connection_id = -1;
};

// Reads the TLS files and builds the credentials for `ep`. Unreadable files are IOError
// "open <path>: no such file or directory" like Go's; --cert without --key (or the reverse) is
// InvalidArgument.
Status MakeCredentials(const Endpoint& ep, const TlsFiles& tls,
                       std::shared_ptr<grpc::ChannelCredentials>* out);

// A lazily connecting channel to `ep`.
Status DialChannel(const Endpoint& ep, const DialOptions& options, std::shared_ptr<grpc::Channel>* out);

}  // namespace cairn::client

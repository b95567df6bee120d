// An etcd endpoint as clientv3 reads it (client/v3/internal/endpoint): the gRPC target to dial and
// whether the endpoint requires, drops or leaves optional the TLS configuration.
//
//   https://host:port   TLS required (system roots when no --cacert)
//   http://host:port    plaintext, even if TLS files are given (clientv3's CREDS_DROP)
//   host:port           TLS only if TLS is configured (CREDS_OPTIONAL)
//   unix://path, unix:path       plaintext unix socket;  unixs://path  TLS over a unix socket
#pragma once

#include <string>

#include "base/status.h"

namespace cairn::client {

enum class Creds { kDrop, kOptional, kRequire };

struct Endpoint {
  std::string original;  // as given, e.g. "https://127.0.0.1:2379"
  std::string target;    // gRPC target: "127.0.0.1:2379" or "unix:/path"
  std::string host;      // authority used for TLS name checks ("127.0.0.1" / "localhost")
  Creds creds = Creds::kOptional;
};

// Parses one endpoint. A URL with a scheme other than http/https/unix/unixs, or an empty host, is
// InvalidArgument naming the endpoint.
Status ParseEndpoint(const std::string& text, Endpoint* out);

}  // namespace cairn::client

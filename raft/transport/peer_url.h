// PeerUrl: parsing of peer URLs into gRPC targets and listen addresses.
//   http://host:port   plaintext TCP
//   https://host:port  TLS (credentials.h)
//   unix:path, unix://path (absolute) — a Unix domain socket, plaintext
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace cairn::raft::transport {

struct PeerUrl {
  enum class Scheme { kHttp, kHttps, kUnix };
  Scheme scheme = Scheme::kHttp;
  // "host:port" for http(s), "unix:/path" for unix: the gRPC target and
  // listen address (gRPC accepts both forms directly).
  std::string address;
  bool tls() const { return scheme == Scheme::kHttps; }
};

// InvalidArgument naming the URL on anything else.
Status ParsePeerUrl(std::string_view url, PeerUrl* out);

}  // namespace cairn::raft::transport

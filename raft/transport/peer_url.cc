#include "raft/transport/peer_url.h"

namespace cairn::raft::transport {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

}  // namespace

Status ParsePeerUrl(std::string_view url, PeerUrl* out) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("peer url \"" + std::string(url) + "\": " + std::string(why));
  };
  if (StartsWith(url, "unix://") || StartsWith(url, "unix:")) {
    std::string_view path = url.substr(StartsWith(url, "unix://") ? 7 : 5);
    if (path.empty()) return bad("empty socket path");
    out->scheme = PeerUrl::Scheme::kUnix;
    out->address = "unix:" + std::string(path);
    return Status::Ok();
  }
  std::string_view rest;
  if (StartsWith(url, "http://")) {
    out->scheme = PeerUrl::Scheme::kHttp;
    rest = url.substr(7);
  } else if (StartsWith(url, "https://")) {
    out->scheme = PeerUrl::Scheme::kHttps;
    rest = url.substr(8);
  } else {
    return bad("scheme must be http, https or unix");
  }
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos) return bad("a peer url has no path");
  const size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == rest.size()) {
    return bad("expected host:port");
  }
  for (char c : rest.substr(colon + 1)) {
    if (c < '0' || c > '9') return bad("port is not a number");
  }
  out->address = std::string(rest);
  return Status::Ok();
}

}  // namespace cairn::raft::transport

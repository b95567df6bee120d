#include "client/endpoint.h"

namespace cairn::client {
namespace {

bool StripPrefix(const std::string& s, const char* prefix, std::string* rest) {
  const std::string p(prefix);
  if (s.compare(0, p.size(), p) != 0) return false;
  *rest = s.substr(p.size());
  return true;
}

std::string HostOf(const std::string& hostport) {
  if (!hostport.empty() && hostport[0] == '[') {
    const size_t close = hostport.find(']');
    return close == std::string::npos ? hostport : hostport.substr(1, close - 1);
  }
  const size_t colon = hostport.rfind(':');
  return colon == std::string::npos ? hostport : hostport.substr(0, colon);
}

}  // namespace

Status ParseEndpoint(const std::string& text, Endpoint* out) {
  Endpoint ep;
  ep.original = text;
  std::string rest;
  if (StripPrefix(text, "unixs://", &rest) || StripPrefix(text, "unixs:", &rest)) {
    ep.target = "unix:" + rest, ep.creds = Creds::kRequire, ep.host = "localhost";
  } else if (StripPrefix(text, "unix://", &rest) || StripPrefix(text, "unix:", &rest)) {
    ep.target = "unix:" + rest, ep.creds = Creds::kDrop, ep.host = "localhost";
  } else if (StripPrefix(text, "https://", &rest)) {
    ep.target = rest, ep.creds = Creds::kRequire;
  } else if (StripPrefix(text, "http://", &rest)) {
    ep.target = rest, ep.creds = Creds::kDrop;
  } else if (text.find("://") != std::string::npos) {
    return Status::InvalidArgument("endpoint " + text +
                                   ": unsupported scheme (use http, https, unix or unixs)");
  } else {
    ep.target = text, ep.creds = Creds::kOptional;
  }
  // A trailing path ("http://h:2379/") is ignored like Go's url.Host.
  if (ep.target.rfind("unix:", 0) != 0) {
    const size_t slash = ep.target.find('/');
    if (slash != std::string::npos) ep.target.resize(slash);
    ep.host = HostOf(ep.target);
  }
  if (ep.target.empty() || ep.target == "unix:" || (ep.target.rfind("unix:", 0) != 0 && ep.host.empty())) {
    return Status::InvalidArgument("endpoint " + text + ": missing host");
  }
  *out = std::move(ep);
  return Status::Ok();
}

}  // namespace cairn::client

#include "server/api/caller.h"

#include "server/http/peer_identity.h"

namespace cairn::api {

Status CallerOf(const grpc::ServerContextBase& ctx, etcdserver::EtcdServer* s, auth::AuthInfo* out) {
  if (!s->auth_store()->enabled()) {
    *out = etcdserver::kNoCaller;
    return Status::Ok();
  }
  const auto& md = ctx.client_metadata();
  auto it = md.find("token");
  if (it == md.end()) it = md.find("authorization");
  if (it != md.end()) {
    return s->AuthInfoFrom(std::string_view(it->second.data(), it->second.size()), {}, out);
  }
  const std::string cn = s->options().client_cert_auth ? http::PeerCommonName(ctx.peer()) : std::string();
  return s->AuthInfoFrom({}, cn, out);
}

void ForwardCredentials(const grpc::ServerContextBase& from, grpc::ClientContext* to) {
  for (const char* key : {"token", "authorization"}) {
    auto it = from.client_metadata().find(key);
    if (it != from.client_metadata().end())
      to->AddMetadata(key, std::string(it->second.data(), it->second.size()));
  }
}

Status CallerOf(const http::Request& r, etcdserver::EtcdServer* s, auth::AuthInfo* out) {
  if (!s->auth_store()->enabled()) {
    *out = etcdserver::kNoCaller;
    return Status::Ok();
  }
  return s->AuthInfoFrom(r.Header("authorization"), {}, out);
}

}  // namespace cairn::api

#include "server/api/leader_channel.h"

#include "raft/transport/peer_url.h"
#include "server/etcdserver/errors.h"

namespace cairn::api {

grpc::Status LeaderChannel::Get(etcdserver::EtcdServer* s, std::shared_ptr<grpc::Channel>* out) {
  const uint64_t leader_id = s->log()->leader().leader_id;
  etcdserver::Member leader;
  if (leader_id == 0 || !s->membership().Get(leader_id, &leader) || leader.peer_urls.empty()) {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, std::string(etcdserver::kErrNoLeader));
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (leader_ != leader_id || channel_ == nullptr) {
    raft::transport::PeerUrl url;
    std::shared_ptr<grpc::ChannelCredentials> creds;
    Status st = raft::transport::ParsePeerUrl(leader.peer_urls[0], &url);
    if (st.ok()) st = raft::transport::MakeChannelCredentials(url, tls_, &creds);
    if (!st.ok()) return grpc::Status(grpc::StatusCode::UNAVAILABLE, st.message());
    channel_ = grpc::CreateChannel(url.address, creds);
    leader_ = leader_id;
  }
  *out = channel_;
  return grpc::Status::OK;
}

void LeaderChannel::Prepare(grpc::ClientContext* ctx, std::chrono::milliseconds timeout) {
  ctx->set_deadline(std::chrono::system_clock::now() + timeout);
  ctx->AddMetadata(kForwardedMetadata, "1");
}

bool LeaderChannel::IsForwarded(const grpc::ServerContext* ctx) {
  return ctx != nullptr && ctx->client_metadata().count(kForwardedMetadata) > 0;
}

}  // namespace cairn::api

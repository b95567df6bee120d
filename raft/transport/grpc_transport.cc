#include "raft/transport/grpc_transport.h"

#include <algorithm>

namespace cairn::raft::transport {

Status GrpcTransport::Start(TransportOptions options, std::unique_ptr<GrpcTransport>* out) {
  if (options.handler == nullptr) return Status::InvalidArgument("transport: no handler");
  PeerUrl url;
  CAIRN_RETURN_IF_ERROR(ParsePeerUrl(options.listen_url, &url));
  std::shared_ptr<grpc::ServerCredentials> creds;
  CAIRN_RETURN_IF_ERROR(MakeServerCredentials(url, options.tls, &creds));
  std::unique_ptr<GrpcTransport> t(new GrpcTransport(std::move(options)));
  PeerServiceOptions so;
  so.id = t->options_.id;
  so.handler = t->options_.handler;
  so.metrics = &t->metrics_;
  so.observer = t->options_.observer;
  so.message_bytes_max = t->options_.message_bytes_max;
  so.snapshot_bytes_max = t->options_.snapshot_bytes_max;
  so.snapshot_dir = t->options_.snapshot_dir;
  so.tls = t->options_.tls;
  t->service_ = std::make_unique<PeerService>(std::move(so));
  grpc::ServerBuilder builder;
  const int limit = static_cast<int>(std::min<uint64_t>(
      std::max<uint64_t>(t->options_.message_bytes_max, t->options_.snapshot_chunk_bytes) + 4096, INT32_MAX));
  builder.SetMaxReceiveMessageSize(limit);
  // No SO_REUSEPORT: with it, two processes binding port 0 (or the same peer
  // port by mistake) can share a port and split a member's traffic.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  // Peers ping every keepalive_interval (peer_stream.h): accept that instead of answering
  // GOAWAY "too_many_pings".
  if (t->options_.keepalive_interval.count() > 0) {
    builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                               static_cast<int>(t->options_.keepalive_interval.count() / 2));
    builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 0);
  }
  builder.AddListeningPort(url.address, creds, &t->port_);
  builder.RegisterService(t->service_.get());
  for (grpc::Service* extra : t->options_.extra_services) builder.RegisterService(extra);
  t->server_ = builder.BuildAndStart();
  if (t->server_ == nullptr) {
    return Status::Unavailable("transport: cannot listen on " + t->options_.listen_url);
  }
  *out = std::move(t);
  return Status::Ok();
}

GrpcTransport::~GrpcTransport() { Stop(); }

void GrpcTransport::Stop() {
  std::map<NodeId, std::unique_ptr<PeerStream>> peers;
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (stopped_) return;
    stopped_ = true;
    peers.swap(peers_);
  }
  peers.clear();  // cancels and joins the sending side
  // Cancel open inbound streams after a short grace period.
  if (server_ == nullptr) return;  // Start() failed to listen
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(100));
  server_->Wait();
}

Status GrpcTransport::AddPeer(NodeId id, const std::string& url) {
  PeerStreamOptions po;
  po.from = options_.id;
  po.to = id;
  po.url = url;
  po.tls = options_.tls;
  po.queue_messages_max = options_.queue_messages_max;
  po.message_bytes_max = options_.message_bytes_max;
  po.snapshot_chunk_bytes = options_.snapshot_chunk_bytes;
  po.backoff_initial = options_.backoff_initial;
  po.backoff_max = options_.backoff_max;
  po.handler = options_.handler;
  po.metrics = &metrics_;
  po.snapshot_source = options_.snapshot_source;
  po.observer = options_.observer;
  po.probe_interval = options_.probe_interval;
  po.probe_timeout = options_.probe_timeout;
  po.link_heartbeat_interval = options_.link_heartbeat_interval;
  po.keepalive_interval = options_.keepalive_interval;
  po.keepalive_timeout = options_.keepalive_timeout;
  std::unique_ptr<PeerStream> stream;
  CAIRN_RETURN_IF_ERROR(PeerStream::Create(std::move(po), &stream));
  std::unique_ptr<PeerStream> old;
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (stopped_) return Status::Unavailable("transport stopped");
    old = std::move(peers_[id]);
    peers_[id] = std::move(stream);
  }
  return Status::Ok();  // `old` (if any) is stopped outside the lock
}

void GrpcTransport::RemovePeer(NodeId id) {
  std::unique_ptr<PeerStream> old;
  std::lock_guard<std::mutex> lk(mu_);
  auto it = peers_.find(id);
  if (it == peers_.end()) return;
  old = std::move(it->second);
  peers_.erase(it);
}

void GrpcTransport::Send(std::vector<Message> msgs) {
  std::lock_guard<std::mutex> lk(mu_);
  for (Message& m : msgs) {
    auto it = peers_.find(m.to);
    if (it == peers_.end()) {
      metrics_.messages_dropped_unknown_peer.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    if (m.type == MessageType::kSnap) {
      it->second->SendSnapshot(std::move(m));
    } else {
      it->second->Send(m);
    }
  }
}

}  // namespace cairn::raft::transport

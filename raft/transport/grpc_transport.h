// GrpcTransport: Cairn's peer transport over gRPC (peer.proto). Implements
// node::Transport for the node driver: one PeerStream per remote peer, one
// gRPC server on the local peer URL serving PeerService.
//
// Routing: kSnap messages go through the peer's snapshot stream, everything
// else through its message stream. Messages to unknown peers are dropped and
// counted.
//
// Thread-safety: all methods are thread-safe. Stop (or destruction) cancels
// every stream and waits for the server's handlers to return.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "raft/node/transport.h"
#include "raft/transport/credentials.h"
#include "raft/transport/handler.h"
#include "raft/transport/metrics.h"
#include "raft/transport/peer_observer.h"
#include "raft/transport/peer_service.h"
#include "raft/transport/peer_stream.h"
#include "raft/transport/snapshot_source.h"

namespace cairn::raft::transport {

struct TransportOptions {
  NodeId id = kNoNode;
  // Where this member listens for peers: http://host:port (port 0 picks one,
  // see port()), or unix:path.
  std::string listen_url;
  TlsOptions tls;
  PeerHandler* handler = nullptr;             // must outlive the transport
  SnapshotSource* snapshot_source = nullptr;  // nullptr: the data inside kSnap messages
  std::string snapshot_dir;                   // received snapshots land here (must exist)
  size_t queue_messages_max = 4096;           // per peer
  uint64_t message_bytes_max = 8 << 20;       // encoded raft message
  size_t snapshot_chunk_bytes = 1 << 20;
  uint64_t snapshot_bytes_max = uint64_t{64} << 30;
  std::chrono::milliseconds backoff_initial{50};
  std::chrono::milliseconds backoff_max{2000};
  // More gRPC services served on the peer URL (the server's peer-facing API); must outlive the
  // transport.
  std::vector<grpc::Service*> extra_services;
  // Per-peer events for the server's etcd_network_* metrics (peer_observer.h); nullptr: none.
  // Must outlive the transport.
  PeerObserver* observer = nullptr;
  // Each peer is probed (Peer.Probe) this often for its round-trip time; 0: never.
  std::chrono::milliseconds probe_interval{5000};
  std::chrono::milliseconds probe_timeout{5000};
  // An idle stream carries an empty frame this often (peer_stream.h); 0: never.
  std::chrono::milliseconds link_heartbeat_interval{1000};
  // HTTP/2 keepalive on peer connections (peer_stream.h): a peer that stops answering pings is
  // seen as broken after about interval + timeout. The server side accepts pings this often.
  std::chrono::milliseconds keepalive_interval{2000};
  std::chrono::milliseconds keepalive_timeout{3000};
};

class GrpcTransport final : public node::Transport {
 public:
  static Status Start(TransportOptions options, std::unique_ptr<GrpcTransport>* out);
  ~GrpcTransport() override;
  void Stop();

  Status AddPeer(NodeId id, const std::string& url);
  void RemovePeer(NodeId id);
  void Send(std::vector<Message> msgs) override;

  // The bound TCP port (0 for unix sockets).
  int port() const { return port_; }
  const TransportMetrics& metrics() const { return metrics_; }

 private:
  explicit GrpcTransport(TransportOptions options) : options_(std::move(options)) {}

  const TransportOptions options_;
  TransportMetrics metrics_;
  std::unique_ptr<PeerService> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  mutable std::mutex mu_;
  bool stopped_ = false;
  std::map<NodeId, std::unique_ptr<PeerStream>> peers_;
};

}  // namespace cairn::raft::transport

// PeerService: the receiving side of the peer protocol (peer.proto).
//
// Every call first checks the peer's certificate CN (CheckPeerIdentity):
// PERMISSION_DENIED when it is not allowed.
//
// Stream: decodes each frame with raft/codec and hands it to the handler; empty frames are link
// heartbeats (peer_stream.h), counted as 0 bytes received from their `from`.
// An undecodable or oversized frame is a Status::Corruption at this boundary:
// counted, and the stream is closed with DATA_LOSS (never an assert).
//
// Snapshot: durability order of a received snapshot, each step completing
// before the next:
//   1. write every chunk to <snapshot_dir>/.recv-<from>-<index>.tmp;
//   2. fsync the file;
//   3. rename it to <snapshot_dir>/<term>-<index>.snap and fsync the directory;
//   4. hand the message and the path to the handler (which steps the node).
// An incomplete transfer (stream ends without `last`) leaves no file behind.
//
// Probe: answered at once (the sender measures the round trip).
//
// Per-peer events (bytes received, refused frames, snapshot transfers) go to the PeerObserver.
//
// Thread-safety: gRPC calls the handlers on its threads, concurrently.
#pragma once

#include <string>
#include <string_view>

#include "raft/transport/credentials.h"
#include "raft/transport/handler.h"
#include "raft/transport/metrics.h"
#include "raft/transport/peer.grpc.pb.h"
#include "raft/transport/peer_observer.h"

namespace cairn::raft::transport {

// The name (in snapshot_dir) of a received snapshot: "<term>-<index>.snap" (step 3 above).
std::string ReceivedSnapshotFileName(Term term, Index index);
// The snapshot index of such a name; false for any other name.
bool ParseReceivedSnapshotFileName(std::string_view name, Index* index);

struct PeerServiceOptions {
  NodeId id = kNoNode;  // messages for another node are refused
  PeerHandler* handler = nullptr;
  TransportMetrics* metrics = nullptr;
  PeerObserver* observer = nullptr;  // nullptr: NoopPeerObserver()
  uint64_t message_bytes_max = 8 << 20;
  uint64_t snapshot_bytes_max = uint64_t{64} << 30;
  std::string snapshot_dir;
  TlsOptions tls;  // allowed_cn is checked on every call
};

class PeerService final : public Peer::Service {
 public:
  explicit PeerService(PeerServiceOptions options)
      : options_(std::move(options)),
        observer_(options_.observer != nullptr ? options_.observer : NoopPeerObserver()) {}

  grpc::Status Stream(grpc::ServerContext* ctx, grpc::ServerReader<Frame>* reader, StreamAck* ack) override;
  grpc::Status Snapshot(grpc::ServerContext* ctx, grpc::ServerReader<SnapshotChunk>* reader,
                        SnapshotAck* ack) override;
  grpc::Status Probe(grpc::ServerContext* ctx, const ProbeRequest* req, ProbeResponse* resp) override;

 private:
  // Steps 1-3 of the snapshot order; returns the final path. *bytes: the data bytes read.
  Status ReceiveSnapshotFile(const Message& m, SnapshotChunk first, grpc::ServerReader<SnapshotChunk>* reader,
                             std::string* path, uint64_t* bytes);
  const PeerServiceOptions options_;
  PeerObserver* const observer_;
};

}  // namespace cairn::raft::transport

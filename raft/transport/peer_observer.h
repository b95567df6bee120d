// PeerObserver: per-peer events of the transport, for the server to export as etcd's
// etcd_network_* metrics (rafthttp/metrics.go) without the transport knowing Prometheus.
// TransportMetrics (metrics.h) keeps the totals over all peers; this adds the peer's id.
//
// Thread-safety: the transport calls these from its threads (one sender and one prober thread per
// peer, one snapshot thread per peer, gRPC's server threads), concurrently. Implementations must
// be thread-safe and must not block (they run on the send and receive paths).
//
// Contract for PeerActive/PeerInactive, per peer stream: calls alternate, starting with
// PeerActive; a stream that was active ends with PeerInactive (also when the peer is removed or
// the transport stops), so a gauge incremented on one and decremented on the other stays exact.
#pragma once

#include <chrono>
#include <cstdint>

#include "raft/types.h"

namespace cairn::raft::transport {

class PeerObserver {
 public:
  virtual ~PeerObserver() = default;

  // Sender side.
  // `bytes` of raft messages (encoded frames) were handed to the peer's stream (0: a link
  // heartbeat).
  virtual void Sent(NodeId /*to*/, uint64_t /*bytes*/) {}
  // `messages` messages for `to` were lost: send queue full, too large, or the stream broke.
  virtual void SendFailed(NodeId /*to*/, uint64_t /*messages*/) {}
  // A probe (Peer.Probe, an empty unary RPC on the peer's channel) took `rtt` to come back.
  virtual void RoundTrip(NodeId /*to*/, std::chrono::nanoseconds /*rtt*/) {}
  // The stream to `peer` carried its first frame, a raft message or a link heartbeat (active) /
  // broke or was closed after that (inactive).
  virtual void PeerActive(NodeId /*peer*/) {}
  virtual void PeerInactive(NodeId /*peer*/) {}
  // A snapshot transfer to `to` started / ended (`bytes` of snapshot data sent when ok).
  virtual void SnapshotSendStarted(NodeId /*to*/) {}
  virtual void SnapshotSendFinished(NodeId /*to*/, bool /*ok*/, uint64_t /*bytes*/,
                                    std::chrono::nanoseconds /*took*/) {}

  // Receiver side. `from` is kNoNode when the sender is not known (an undecodable first frame).
  // Link heartbeats arrive as Received(from, 0).
  virtual void Received(NodeId /*from*/, uint64_t /*bytes*/) {}
  // A frame from `from` was corrupt, or its message was refused by the node (inbound queue full).
  virtual void ReceiveFailed(NodeId /*from*/) {}
  virtual void SnapshotReceiveStarted(NodeId /*from*/) {}
  virtual void SnapshotReceiveFinished(NodeId /*from*/, bool /*ok*/, uint64_t /*bytes*/,
                                       std::chrono::nanoseconds /*took*/) {}
};

// The observer used when none is given: ignores everything.
PeerObserver* NoopPeerObserver();

}  // namespace cairn::raft::transport

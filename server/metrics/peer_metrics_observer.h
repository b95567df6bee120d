// PeerMetricsObserver: the transport's per-peer events (raft/transport/peer_observer.h) counted in
// etcd's etcd_network_* metrics (network_metrics.h), the way etcd's rafthttp counts them:
//   * Sent / Received add bytes; SendFailed adds one failure per lost message (etcd: per dropped
//     message and per failed stream write); ReceiveFailed one per refused frame.
//   * PeerActive: active_peers{Local,Remote} +1; PeerInactive: -1 and disconnected_peers_total +1.
//   * RoundTrip: one observation of the probe's round-trip time.
//   * snapshots: inflights +1/-1; on success the success counter, the duration histogram and the
//     bytes (sent: to peer_sent_bytes_total, as etcd); on failure the failure counter (sent: and
//     peer_sent_failures_total, as etcd). Received snapshot bytes always count as received bytes.
// A sender the receiver could not identify (raft::kNoNode) is labelled "unknown".
//
// Thread-safety: thread-safe; each event takes one short mutex to find the peer's children.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "raft/transport/peer_observer.h"
#include "server/metrics/network_metrics.h"

namespace cairn::metrics {

class PeerMetricsObserver final : public raft::transport::PeerObserver {
 public:
  // `metrics` must outlive the observer. `local_id`: this member's ID (the Local label).
  PeerMetricsObserver(NetworkMetrics* metrics, uint64_t local_id);

  void Sent(raft::NodeId to, uint64_t bytes) override;
  void SendFailed(raft::NodeId to, uint64_t messages) override;
  void RoundTrip(raft::NodeId to, std::chrono::nanoseconds rtt) override;
  void PeerActive(raft::NodeId peer) override;
  void PeerInactive(raft::NodeId peer) override;
  void SnapshotSendStarted(raft::NodeId to) override;
  void SnapshotSendFinished(raft::NodeId to, bool ok, uint64_t bytes, std::chrono::nanoseconds took) override;
  void Received(raft::NodeId from, uint64_t bytes) override;
  void ReceiveFailed(raft::NodeId from) override;
  void SnapshotReceiveStarted(raft::NodeId from) override;
  void SnapshotReceiveFinished(raft::NodeId from, bool ok, uint64_t bytes,
                               std::chrono::nanoseconds took) override;

 private:
  // The hot children of one peer, resolved on first use (so a peer's series appears only once it
  // had that event, as in etcd).
  struct Peer {
    std::string label;
    Counter* sent_bytes = nullptr;
    Counter* received_bytes = nullptr;
  };
  Peer& PeerLocked(raft::NodeId id);
  const std::string& Label(raft::NodeId id);

  NetworkMetrics* const metrics_;
  const std::string local_;
  std::mutex mu_;
  std::map<raft::NodeId, Peer> peers_;
};

}  // namespace cairn::metrics

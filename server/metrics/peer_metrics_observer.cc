#include "server/metrics/peer_metrics_observer.h"

#include "server/etcdserver/member_id.h"

namespace cairn::metrics {
namespace {

double Seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

PeerMetricsObserver::PeerMetricsObserver(NetworkMetrics* metrics, uint64_t local_id)
    : metrics_(metrics), local_(etcdserver::IdToHex(local_id)) {}

PeerMetricsObserver::Peer& PeerMetricsObserver::PeerLocked(raft::NodeId id) {
  auto [it, inserted] = peers_.try_emplace(id);
  if (inserted) it->second.label = id == raft::kNoNode ? std::string("unknown") : etcdserver::IdToHex(id);
  return it->second;
}

const std::string& PeerMetricsObserver::Label(raft::NodeId id) {
  std::lock_guard<std::mutex> lk(mu_);
  return PeerLocked(id).label;  // std::map nodes are stable: the reference outlives the lock
}

void PeerMetricsObserver::Sent(raft::NodeId to, uint64_t bytes) {
  Counter* c;
  {
    std::lock_guard<std::mutex> lk(mu_);
    Peer& p = PeerLocked(to);
    if (p.sent_bytes == nullptr) p.sent_bytes = &metrics_->peer_sent_bytes_total.With({p.label});
    c = p.sent_bytes;
  }
  c->Add(static_cast<double>(bytes));
}

void PeerMetricsObserver::Received(raft::NodeId from, uint64_t bytes) {
  Counter* c;
  {
    std::lock_guard<std::mutex> lk(mu_);
    Peer& p = PeerLocked(from);
    if (p.received_bytes == nullptr) p.received_bytes = &metrics_->peer_received_bytes_total.With({p.label});
    c = p.received_bytes;
  }
  c->Add(static_cast<double>(bytes));
}

void PeerMetricsObserver::SendFailed(raft::NodeId to, uint64_t messages) {
  if (messages == 0) return;
  metrics_->peer_sent_failures_total.With({Label(to)}).Add(static_cast<double>(messages));
}

void PeerMetricsObserver::ReceiveFailed(raft::NodeId from) {
  metrics_->peer_received_failures_total.With({Label(from)}).Inc();
}

void PeerMetricsObserver::RoundTrip(raft::NodeId to, std::chrono::nanoseconds rtt) {
  metrics_->peer_round_trip_time_seconds.With({Label(to)}).Observe(Seconds(rtt));
}

void PeerMetricsObserver::PeerActive(raft::NodeId peer) {
  metrics_->active_peers.With({local_, Label(peer)}).Inc();
}

void PeerMetricsObserver::PeerInactive(raft::NodeId peer) {
  const std::string& remote = Label(peer);
  metrics_->active_peers.With({local_, remote}).Dec();
  metrics_->disconnected_peers_total.With({local_, remote}).Inc();
}

void PeerMetricsObserver::SnapshotSendStarted(raft::NodeId to) {
  metrics_->snapshot_send_inflights_total.With({Label(to)}).Inc();
}

void PeerMetricsObserver::SnapshotSendFinished(raft::NodeId to, bool ok, uint64_t bytes,
                                               std::chrono::nanoseconds took) {
  const std::string& label = Label(to);
  metrics_->snapshot_send_inflights_total.With({label}).Dec();
  if (ok) {
    Sent(to, bytes);
    metrics_->snapshot_send_success.With({label}).Inc();
    metrics_->snapshot_send_total_duration_seconds.With({label}).Observe(Seconds(took));
  } else {
    metrics_->peer_sent_failures_total.With({label}).Inc();
    metrics_->snapshot_send_failures.With({label}).Inc();
  }
}

void PeerMetricsObserver::SnapshotReceiveStarted(raft::NodeId from) {
  metrics_->snapshot_receive_inflights_total.With({Label(from)}).Inc();
}

void PeerMetricsObserver::SnapshotReceiveFinished(raft::NodeId from, bool ok, uint64_t bytes,
                                                  std::chrono::nanoseconds took) {
  const std::string& label = Label(from);
  metrics_->snapshot_receive_inflights_total.With({label}).Dec();
  if (bytes > 0) Received(from, bytes);
  if (ok) {
    metrics_->snapshot_receive_success.With({label}).Inc();
    metrics_->snapshot_receive_total_duration_seconds.With({label}).Observe(Seconds(took));
  } else {
    metrics_->snapshot_receive_failures.With({label}).Inc();
  }
}

}  // namespace cairn::metrics

// PeerStream: the sending side towards one peer. One long-lived client
// stream (Peer.Stream) fed from a bounded queue by one thread; snapshots go
// through a separate Peer.Snapshot call on their own thread (one at a time).
//
// Behaviour when things go wrong (as etcd's rafthttp):
//   * queue full: the message is dropped and the peer reported unreachable;
//   * message larger than message_bytes_max: dropped (counted) and reported
//     unreachable, never sent;
//   * stream broken (peer down, restarted): the messages of the failed write
//     batch are dropped, the peer reported unreachable, and the stream
//     re-opened after an exponential backoff (initial .. max, reset after a
//     successful write);
//   * a snapshot while another is in flight: reported failed at once;
//   * peer unreachable without a reset (packets dropped): the keepalive ping goes unanswered, the
//     connection is closed and the stream breaks as above.
//
// Link heartbeats: a stream idle for link_heartbeat_interval (and every new stream, at once)
// carries an empty Frame, so a link nobody sends raft messages over (follower to follower) is
// known to work or to be broken, like etcd's stream link heartbeats. A failed heartbeat counts as
// one lost message.
//
// Per-peer events (bytes sent, messages lost, stream up/down, snapshot transfers, probe round
// trips) go to the PeerObserver. A prober thread calls Peer.Probe every probe_interval (first at
// once) with a probe_timeout deadline and reports each answered probe's round-trip time.
//
// Thread-safety: Send and SendSnapshot may be called from any thread.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "base/status.h"
#include "raft/transport/credentials.h"
#include "raft/transport/handler.h"
#include "raft/transport/metrics.h"
#include "raft/transport/peer.grpc.pb.h"
#include "raft/transport/peer_observer.h"
#include "raft/transport/snapshot_source.h"
#include "raft/types.h"

namespace cairn::raft::transport {

struct PeerStreamOptions {
  NodeId from = kNoNode;  // this node (carried by link heartbeats)
  NodeId to = kNoNode;
  std::string url;
  TlsOptions tls;
  size_t queue_messages_max = 4096;
  uint64_t message_bytes_max = 8 << 20;
  size_t snapshot_chunk_bytes = 1 << 20;
  std::chrono::milliseconds backoff_initial{50};
  std::chrono::milliseconds backoff_max{2000};
  PeerHandler* handler = nullptr;             // reports; must outlive the stream
  TransportMetrics* metrics = nullptr;        // must outlive the stream
  SnapshotSource* snapshot_source = nullptr;  // nullptr: the data in the message
  PeerObserver* observer = nullptr;           // nullptr: NoopPeerObserver(); must outlive the stream
  std::chrono::milliseconds probe_interval{0};  // 0: no prober thread
  std::chrono::milliseconds probe_timeout{5000};
  std::chrono::milliseconds link_heartbeat_interval{0};  // 0: no link heartbeats
  // HTTP/2 keepalive pings: a connection whose ping is not answered within keepalive_timeout is
  // closed, so a peer behind a partition that drops packets shows as broken (etcd: the stream's
  // read timeout). 0: gRPC's default (no pings).
  std::chrono::milliseconds keepalive_interval{0};
  std::chrono::milliseconds keepalive_timeout{0};
};

class PeerStream {
 public:
  static Status Create(PeerStreamOptions options, std::unique_ptr<PeerStream>* out);
  ~PeerStream();  // cancels the stream and any snapshot transfer, joins threads

  // Queues m (any type but kSnap). Never blocks on the network.
  void Send(const Message& m);
  // Starts streaming a kSnap message and its data.
  void SendSnapshot(Message m);
  size_t queued() const;

 private:
  explicit PeerStream(PeerStreamOptions options);
  void Run();
  void RunSnapshot(const Message& m);
  // Sends m's snapshot; *bytes: the snapshot data bytes written to the stream.
  Status StreamSnapshot(const Message& m, uint64_t* bytes);
  void RunProber();
  void Unreachable();

  const PeerStreamOptions options_;
  PeerObserver* const observer_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Peer::Stub> stub_;

  mutable std::mutex mu_;
  std::condition_variable cv_;        // the sender thread waits for messages
  std::condition_variable probe_cv_;  // the prober thread waits for its next probe
  bool stopping_ = false;
  std::deque<std::string> queue_;              // encoded messages
  grpc::ClientContext* stream_ctx_ = nullptr;  // the open stream, for cancel on stop
  grpc::ClientContext* snap_ctx_ = nullptr;
  grpc::ClientContext* probe_ctx_ = nullptr;
  bool snap_busy_ = false;
  std::thread thread_;
  std::thread snap_thread_;
  std::thread probe_thread_;
};

}  // namespace cairn::raft::transport

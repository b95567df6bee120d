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
//   * a snapshot while another is in flight: reported failed at once.
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
#include "raft/transport/snapshot_source.h"
#include "raft/types.h"

namespace cairn::raft::transport {

struct PeerStreamOptions {
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
  Status StreamSnapshot(const Message& m);
  void Unreachable();

  const PeerStreamOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Peer::Stub> stub_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::deque<std::string> queue_;              // encoded messages
  grpc::ClientContext* stream_ctx_ = nullptr;  // the open stream, for cancel on stop
  grpc::ClientContext* snap_ctx_ = nullptr;
  bool snap_busy_ = false;
  std::thread thread_;
  std::thread snap_thread_;
};

}  // namespace cairn::raft::transport

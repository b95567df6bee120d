// The transport's per-peer events (peer_observer.h) over real gRPC on loopback: bytes sent and
// received per peer agree with the encoded frames, send failures when a peer goes away, the
// active/inactive pairing, probe round trips, receive failures, and snapshot transfers.
#include "raft/transport/peer_observer.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "raft/codec.h"
#include "raft/transport/grpc_transport.h"
#include "raft/transport/peer.grpc.pb.h"

namespace cairn::raft::transport {
namespace {

using namespace std::chrono_literals;

struct PeerCounts {
  uint64_t sent_bytes = 0;
  uint64_t send_failures = 0;
  uint64_t round_trips = 0;
  int active = 0;  // PeerActive minus PeerInactive
  int activations = 0;
  int deactivations = 0;
  uint64_t received_bytes = 0;
  uint64_t received_messages = 0;
  uint64_t receive_failures = 0;
  int snapshot_send_inflight = 0;
  std::vector<std::pair<bool, uint64_t>> snapshots_sent;  // ok, bytes
  int snapshot_receive_inflight = 0;
  std::vector<std::pair<bool, uint64_t>> snapshots_received;
};

class CountingObserver final : public PeerObserver {
 public:
  void Sent(NodeId to, uint64_t bytes) override {
    Update(to, [&](PeerCounts& c) { c.sent_bytes += bytes; });
  }
  void SendFailed(NodeId to, uint64_t messages) override {
    Update(to, [&](PeerCounts& c) { c.send_failures += messages; });
  }
  void RoundTrip(NodeId to, std::chrono::nanoseconds rtt) override {
    EXPECT_GT(rtt.count(), 0);
    EXPECT_LT(rtt, 5s);
    Update(to, [&](PeerCounts& c) { c.round_trips++; });
  }
  void PeerActive(NodeId peer) override {
    Update(peer, [&](PeerCounts& c) {
      EXPECT_EQ(c.active, 0) << "PeerActive twice";
      c.active++;
      c.activations++;
    });
  }
  void PeerInactive(NodeId peer) override {
    Update(peer, [&](PeerCounts& c) {
      EXPECT_EQ(c.active, 1) << "PeerInactive without PeerActive";
      c.active--;
      c.deactivations++;
    });
  }
  void SnapshotSendStarted(NodeId to) override {
    Update(to, [&](PeerCounts& c) { c.snapshot_send_inflight++; });
  }
  void SnapshotSendFinished(NodeId to, bool ok, uint64_t bytes, std::chrono::nanoseconds) override {
    Update(to, [&](PeerCounts& c) {
      c.snapshot_send_inflight--;
      c.snapshots_sent.emplace_back(ok, bytes);
    });
  }
  void Received(NodeId from, uint64_t bytes) override {
    Update(from, [&](PeerCounts& c) {
      c.received_bytes += bytes;
      c.received_messages++;
    });
  }
  void ReceiveFailed(NodeId from) override {
    Update(from, [&](PeerCounts& c) { c.receive_failures++; });
  }
  void SnapshotReceiveStarted(NodeId from) override {
    Update(from, [&](PeerCounts& c) { c.snapshot_receive_inflight++; });
  }
  void SnapshotReceiveFinished(NodeId from, bool ok, uint64_t bytes, std::chrono::nanoseconds) override {
    Update(from, [&](PeerCounts& c) {
      c.snapshot_receive_inflight--;
      c.snapshots_received.emplace_back(ok, bytes);
    });
  }

  PeerCounts Get(NodeId peer) {
    std::lock_guard<std::mutex> lk(mu_);
    return peers_[peer];
  }
  template <typename Pred>
  bool WaitFor(NodeId peer, Pred pred, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock<std::mutex> lk(mu_);
    return cv_.wait_for(lk, timeout, [&] { return pred(peers_[peer]); });
  }

 private:
  template <typename F>
  void Update(NodeId peer, F f) {
    std::lock_guard<std::mutex> lk(mu_);
    f(peers_[peer]);
    cv_.notify_all();
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<NodeId, PeerCounts> peers_;
};

class NullHandler final : public PeerHandler {
 public:
  Status Receive(Message) override {
    const bool refuse = refuse_.load();
    handled_++;
    return refuse ? Status::Unavailable("inbound queue full") : Status::Ok();
  }
  Status ReceiveSnapshot(Message, const std::string&) override { return Status::Ok(); }
  void ReportUnreachable(NodeId) override {}
  void ReportSnapshot(NodeId, bool) override {}
  std::atomic<bool> refuse_{false};
  std::atomic<int> handled_{0};  // messages handed to Receive
};

std::string TempDir() {
  const char* tmp = getenv("TEST_TMPDIR");
  std::string tmpl = std::string(tmp ? tmp : "/tmp") + "/observerXXXXXX";
  return mkdtemp(tmpl.data());
}

struct Member {
  NullHandler handler;
  CountingObserver observer;
  std::unique_ptr<GrpcTransport> transport;
};

Status Start(NodeId id, const std::string& dir, Member* m, std::chrono::milliseconds probe_interval = 0ms,
             std::chrono::milliseconds link_heartbeat_interval = 0ms) {
  TransportOptions o;
  o.id = id;
  o.listen_url = "http://127.0.0.1:0";
  o.handler = &m->handler;
  o.snapshot_dir = dir;
  o.backoff_initial = 10ms;
  o.backoff_max = 50ms;
  o.observer = &m->observer;
  o.probe_interval = probe_interval;
  o.link_heartbeat_interval = link_heartbeat_interval;
  return GrpcTransport::Start(std::move(o), &m->transport);
}

std::string Url(const Member& m) { return "http://127.0.0.1:" + std::to_string(m.transport->port()); }

Message Heartbeat(NodeId from, NodeId to, Index commit) {
  Message m;
  m.type = MessageType::kHeartbeat;
  m.from = from;
  m.to = to;
  m.term = 1;
  m.commit = commit;
  return m;
}

// Sends heartbeats until b has received one from a (a new stream may lose its first batch).
bool Connect(Member& a, NodeId a_id, Member& b, NodeId b_id) {
  for (int k = 0; k < 500; ++k) {
    a.transport->Send({Heartbeat(a_id, b_id, 0)});
    if (b.observer.WaitFor(
            a_id, [](const PeerCounts& c) { return c.received_messages > 0; }, 10ms))
      return true;
  }
  return false;
}

TEST(PeerObserver, BytesSentEqualBytesReceivedAndThePeerIsActive) {
  const std::string dir = TempDir();
  Member a, b;
  ASSERT_TRUE(Start(1, dir, &a).ok());
  ASSERT_TRUE(Start(2, dir, &b).ok());
  ASSERT_TRUE(a.transport->AddPeer(2, Url(b)).ok());
  ASSERT_TRUE(Connect(a, 1, b, 2));
  ASSERT_TRUE(a.observer.WaitFor(2, [](const PeerCounts& c) { return c.active == 1; }));
  // Let the connection's extra heartbeats land: everything sent so far has been received.
  ASSERT_TRUE(b.observer.WaitFor(
      1, [&](const PeerCounts& c) { return c.received_bytes == a.observer.Get(2).sent_bytes; }));
  const PeerCounts a0 = a.observer.Get(2);
  const PeerCounts b0 = b.observer.Get(1);
  uint64_t expected = 0;
  constexpr int kN = 100;
  for (int k = 1; k <= kN; ++k) {
    Message m = Heartbeat(1, 2, k);
    expected += EncodeMessage(m).size();
    a.transport->Send({m});
  }
  ASSERT_TRUE(b.observer.WaitFor(
      1, [&](const PeerCounts& c) { return c.received_messages == b0.received_messages + kN; }));
  ASSERT_TRUE(
      a.observer.WaitFor(2, [&](const PeerCounts& c) { return c.sent_bytes == a0.sent_bytes + expected; }));
  EXPECT_EQ(b.observer.Get(1).received_bytes - b0.received_bytes, expected);
  EXPECT_EQ(a.observer.Get(2).activations, 1);
  EXPECT_EQ(a.observer.Get(2).send_failures, a0.send_failures);  // nothing lost once connected
  EXPECT_EQ(b.observer.Get(1).receive_failures, 0u);
  // Stopping the transport ends the active stream: the gauge returns to zero.
  a.transport.reset();
  EXPECT_EQ(a.observer.Get(2).active, 0);
  EXPECT_EQ(a.observer.Get(2).deactivations, 1);
  std::filesystem::remove_all(dir);
}

TEST(PeerObserver, PeerGoingAwayCountsSendFailuresAndDeactivates) {
  const std::string dir = TempDir();
  Member a, b;
  ASSERT_TRUE(Start(1, dir, &a).ok());
  ASSERT_TRUE(Start(2, dir, &b).ok());
  ASSERT_TRUE(a.transport->AddPeer(2, Url(b)).ok());
  ASSERT_TRUE(Connect(a, 1, b, 2));
  ASSERT_TRUE(a.observer.WaitFor(2, [](const PeerCounts& c) { return c.active == 1; }));
  const uint64_t failures_before = a.observer.Get(2).send_failures;
  b.transport.reset();
  bool failed = false;
  for (int i = 0; i < 400 && !failed; ++i) {
    a.transport->Send({Heartbeat(1, 2, 2)});
    failed = a.observer.WaitFor(
        2, [&](const PeerCounts& c) { return c.send_failures > failures_before && c.active == 0; }, 5ms);
  }
  EXPECT_TRUE(failed);
  EXPECT_EQ(a.observer.Get(2).deactivations, 1);
  std::filesystem::remove_all(dir);
}

TEST(PeerObserver, IdleLinksAreWatchedByLinkHeartbeats) {
  const std::string dir = TempDir();
  Member a, b;
  ASSERT_TRUE(Start(1, dir, &a, 0ms, /*link_heartbeat_interval=*/20ms).ok());
  ASSERT_TRUE(Start(2, dir, &b).ok());
  ASSERT_TRUE(a.transport->AddPeer(2, Url(b)).ok());
  // No raft message at all: the link becomes active, the receiver knows the sender.
  ASSERT_TRUE(a.observer.WaitFor(2, [](const PeerCounts& c) { return c.active == 1; }));
  ASSERT_TRUE(b.observer.WaitFor(1, [](const PeerCounts& c) { return c.received_messages >= 2; }));
  EXPECT_EQ(b.observer.Get(1).received_bytes, 0u);  // heartbeats carry no raft bytes
  EXPECT_EQ(a.observer.Get(2).sent_bytes, 0u);
  EXPECT_EQ(a.handler.refuse_.load(), false);
  // The peer dies while the link is idle: heartbeats fail, the link goes inactive.
  b.transport.reset();
  EXPECT_TRUE(
      a.observer.WaitFor(2, [](const PeerCounts& c) { return c.send_failures > 0 && c.active == 0; }));
  EXPECT_EQ(a.transport->metrics().messages_dropped_stream_broken.load(), 0u);
  std::filesystem::remove_all(dir);
}

TEST(PeerObserver, ProbesReportRoundTrips) {
  const std::string dir = TempDir();
  Member a, b;
  ASSERT_TRUE(Start(1, dir, &a, /*probe_interval=*/20ms).ok());
  ASSERT_TRUE(Start(2, dir, &b).ok());
  ASSERT_TRUE(a.transport->AddPeer(2, Url(b)).ok());
  // Probes need no raft traffic at all.
  EXPECT_TRUE(a.observer.WaitFor(2, [](const PeerCounts& c) { return c.round_trips >= 3; }));
  EXPECT_EQ(a.observer.Get(2).sent_bytes, 0u);
  // A dead peer answers no probe: no more round trips are reported.
  b.transport.reset();
  std::this_thread::sleep_for(100ms);  // probes in flight finish
  const uint64_t n = a.observer.Get(2).round_trips;
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(a.observer.Get(2).round_trips, n);
  std::filesystem::remove_all(dir);
}

TEST(PeerObserver, DroppedMessagesAreSendFailures) {
  const std::string dir = TempDir();
  Member a;
  TransportOptions o;
  o.id = 1;
  o.listen_url = "http://127.0.0.1:0";
  o.handler = &a.handler;
  o.snapshot_dir = dir;
  o.message_bytes_max = 1024;
  o.observer = &a.observer;
  o.probe_interval = 0ms;
  ASSERT_TRUE(GrpcTransport::Start(std::move(o), &a.transport).ok());
  ASSERT_TRUE(a.transport->AddPeer(2, "http://127.0.0.1:1").ok());
  Message m = Heartbeat(1, 2, 1);
  m.type = MessageType::kApp;
  m.entries.push_back(Entry{1, 1, EntryType::kNormal, std::string(4096, 'x')});
  a.transport->Send({m});
  EXPECT_EQ(a.observer.Get(2).send_failures, 1u);
  EXPECT_EQ(a.observer.Get(2).sent_bytes, 0u);
  std::filesystem::remove_all(dir);
}

TEST(PeerObserver, CorruptFramesAndRefusedMessagesAreReceiveFailures) {
  const std::string dir = TempDir();
  Member b;
  ASSERT_TRUE(Start(2, dir, &b).ok());
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(b.transport->port()),
                                     grpc::InsecureChannelCredentials());
  auto stub = Peer::NewStub(channel);
  {
    // Undecodable first frame: the sender is unknown.
    grpc::ClientContext ctx;
    StreamAck ack;
    auto writer = stub->Stream(&ctx, &ack);
    Frame f;
    f.set_message("\x03garbage");
    writer->Write(f);
    writer->WritesDone();
    EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::DATA_LOSS);
  }
  EXPECT_EQ(b.observer.Get(kNoNode).receive_failures, 1u);
  {
    // A good frame from 7, one the node refuses, then garbage: failures are 7's.
    grpc::ClientContext ctx;
    StreamAck ack;
    auto writer = stub->Stream(&ctx, &ack);
    Frame f;
    f.set_message(EncodeMessage(Heartbeat(7, 2, 1)));
    ASSERT_TRUE(writer->Write(f));
    for (int i = 0; i < 1000 && b.handler.handled_.load() < 1; ++i) std::this_thread::sleep_for(1ms);
    ASSERT_EQ(b.handler.handled_.load(), 1);
    b.handler.refuse_ = true;
    ASSERT_TRUE(writer->Write(f));
    ASSERT_TRUE(b.observer.WaitFor(7, [](const PeerCounts& c) { return c.receive_failures == 1; }));
    f.set_message("\x03garbage");
    writer->Write(f);
    writer->WritesDone();
    EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::DATA_LOSS);
  }
  const PeerCounts c = b.observer.Get(7);
  EXPECT_EQ(c.received_messages, 2u);
  EXPECT_EQ(c.received_bytes, 2 * EncodeMessage(Heartbeat(7, 2, 1)).size());
  EXPECT_EQ(c.receive_failures, 2u);
  std::filesystem::remove_all(dir);
}

TEST(PeerObserver, SnapshotTransfersOnBothSides) {
  const std::string dir_a = TempDir(), dir_b = TempDir();
  Member a, b;
  ASSERT_TRUE(Start(1, dir_a, &a).ok());
  ASSERT_TRUE(Start(2, dir_b, &b).ok());
  ASSERT_TRUE(a.transport->AddPeer(2, Url(b)).ok());
  Message m;
  m.type = MessageType::kSnap;
  m.from = 1;
  m.to = 2;
  m.term = 2;
  m.snapshot.metadata.index = 10;
  m.snapshot.metadata.term = 2;
  m.snapshot.metadata.conf_state.voters = {1, 2};
  m.snapshot.data = std::string(3 * 1024 * 1024 + 5, 's');
  a.transport->Send({m});
  ASSERT_TRUE(a.observer.WaitFor(2, [](const PeerCounts& c) { return c.snapshots_sent.size() == 1; }));
  ASSERT_TRUE(b.observer.WaitFor(1, [](const PeerCounts& c) { return c.snapshots_received.size() == 1; }));
  EXPECT_EQ(a.observer.Get(2).snapshots_sent[0], std::make_pair(true, uint64_t{m.snapshot.data.size()}));
  EXPECT_EQ(a.observer.Get(2).snapshot_send_inflight, 0);
  EXPECT_EQ(b.observer.Get(1).snapshots_received[0], std::make_pair(true, uint64_t{m.snapshot.data.size()}));
  EXPECT_EQ(b.observer.Get(1).snapshot_receive_inflight, 0);

  // To a dead peer: a failed send.
  const std::string url = Url(b);
  a.transport->RemovePeer(2);
  b.transport.reset();
  ASSERT_TRUE(a.transport->AddPeer(2, url).ok());
  m.snapshot.data = "x";
  a.transport->Send({m});
  ASSERT_TRUE(a.observer.WaitFor(2, [](const PeerCounts& c) { return c.snapshots_sent.size() == 2; }));
  EXPECT_FALSE(a.observer.Get(2).snapshots_sent[1].first);
  EXPECT_EQ(a.observer.Get(2).snapshot_send_inflight, 0);
  std::filesystem::remove_all(dir_a);
  std::filesystem::remove_all(dir_b);
}

}  // namespace
}  // namespace cairn::raft::transport

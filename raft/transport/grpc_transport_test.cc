// GrpcTransport on loopback: message exchange, reconnect after a peer
// restart, queue overflow, corrupt frames, snapshot transfer (sha256), unix sockets.
#include "raft/transport/grpc_transport.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "raft/codec.h"
#include "raft/transport/peer.grpc.pb.h"

namespace cairn::raft::transport {
namespace {

using namespace std::chrono_literals;

class Recorder final : public PeerHandler {
 public:
  Status Receive(Message m) override {
    std::lock_guard<std::mutex> lk(mu_);
    received_.push_back(std::move(m));
    cv_.notify_all();
    return Status::Ok();
  }
  Status ReceiveSnapshot(Message m, const std::string& path) override {
    std::lock_guard<std::mutex> lk(mu_);
    snapshots_.emplace_back(std::move(m), path);
    cv_.notify_all();
    return Status::Ok();
  }
  void ReportUnreachable(NodeId peer) override { unreachable_++; }
  void ReportSnapshot(NodeId peer, bool failed) override {
    std::lock_guard<std::mutex> lk(mu_);
    snap_reports_.push_back(failed);
    cv_.notify_all();
  }
  template <typename Pred>
  bool WaitFor(Pred pred, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock<std::mutex> lk(mu_);
    return cv_.wait_for(lk, timeout, [&] { return pred(); });
  }
  // REQUIRES: mu_ held (e.g. inside a WaitFor predicate).
  size_t received_from_locked(NodeId from) {
    size_t n = 0;
    for (auto& m : received_) n += m.from == from;
    return n;
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Message> received_;
  std::vector<std::pair<Message, std::string>> snapshots_;
  std::vector<bool> snap_reports_;
  std::atomic<int> unreachable_{0};
};

Message Heartbeat(NodeId from, NodeId to, Index commit) {
  Message m;
  m.type = MessageType::kHeartbeat;
  m.from = from;
  m.to = to;
  m.term = 1;
  m.commit = commit;
  return m;
}

std::string TempDir() {
  const char* tmp = getenv("TEST_TMPDIR");
  std::string tmpl = std::string(tmp ? tmp : "/tmp") + "/transportXXXXXX";
  return mkdtemp(tmpl.data());
}

struct Member {
  Recorder handler;
  std::unique_ptr<GrpcTransport> transport;
};

Status StartTransport(NodeId id, const std::string& url, const std::string& dir, Member* m,
                      size_t queue_max = 4096) {
  TransportOptions o;
  o.id = id;
  o.listen_url = url;
  o.handler = &m->handler;
  o.snapshot_dir = dir;
  o.queue_messages_max = queue_max;
  o.backoff_initial = 10ms;
  o.backoff_max = 100ms;
  return GrpcTransport::Start(std::move(o), &m->transport);
}

std::string Url(const Member& m) { return "http://127.0.0.1:" + std::to_string(m.transport->port()); }

TEST(GrpcTransport, ThreeTransportsExchangeMessagesInOrder) {
  const std::string dir = TempDir();
  Member ms[3];
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(StartTransport(i + 1, "http://127.0.0.1:0", dir, &ms[i]).ok());
  for (int i = 0; i < 3; ++i) {
    ASSERT_GT(ms[i].transport->port(), 0);
    for (int j = 0; j < 3; ++j) {
      if (i != j) {
        ASSERT_TRUE(ms[i].transport->AddPeer(j + 1, Url(ms[j])).ok());
      }
    }
  }
  // The transport is lossy while a stream is being set up (a failed first
  // connect drops its batch): probe every pair until it delivers.
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      if (i == j) continue;
      bool up = false;
      for (int k = 0; k < 500 && !up; ++k) {
        ms[i].transport->Send({Heartbeat(i + 1, j + 1, 0)});
        up = ms[j].handler.WaitFor([&] { return ms[j].handler.received_from_locked(i + 1) > 0; }, 10ms);
      }
      ASSERT_TRUE(up) << i + 1 << "->" << j + 1;
    }
  }
  // Wait out probes still in flight, then forget them.
  std::this_thread::sleep_for(50ms);
  for (auto& m : ms) {
    std::lock_guard<std::mutex> lk(m.handler.mu_);
    m.handler.received_.clear();
  }
  const uint64_t sent_before = ms[0].transport->metrics().messages_sent.load();
  constexpr int kN = 200;
  for (int k = 1; k <= kN; ++k) {
    for (int i = 0; i < 3; ++i) {
      std::vector<Message> out;
      for (int j = 0; j < 3; ++j) {
        if (i != j) out.push_back(Heartbeat(i + 1, j + 1, k));
      }
      ms[i].transport->Send(std::move(out));
    }
  }
  for (int j = 0; j < 3; ++j) {
    Recorder& r = ms[j].handler;
    ASSERT_TRUE(r.WaitFor([&] { return r.received_.size() == 2 * kN; })) << j;
    // Per sender, order is preserved (one stream).
    std::map<NodeId, Index> last;
    for (const Message& m : r.received_) {
      EXPECT_EQ(m.to, static_cast<NodeId>(j + 1));
      EXPECT_EQ(m.commit, last[m.from] + 1);
      last[m.from] = m.commit;
    }
  }
  EXPECT_EQ(ms[0].transport->metrics().messages_sent.load() - sent_before, 2u * kN);
  std::filesystem::remove_all(dir);
}

TEST(GrpcTransport, PeerGoingAwayAndComingBack) {
  const std::string dir = TempDir();
  Member a, b;
  ASSERT_TRUE(StartTransport(1, "http://127.0.0.1:0", dir, &a).ok());
  ASSERT_TRUE(StartTransport(2, "http://127.0.0.1:0", dir, &b).ok());
  const std::string b_url = Url(b);
  ASSERT_TRUE(a.transport->AddPeer(2, b_url).ok());
  a.transport->Send({Heartbeat(1, 2, 1)});
  ASSERT_TRUE(b.handler.WaitFor([&] { return b.handler.received_.size() == 1; }));
  b.transport.reset();  // peer goes away
  // Sending to a dead peer reports it unreachable (stream broken or queue drops).
  for (int i = 0; i < 200 && a.handler.unreachable_.load() == 0; ++i) {
    a.transport->Send({Heartbeat(1, 2, 2)});
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_GT(a.handler.unreachable_.load(), 0);
  EXPECT_GT(a.transport->metrics().stream_failures.load(), 0u);
  // The peer comes back on the same address; the stream reconnects.
  Member b2;
  ASSERT_TRUE(StartTransport(2, b_url, dir, &b2).ok());
  bool got = false;
  for (int i = 0; i < 1000 && !got; ++i) {
    a.transport->Send({Heartbeat(1, 2, 100)});
    got = b2.handler.WaitFor([&] { return !b2.handler.received_.empty(); }, 10ms);
  }
  EXPECT_TRUE(got);
  std::filesystem::remove_all(dir);
}

TEST(GrpcTransport, QueueOverflowDropsAndReportsUnreachable) {
  const std::string dir = TempDir();
  // A black hole: the kernel accepts TCP connections, nobody speaks HTTP/2,
  // so the stream never drains its queue.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 16), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  Member a;
  ASSERT_TRUE(StartTransport(1, "http://127.0.0.1:0", dir, &a, /*queue_max=*/8).ok());
  ASSERT_TRUE(a.transport->AddPeer(2, "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port))).ok());
  std::vector<Message> burst;
  for (int i = 0; i < 100; ++i) burst.push_back(Heartbeat(1, 2, i));
  a.transport->Send(std::move(burst));
  // At most one queue's worth was taken by the (stuck) stream thread.
  EXPECT_GE(a.transport->metrics().messages_dropped_queue_full.load(), 100u - 2 * 8);
  EXPECT_GE(a.handler.unreachable_.load(), 100 - 2 * 8);
  EXPECT_LE(a.transport->metrics().send_queue_messages.load(), 8u);
  a.transport.reset();
  ::close(fd);
  std::filesystem::remove_all(dir);
}

TEST(GrpcTransport, OversizedMessageIsDroppedBeforeSending) {
  const std::string dir = TempDir();
  Member a;
  TransportOptions o;
  o.id = 1;
  o.listen_url = "http://127.0.0.1:0";
  o.handler = &a.handler;
  o.snapshot_dir = dir;
  o.message_bytes_max = 1024;
  ASSERT_TRUE(GrpcTransport::Start(std::move(o), &a.transport).ok());
  ASSERT_TRUE(a.transport->AddPeer(2, "http://127.0.0.1:1").ok());
  Message m = Heartbeat(1, 2, 1);
  m.type = MessageType::kApp;
  m.entries.push_back(Entry{1, 1, EntryType::kNormal, std::string(4096, 'x')});
  a.transport->Send({m});
  EXPECT_EQ(a.transport->metrics().messages_dropped_too_large.load(), 1u);
  EXPECT_EQ(a.handler.unreachable_.load(), 1);
  std::filesystem::remove_all(dir);
}

TEST(GrpcTransport, CorruptFrameIsDataLossNotACrash) {
  const std::string dir = TempDir();
  Member b;
  ASSERT_TRUE(StartTransport(2, "http://127.0.0.1:0", dir, &b).ok());
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(b.transport->port()),
                                     grpc::InsecureChannelCredentials());
  auto stub = Peer::NewStub(channel);
  for (const std::string& bad :
       {std::string("\x03garbage"), EncodeMessage(Heartbeat(1, 3, 1)) /* wrong node */,
        EncodeMessage(Heartbeat(1, 2, 1)).substr(0, 20)}) {
    grpc::ClientContext ctx;
    StreamAck ack;
    auto writer = stub->Stream(&ctx, &ack);
    Frame f;
    f.set_message(bad);
    writer->Write(f);
    writer->WritesDone();
    const grpc::Status s = writer->Finish();
    EXPECT_EQ(s.error_code(), grpc::StatusCode::DATA_LOSS) << s.error_message();
  }
  EXPECT_EQ(b.transport->metrics().frames_corrupt.load(), 3u);
  EXPECT_TRUE(b.handler.received_.empty());
  std::filesystem::remove_all(dir);
}

std::string Sha256(const std::string& data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  return std::string(reinterpret_cast<char*>(md), sizeof md);
}

TEST(GrpcTransport, SnapshotOfSeveralMiBArrivesIntact) {
  const std::string dir_a = TempDir(), dir_b = TempDir();
  Member a, b;
  ASSERT_TRUE(StartTransport(1, "http://127.0.0.1:0", dir_a, &a).ok());
  ASSERT_TRUE(StartTransport(2, "http://127.0.0.1:0", dir_b, &b).ok());
  ASSERT_TRUE(a.transport->AddPeer(2, Url(b)).ok());
  std::string data(5 * 1024 * 1024 + 123, '\0');
  std::mt19937_64 rng(7);
  for (char& c : data) c = static_cast<char>(rng());
  Message m;
  m.type = MessageType::kSnap;
  m.from = 1;
  m.to = 2;
  m.term = 4;
  m.snapshot.metadata.index = 1000;
  m.snapshot.metadata.term = 3;
  m.snapshot.metadata.conf_state.voters = {1, 2, 3};
  m.snapshot.data = data;
  a.transport->Send({m});
  ASSERT_TRUE(b.handler.WaitFor([&] { return !b.handler.snapshots_.empty(); }));
  ASSERT_TRUE(a.handler.WaitFor([&] { return !a.handler.snap_reports_.empty(); }));
  EXPECT_FALSE(a.handler.snap_reports_[0]);  // success
  const auto& [got, path] = b.handler.snapshots_[0];
  EXPECT_EQ(got.snapshot.metadata, m.snapshot.metadata);
  EXPECT_TRUE(got.snapshot.data.empty());
  EXPECT_EQ(path, dir_b + "/3-1000.snap");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream file;
  file << in.rdbuf();
  EXPECT_EQ(Sha256(file.str()), Sha256(data));
  EXPECT_EQ(b.transport->metrics().snapshot_bytes_received.load(), data.size());
  // No temp file left behind.
  for (auto& e : std::filesystem::directory_iterator(dir_b)) {
    EXPECT_EQ(e.path().extension(), ".snap") << e.path();
  }
  std::filesystem::remove_all(dir_a);
  std::filesystem::remove_all(dir_b);
}

TEST(GrpcTransport, SnapshotToDeadPeerReportsFailure) {
  const std::string dir = TempDir();
  Member a, b;
  ASSERT_TRUE(StartTransport(1, "http://127.0.0.1:0", dir, &a).ok());
  ASSERT_TRUE(StartTransport(2, "http://127.0.0.1:0", dir, &b).ok());
  const std::string url = Url(b);
  b.transport.reset();
  ASSERT_TRUE(a.transport->AddPeer(2, url).ok());
  Message m;
  m.type = MessageType::kSnap;
  m.from = 1;
  m.to = 2;
  m.snapshot.metadata.index = 5;
  m.snapshot.metadata.term = 1;
  m.snapshot.data = "x";
  a.transport->Send({m});
  ASSERT_TRUE(a.handler.WaitFor([&] { return !a.handler.snap_reports_.empty(); }));
  EXPECT_TRUE(a.handler.snap_reports_[0]);  // failed
  EXPECT_EQ(a.transport->metrics().snapshots_failed.load(), 1u);
  std::filesystem::remove_all(dir);
}

TEST(GrpcTransport, UnixSocketPeers) {
  // Socket paths are limited to 107 bytes: a short directory under /tmp.
  std::string tmpl = "/tmp/cairnuXXXXXX";
  const std::string dir = mkdtemp(tmpl.data());
  Member a, b;
  ASSERT_TRUE(StartTransport(1, "unix://" + dir + "/a.sock", dir, &a).ok());
  ASSERT_TRUE(StartTransport(2, "unix://" + dir + "/b.sock", dir, &b).ok());
  ASSERT_TRUE(a.transport->AddPeer(2, "unix://" + dir + "/b.sock").ok());
  ASSERT_TRUE(b.transport->AddPeer(1, "unix:" + dir + "/a.sock").ok());
  a.transport->Send({Heartbeat(1, 2, 1)});
  b.transport->Send({Heartbeat(2, 1, 1)});
  EXPECT_TRUE(b.handler.WaitFor([&] { return b.handler.received_.size() == 1; }));
  EXPECT_TRUE(a.handler.WaitFor([&] { return a.handler.received_.size() == 1; }));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cairn::raft::transport

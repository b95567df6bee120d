#include "raft/transport/peer_service.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "raft/codec.h"

namespace cairn::raft::transport {
namespace {

void Inc(std::atomic<uint64_t>& c, uint64_t n = 1) { c.fetch_add(n, std::memory_order_relaxed); }

grpc::Status ToGrpc(const Status& s) {
  if (s.ok()) return grpc::Status::OK;
  grpc::StatusCode code = grpc::StatusCode::INTERNAL;
  switch (s.code()) {
    case Status::Code::kCorruption: code = grpc::StatusCode::DATA_LOSS; break;
    case Status::Code::kInvalidArgument: code = grpc::StatusCode::INVALID_ARGUMENT; break;
    case Status::Code::kUnavailable: code = grpc::StatusCode::UNAVAILABLE; break;
    case Status::Code::kIOError: code = grpc::StatusCode::INTERNAL; break;
    default: break;
  }
  return grpc::Status(code, s.ToString());
}

Status WriteAll(int fd, const std::string& data, const std::string& path) {
  size_t off = 0;
  while (off < data.size()) {
    const ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno("write " + path, errno);
    }
    off += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status FsyncDir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno("open " + dir, errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  return rc == 0 ? Status::Ok() : Status::FromErrno("fsync " + dir, err);
}

}  // namespace

grpc::Status PeerService::Stream(grpc::ServerContext* ctx, grpc::ServerReader<Frame>* reader, StreamAck*) {
  if (Status s = CheckPeerIdentity(*ctx, options_.tls); !s.ok()) {
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED, s.message());
  }
  Frame frame;
  NodeId from = kNoNode;  // the sender, once a frame decoded
  while (reader->Read(&frame)) {
    if (frame.message().empty()) {  // a link heartbeat
      if (from == kNoNode) from = frame.from();
      observer_->Received(frame.from(), 0);
      continue;
    }
    Message m;
    Status s = frame.message().size() > options_.message_bytes_max
                   ? Status::Corruption("peer frame of " + std::to_string(frame.message().size()) +
                                        " bytes exceeds the limit")
                   : DecodeMessage(frame.message(), &m);
    if (s.ok() && (m.to != options_.id || m.type == MessageType::kSnap || IsLocalMessage(m.type))) {
      s = Status::Corruption("peer frame: unexpected " + std::string(MessageTypeName(m.type)) + " for node " +
                             std::to_string(m.to));
    }
    if (!s.ok()) {
      Inc(options_.metrics->frames_corrupt);
      observer_->ReceiveFailed(from);
      return ToGrpc(s);
    }
    from = m.from;
    Inc(options_.metrics->messages_received);
    observer_->Received(from, frame.message().size());
    if (!options_.handler->Receive(std::move(m)).ok()) {
      Inc(options_.metrics->messages_rejected_by_handler);
      observer_->ReceiveFailed(from);
    }
  }
  return grpc::Status::OK;
}

grpc::Status PeerService::Snapshot(grpc::ServerContext* ctx, grpc::ServerReader<SnapshotChunk>* reader,
                                   SnapshotAck*) {
  if (Status s = CheckPeerIdentity(*ctx, options_.tls); !s.ok()) {
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED, s.message());
  }
  SnapshotChunk first;
  if (!reader->Read(&first)) return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "empty snapshot stream");
  Message m;
  Status s = DecodeMessage(first.message(), &m);
  if (s.ok() && (m.type != MessageType::kSnap || m.to != options_.id || m.snapshot.empty())) {
    s = Status::Corruption("snapshot stream does not start with a kSnap message for node " +
                           std::to_string(options_.id));
  }
  if (!s.ok()) {
    Inc(options_.metrics->frames_corrupt);
    observer_->ReceiveFailed(kNoNode);
    return ToGrpc(s);
  }
  const NodeId from = m.from;
  observer_->SnapshotReceiveStarted(from);
  const auto start = std::chrono::steady_clock::now();
  std::string path;
  uint64_t bytes = 0;
  s = ReceiveSnapshotFile(m, std::move(first), reader, &path, &bytes);
  if (s.ok()) {
    Inc(options_.metrics->snapshots_received);
    // Step 4.
    s = options_.handler->ReceiveSnapshot(std::move(m), path);
  }
  observer_->SnapshotReceiveFinished(from, s.ok(), bytes, std::chrono::steady_clock::now() - start);
  return ToGrpc(s);
}

grpc::Status PeerService::Probe(grpc::ServerContext* ctx, const ProbeRequest*, ProbeResponse*) {
  if (Status s = CheckPeerIdentity(*ctx, options_.tls); !s.ok()) {
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED, s.message());
  }
  return grpc::Status::OK;
}

std::string ReceivedSnapshotFileName(Term term, Index index) {
  return std::to_string(term) + "-" + std::to_string(index) + ".snap";
}

bool ParseReceivedSnapshotFileName(std::string_view name, Index* index) {
  constexpr std::string_view kSuffix = ".snap";
  const size_t dash = name.find('-');
  if (dash == std::string_view::npos || dash == 0 || name.size() <= dash + 1 + kSuffix.size() ||
      name.substr(name.size() - kSuffix.size()) != kSuffix) {
    return false;
  }
  const std::string_view digits = name.substr(dash + 1, name.size() - kSuffix.size() - dash - 1);
  if (digits.find_first_not_of("0123456789") != std::string_view::npos) return false;
  *index = std::strtoull(std::string(digits).c_str(), nullptr, 10);
  return true;
}

Status PeerService::ReceiveSnapshotFile(const Message& m, SnapshotChunk chunk,
                                        grpc::ServerReader<SnapshotChunk>* reader, std::string* path,
                                        uint64_t* bytes) {
  const std::string idx = std::to_string(m.snapshot.metadata.index);
  const std::string tmp = options_.snapshot_dir + "/.recv-" + std::to_string(m.from) + "-" + idx + ".tmp";
  const std::string final_path =
      options_.snapshot_dir + "/" +
      ReceivedSnapshotFileName(m.snapshot.metadata.term, m.snapshot.metadata.index);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::FromErrno("open " + tmp, errno);
  Status s;
  uint64_t total = 0;
  bool last = false;
  // Step 1.
  while (true) {
    total += chunk.data().size();
    if (total > options_.snapshot_bytes_max) {
      s = Status::InvalidArgument("snapshot exceeds " + std::to_string(options_.snapshot_bytes_max) +
                                  " bytes");
      break;
    }
    s = WriteAll(fd, chunk.data(), tmp);
    if (!s.ok()) break;
    if (chunk.last()) {
      last = true;
      break;
    }
    if (!reader->Read(&chunk)) break;
  }
  if (s.ok() && !last) s = Status::Corruption("snapshot stream ended before its last chunk");
  // Step 2.
  if (s.ok() && ::fsync(fd) != 0) s = Status::FromErrno("fsync " + tmp, errno);
  ::close(fd);
  // Step 3.
  if (s.ok() && ::rename(tmp.c_str(), final_path.c_str()) != 0) s = Status::FromErrno("rename " + tmp, errno);
  if (s.ok()) s = FsyncDir(options_.snapshot_dir);
  *bytes = total;
  if (!s.ok()) {
    ::unlink(tmp.c_str());
    return s;
  }
  options_.metrics->snapshot_bytes_received.fetch_add(total, std::memory_order_relaxed);
  *path = final_path;
  return Status::Ok();
}

}  // namespace cairn::raft::transport

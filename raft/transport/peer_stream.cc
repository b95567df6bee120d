#include "raft/transport/peer_stream.h"

#include <algorithm>

#include "raft/codec.h"

namespace cairn::raft::transport {
namespace {

void Inc(std::atomic<uint64_t>& c, uint64_t n = 1) { c.fetch_add(n, std::memory_order_relaxed); }

}  // namespace

PeerStream::PeerStream(PeerStreamOptions options)
    : options_(std::move(options)),
      observer_(options_.observer != nullptr ? options_.observer : NoopPeerObserver()) {}

Status PeerStream::Create(PeerStreamOptions options, std::unique_ptr<PeerStream>* out) {
  if (options.handler == nullptr || options.metrics == nullptr) {
    return Status::InvalidArgument("peer stream: handler and metrics are required");
  }
  PeerUrl url;
  CAIRN_RETURN_IF_ERROR(ParsePeerUrl(options.url, &url));
  std::shared_ptr<grpc::ChannelCredentials> creds;
  CAIRN_RETURN_IF_ERROR(MakeChannelCredentials(url, options.tls, &creds));
  std::unique_ptr<PeerStream> p(new PeerStream(std::move(options)));
  grpc::ChannelArguments args;
  const int limit = static_cast<int>(std::min<uint64_t>(p->options_.message_bytes_max + 4096, INT32_MAX));
  args.SetMaxSendMessageSize(limit);
  args.SetMaxReceiveMessageSize(limit);
  // Reconnect quickly after a peer restart; the stream loop has its own backoff.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, static_cast<int>(p->options_.backoff_initial.count()));
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, static_cast<int>(p->options_.backoff_max.count()));
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, static_cast<int>(p->options_.backoff_initial.count()));
  if (p->options_.keepalive_interval.count() > 0) {
    args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, static_cast<int>(p->options_.keepalive_interval.count()));
    args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, static_cast<int>(p->options_.keepalive_timeout.count()));
    args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
    args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  }
  p->channel_ = grpc::CreateCustomChannel(url.address, creds, args);
  p->stub_ = Peer::NewStub(p->channel_);
  PeerStream* raw = p.get();
  p->thread_ = std::thread([raw] { raw->Run(); });
  if (raw->options_.probe_interval.count() > 0) p->probe_thread_ = std::thread([raw] { raw->RunProber(); });
  *out = std::move(p);
  return Status::Ok();
}

PeerStream::~PeerStream() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    stopping_ = true;
    if (stream_ctx_ != nullptr) stream_ctx_->TryCancel();
    if (snap_ctx_ != nullptr) snap_ctx_->TryCancel();
    if (probe_ctx_ != nullptr) probe_ctx_->TryCancel();
  }
  cv_.notify_all();
  probe_cv_.notify_all();
  thread_.join();
  if (probe_thread_.joinable()) probe_thread_.join();
  if (snap_thread_.joinable()) snap_thread_.join();
  options_.metrics->send_queue_messages.fetch_sub(queue_.size(), std::memory_order_relaxed);
}

size_t PeerStream::queued() const {
  std::lock_guard<std::mutex> lk(mu_);
  return queue_.size();
}

void PeerStream::Unreachable() { options_.handler->ReportUnreachable(options_.to); }

void PeerStream::Send(const Message& m) {
  std::string bytes = EncodeMessage(m);
  if (bytes.size() > options_.message_bytes_max) {
    Inc(options_.metrics->messages_dropped_too_large);
    observer_->SendFailed(options_.to, 1);
    Unreachable();
    return;
  }
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (stopping_) return;
    if (queue_.size() >= options_.queue_messages_max) {
      Inc(options_.metrics->messages_dropped_queue_full);
      observer_->SendFailed(options_.to, 1);
    } else {
      queue_.push_back(std::move(bytes));
      Inc(options_.metrics->send_queue_messages);
      cv_.notify_one();
      return;
    }
  }
  Unreachable();
}

void PeerStream::Run() {
  auto backoff = options_.backoff_initial;
  const bool heartbeats = options_.link_heartbeat_interval.count() > 0;
  bool active = false;  // PeerActive reported and not yet PeerInactive
  std::unique_lock<std::mutex> lk(mu_);
  while (!stopping_) {
    grpc::ClientContext ctx;
    StreamAck ack;
    stream_ctx_ = &ctx;
    lk.unlock();
    std::unique_ptr<grpc::ClientWriter<Frame>> writer = stub_->Stream(&ctx, &ack);
    bool wrote = false;
    bool broken = false;
    bool lost = false;                // raft messages were lost with the broken stream
    bool heartbeat_due = heartbeats;  // a new stream says hello at once
    lk.lock();
    while (!stopping_ && !broken) {
      const auto ready = [&] { return stopping_ || !queue_.empty(); };
      if (!heartbeats) {
        cv_.wait(lk, ready);
      } else if (!heartbeat_due) {
        heartbeat_due = !cv_.wait_for(lk, options_.link_heartbeat_interval, ready);
      }
      if (stopping_) break;
      std::deque<std::string> batch;
      batch.swap(queue_);
      options_.metrics->send_queue_messages.fetch_sub(batch.size(), std::memory_order_relaxed);
      lk.unlock();
      if (batch.empty()) {
        heartbeat_due = false;
        Frame heartbeat;
        heartbeat.set_from(options_.from);
        if (writer->Write(heartbeat)) {
          wrote = true;
          observer_->Sent(options_.to, 0);
          if (!active) {
            active = true;
            observer_->PeerActive(options_.to);
          }
        } else {
          broken = true;
          observer_->SendFailed(options_.to, 1);
        }
        lk.lock();
        continue;
      }
      heartbeat_due = false;
      Frame frame;
      size_t sent = 0;
      uint64_t sent_bytes = 0;
      for (std::string& bytes : batch) {
        const size_t size = bytes.size();
        frame.set_message(std::move(bytes));
        if (!writer->Write(frame)) {
          broken = true;
          break;
        }
        ++sent;
        sent_bytes += size;
      }
      Inc(options_.metrics->messages_sent, sent);
      if (sent > 0) {
        wrote = true;
        observer_->Sent(options_.to, sent_bytes);
        if (!active) {
          active = true;
          observer_->PeerActive(options_.to);
        }
      }
      if (broken) {
        lost = true;
        Inc(options_.metrics->messages_dropped_stream_broken, batch.size() - sent);
        observer_->SendFailed(options_.to, batch.size() - sent);
      }
      lk.lock();
    }
    stream_ctx_ = nullptr;
    lk.unlock();
    ctx.TryCancel();
    writer->Finish();
    if (active) {
      active = false;
      observer_->PeerInactive(options_.to);
    }
    lk.lock();
    if (stopping_) break;
    Inc(options_.metrics->stream_failures);
    lk.unlock();
    if (lost) Unreachable();  // a failed link heartbeat loses no raft message
    lk.lock();
    if (wrote) backoff = options_.backoff_initial;
    cv_.wait_for(lk, backoff, [&] { return stopping_; });
    backoff = std::min(backoff * 2, options_.backoff_max);
  }
}

void PeerStream::SendSnapshot(Message m) {
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (stopping_) return;
    if (!snap_busy_) {
      snap_busy_ = true;
      if (snap_thread_.joinable()) snap_thread_.join();  // the previous transfer has finished
      snap_thread_ = std::thread([this, m = std::move(m)] { RunSnapshot(m); });
      return;
    }
  }
  Inc(options_.metrics->snapshots_failed);
  observer_->SnapshotSendStarted(options_.to);
  observer_->SnapshotSendFinished(options_.to, /*ok=*/false, 0, std::chrono::nanoseconds(0));
  options_.handler->ReportSnapshot(options_.to, /*failed=*/true);
}

void PeerStream::RunSnapshot(const Message& m) {
  observer_->SnapshotSendStarted(options_.to);
  const auto start = std::chrono::steady_clock::now();
  uint64_t bytes = 0;
  const Status s = StreamSnapshot(m, &bytes);
  Inc(s.ok() ? options_.metrics->snapshots_sent : options_.metrics->snapshots_failed);
  observer_->SnapshotSendFinished(options_.to, s.ok(), bytes, std::chrono::steady_clock::now() - start);
  options_.handler->ReportSnapshot(options_.to, /*failed=*/!s.ok());
  std::lock_guard<std::mutex> lk(mu_);
  snap_busy_ = false;
}

Status PeerStream::StreamSnapshot(const Message& m, uint64_t* bytes) {
  std::unique_ptr<SnapshotReader> reader;
  if (options_.snapshot_source != nullptr) {
    CAIRN_RETURN_IF_ERROR(options_.snapshot_source->Open(m, &reader));
  } else {
    reader = NewStringSnapshotReader(m.snapshot.data);
  }
  Message header = m;
  header.snapshot.data.clear();
  grpc::ClientContext ctx;
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (stopping_) return Status::Unavailable("transport stopping");
    snap_ctx_ = &ctx;
  }
  SnapshotAck ack;
  std::unique_ptr<grpc::ClientWriter<SnapshotChunk>> writer = stub_->Snapshot(&ctx, &ack);
  SnapshotChunk chunk;
  chunk.set_message(EncodeMessage(header));
  Status status;
  while (true) {
    std::string data;
    status = reader->Read(options_.snapshot_chunk_bytes, &data);
    if (!status.ok()) break;
    const bool last = data.empty();
    const size_t size = data.size();
    chunk.set_data(std::move(data));
    chunk.set_last(last);
    if (!writer->Write(chunk)) {
      status = Status::Unavailable("snapshot stream to peer " + std::to_string(options_.to) + " broke");
      break;
    }
    *bytes += size;
    chunk.clear_message();
    if (last) break;
  }
  if (!status.ok()) ctx.TryCancel();
  writer->WritesDone();
  const grpc::Status gs = writer->Finish();
  {
    std::lock_guard<std::mutex> lk(mu_);
    snap_ctx_ = nullptr;
  }
  if (status.ok() && !gs.ok()) {
    status =
        Status::Unavailable("snapshot to peer " + std::to_string(options_.to) + ": " + gs.error_message());
  }
  return status;
}

void PeerStream::RunProber() {
  std::unique_lock<std::mutex> lk(mu_);
  while (!stopping_) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + options_.probe_timeout);
    probe_ctx_ = &ctx;
    lk.unlock();
    ProbeRequest req;
    ProbeResponse resp;
    const auto start = std::chrono::steady_clock::now();
    const grpc::Status gs = stub_->Probe(&ctx, req, &resp);
    const auto rtt = std::chrono::steady_clock::now() - start;
    if (gs.ok()) observer_->RoundTrip(options_.to, rtt);
    lk.lock();
    probe_ctx_ = nullptr;
    probe_cv_.wait_for(lk, options_.probe_interval, [&] { return stopping_; });
  }
}

}  // namespace cairn::raft::transport

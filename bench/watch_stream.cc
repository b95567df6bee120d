#include "bench/watch_stream.h"

namespace cairn::bench {

WatchStream::WatchStream(const Connection* conn, const Connections* conns, grpc::CompletionQueue* cq) {
  for (int k = 0; k < 4; k++) tags_[k] = {this, static_cast<Kind>(k)};
  conns->Prepare(&ctx_);
  stream_ = conn->watch->PrepareAsyncWatch(&ctx_, cq);
}

void WatchStream::Start() { stream_->StartCall(&tags_[kStarted]); }

void WatchStream::Write(const etcdserverpb::WatchRequest& req) { stream_->Write(req, &tags_[kWritten]); }

void WatchStream::Read() { stream_->Read(&resp_, &tags_[kRead]); }

void WatchStream::OnCompletion(Kind kind, bool ok) {
  if (done_) return;
  if (!ok && kind != kFinished) {
    if (!finishing_) {
      finishing_ = true;
      stream_->Finish(&status_, &tags_[kFinished]);
    }
    return;
  }
  switch (kind) {
    case kStarted: OnStarted(); break;
    case kWritten: OnWritten(); break;
    case kRead: OnRead(); break;
    case kFinished:
      done_ = true;
      OnFinished();
      break;
  }
}

void SequentialCreateStream::CreateNext() {
  if (write_pending_) {
    create_wanted_ = true;
    return;
  }
  write_pending_ = true;
  etcdserverpb::WatchRequest req;
  FillCreate(&req);
  Write(req);
}

void SequentialCreateStream::OnStarted() {
  Read();
  CreateNext();
}

void SequentialCreateStream::OnWritten() {
  write_pending_ = false;
  if (create_wanted_) {
    create_wanted_ = false;
    CreateNext();
  }
}

void DeliverWatchCompletions(grpc::CompletionQueue* cq) {
  void* tag = nullptr;
  bool ok = false;
  while (cq->Next(&tag, &ok)) {
    auto* t = static_cast<WatchStream::Tag*>(tag);
    t->stream->OnCompletion(t->kind, ok);
  }
}

bool WaitWatchStreamsDone(const std::vector<const WatchStream*>& streams, std::chrono::nanoseconds bound) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  for (const WatchStream* s : streams) {
    while (!s->done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  return true;
}

}  // namespace cairn::bench

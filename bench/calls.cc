#include "bench/calls.h"

namespace cairn::bench {

KeepAliveCall::KeepAliveCall(const Connection* conn, const Connections* conns, int64_t lease_id)
    : conn_(conn), conns_(conns) {
  request_.set_id(lease_id);
}

void KeepAliveCall::Start(int64_t seq, grpc::CompletionQueue* cq) {
  error_.clear();
  failed_ = false;
  if (stream_ == nullptr) {
    context_ = std::make_unique<grpc::ClientContext>();
    conns_->Prepare(context_.get());
    stream_ = conn_->lease->PrepareAsyncLeaseKeepAlive(context_.get(), cq);
    stream_ready_ = false;
    pending_ = 1;
    stream_->StartCall(tag(kStarted));
    return;
  }
  WriteAndRead();
}

void KeepAliveCall::WriteAndRead() {
  pending_ = 2;
  stream_->Write(request_, tag(kWritten));
  stream_->Read(&response_, tag(kRead));
}

bool KeepAliveCall::OnEvent(int kind, bool ok) {
  if (closing_) return false;
  switch (kind) {
    case kStarted:
      pending_--;
      if (!ok) {
        failed_ = true;
      } else {
        stream_ready_ = true;
        WriteAndRead();
        return false;
      }
      break;
    case kWritten:
    case kRead:
      pending_--;
      if (!ok) failed_ = true;
      if (kind == kRead && ok && response_.ttl() <= 0 && !failed_) {
        error_ = "etcdserver: requested lease not found";
      }
      break;
    case kFinished:
      // The stream is gone: report its status and reopen on the next request.
      finishing_ = false;
      stream_.reset();
      context_.reset();
      error_ = finish_status_.ok() ? "rpc error: code = Canceled desc = keep-alive stream closed"
                                   : GoErrorString(finish_status_);
      return true;
  }
  if (pending_ > 0) return false;
  if (failed_) {
    // Collect the stream's status before completing this request with an error.
    finishing_ = true;
    stream_->Finish(&finish_status_, tag(kFinished));
    return false;
  }
  return true;
}

void KeepAliveCall::Close() {
  closing_ = true;
  if (stream_ != nullptr && !finishing_) {
    context_->TryCancel();
    stream_->Finish(&finish_status_, tag(kFinished));
  }
}

}  // namespace cairn::bench

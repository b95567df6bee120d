// The request kinds of the benchmark commands, as driver Calls.
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>

#include "bench/connections.h"
#include "bench/driver.h"
#include "proto/rpc.grpc.pb.h"

namespace cairn::bench {

// A unary RPC: `fill(seq, &request)` prepares request `seq` (the request object is reused, so
// fill may set only what changes), `prepare` is the stub's PrepareAsyncXxx.
template <class Request, class Response>
class UnaryCall : public Call {
 public:
  using Fill = std::function<void(int64_t seq, Request* request)>;
  // Optional: the report category of request `seq` (see Call::category()).
  using Categorize = std::function<int(int64_t seq)>;
  using Prepare = std::function<std::unique_ptr<grpc::ClientAsyncResponseReader<Response>>(
      grpc::ClientContext*, const Request&, grpc::CompletionQueue*)>;

  UnaryCall(const Connections* conns, Prepare prepare, Fill fill, Categorize categorize = nullptr)
      : conns_(conns),
        prepare_(std::move(prepare)),
        fill_(std::move(fill)),
        categorize_(std::move(categorize)) {}

  void Start(int64_t seq, grpc::CompletionQueue* cq) override {
    if (categorize_) category_ = categorize_(seq);
    context_ = std::make_unique<grpc::ClientContext>();
    conns_->Prepare(context_.get());
    fill_(seq, &request_);
    response_.Clear();
    reader_ = prepare_(context_.get(), request_, cq);
    reader_->StartCall();
    reader_->Finish(&response_, &status_, tag(0));
  }
  bool OnEvent(int kind, bool ok) override { return true; }
  std::string Error() const override { return status_.ok() ? std::string() : GoErrorString(status_); }
  int category() const override { return category_; }

 private:
  const Connections* conns_;
  Prepare prepare_;
  Fill fill_;
  Categorize categorize_;
  int category_ = 0;
  Request request_;
  Response response_;
  grpc::Status status_;
  std::unique_ptr<grpc::ClientContext> context_;
  std::unique_ptr<grpc::ClientAsyncResponseReader<Response>> reader_;
};

// One lease keep-alive round trip (write LeaseKeepAliveRequest, read its response) on a
// long-lived LeaseKeepAlive stream, reopened after a stream error. etcd's benchmark uses
// KeepAliveOnce (a new stream per request); a persistent stream measures the server's
// keep-alive path without stream set-up cost.
class KeepAliveCall : public Call {
 public:
  KeepAliveCall(const Connection* conn, const Connections* conns, int64_t lease_id);

  void Start(int64_t seq, grpc::CompletionQueue* cq) override;
  bool OnEvent(int kind, bool ok) override;
  std::string Error() const override { return error_; }
  void Close() override;

 private:
  enum Kind { kStarted = 0, kWritten = 1, kRead = 2, kFinished = 3 };
  void WriteAndRead();

  const Connection* conn_;
  const Connections* conns_;
  etcdserverpb::LeaseKeepAliveRequest request_;
  etcdserverpb::LeaseKeepAliveResponse response_;
  std::unique_ptr<grpc::ClientContext> context_;
  std::unique_ptr<grpc::ClientAsyncReaderWriter<etcdserverpb::LeaseKeepAliveRequest,
                                                etcdserverpb::LeaseKeepAliveResponse>>
      stream_;
  grpc::Status finish_status_;
  bool stream_ready_ = false;
  bool finishing_ = false;
  bool closing_ = false;
  int pending_ = 0;
  bool failed_ = false;
  std::string error_;
};

}  // namespace cairn::bench

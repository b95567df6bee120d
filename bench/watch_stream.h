// The skeleton of one etcd Watch RPC stream driven by a grpc::CompletionQueue, shared by the
// watch workloads (watch, watch-get, watch-latency, watch-fanout). A workload derives from
// WatchStream and says what to write and how to count responses; the base owns the RPC, its
// tags and its shutdown:
//   1. the derived constructor calls Start() last (the RPC starts; OnStarted() follows);
//   2. after any failed operation the stream calls Finish() once; OnFinished() runs when it
//      completes, and no hook runs after that;
//   3. Cancel() ends the RPC from any thread (the failed operations then lead to 2).
// Thread-safety: completions of one stream must be delivered one at a time, by a single
// completion-queue thread or by keeping one operation in flight; the hooks run on that thread.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "bench/connections.h"
#include "proto/rpc.grpc.pb.h"

namespace cairn::bench {

class WatchStream {
 public:
  enum Kind { kStarted, kWritten, kRead, kFinished };
  // The completion-queue tag of one kind of operation on one stream.
  struct Tag {
    WatchStream* stream;
    Kind kind;
  };

  // Prepares (does not start) a Watch RPC on `conn` with the credentials of `conns`.
  WatchStream(const Connection* conn, const Connections* conns, grpc::CompletionQueue* cq);
  WatchStream(const WatchStream&) = delete;
  WatchStream& operator=(const WatchStream&) = delete;
  virtual ~WatchStream() = default;

  // Handles the completion of the operation `kind` (ok as the completion queue reported it).
  void OnCompletion(Kind kind, bool ok);
  void Cancel() { ctx_.TryCancel(); }
  // True once the RPC's Finish has completed (any thread may ask).
  bool done() const { return done_.load(); }
  const grpc::Status& status() const { return status_; }

 protected:
  void Start();
  // REQUIRES: no Write of this stream in flight (one outstanding Write per gRPC stream).
  void Write(const etcdserverpb::WatchRequest& req);
  // Reads the next response into response(). REQUIRES: no Read in flight.
  void Read();
  const etcdserverpb::WatchResponse& response() const { return resp_; }

  virtual void OnStarted() = 0;
  virtual void OnWritten() = 0;
  // response() holds the new response; the hook calls Read() to keep reading.
  virtual void OnRead() = 0;
  virtual void OnFinished() = 0;

 private:
  Tag tags_[4];
  grpc::ClientContext ctx_;
  std::unique_ptr<grpc::ClientAsyncReaderWriter<etcdserverpb::WatchRequest, etcdserverpb::WatchResponse>>
      stream_;
  etcdserverpb::WatchResponse resp_;
  grpc::Status status_;
  bool finishing_ = false;
  std::atomic<bool> done_{false};
};

// A WatchStream creating its watches one after the other: it reads from the start and sends the
// first create; the derived class calls CreateNext() when a create's "created" response arrived.
// gRPC allows one outstanding Write per stream, so a create requested while the previous Write
// is in flight goes out when that Write completes.
class SequentialCreateStream : public WatchStream {
 protected:
  using WatchStream::WatchStream;

  // Fills the next create request, called when it is written.
  virtual void FillCreate(etcdserverpb::WatchRequest* req) = 0;
  void CreateNext();

 private:
  void OnStarted() override;
  void OnWritten() override;

  bool write_pending_ = false;
  bool create_wanted_ = false;
};

// Delivers the completions of `cq` to their WatchStreams until cq is shut down and drained.
// REQUIRES: every tag on cq is a WatchStream::Tag.
void DeliverWatchCompletions(grpc::CompletionQueue* cq);

// Polls (every 2 ms, at most `bound`) until every stream is done().
bool WaitWatchStreamsDone(const std::vector<const WatchStream*>& streams, std::chrono::nanoseconds bound);

// Ends the streams of `cq`: cancels each, waits (at most 10 s) for their Finish, since no
// operation may be started on a shut-down queue, then shuts cq down and joins `cq_thread`
// (running DeliverWatchCompletions on it).
template <class Stream>
void StopWatchStreams(const std::vector<std::unique_ptr<Stream>>& streams, grpc::CompletionQueue* cq,
                      std::thread* cq_thread) {
  std::vector<const WatchStream*> all;
  for (const auto& s : streams) {
    s->Cancel();
    all.push_back(s.get());
  }
  WaitWatchStreamsDone(all, std::chrono::seconds(10));
  cq->Shutdown();
  cq_thread->join();
}

}  // namespace cairn::bench

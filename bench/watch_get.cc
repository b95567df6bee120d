// watch-get: etcd 3.5's watch_get.go. Puts --events values to "watchkey", then opens --watchers
// watches on "watchkey" from the first of those revisions (unsynced watchers that must catch up),
// spread over --streams Watch streams, and measures serializable Gets of "abc" issued back to back
// on a connection of their own from the first watch's creation until every watcher has received
// its --events events.
//
// Output, as etcd prints it:  "Get during watch summary:\n" + report.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "bench/command_util.h"
#include "bench/commands.h"

namespace cairn::bench {
namespace {

int64_t SteadyNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
int64_t UnixNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Progress {
  std::mutex mu;
  std::condition_variable cv;
  bool first_created = false;
  int64_t streams_done = 0;      // streams whose watchers got all their events
  int64_t streams_finished = 0;  // streams whose RPC ended
  int64_t events = 0;
};

// One Watch stream holding `watch_count` watches created one after the other.
class CatchUpStream {
 public:
  enum Kind { kStarted, kWritten, kRead, kFinished };
  struct Tag {
    CatchUpStream* stream;
    Kind kind;
  };

  CatchUpStream(const Connection* conn, const Connections* conns, int64_t watch_count, int64_t start_revision,
                int64_t events_per_watch, Progress* progress, grpc::CompletionQueue* cq)
      : watch_count_(watch_count),
        start_revision_(start_revision),
        events_wanted_(watch_count * events_per_watch),
        progress_(progress) {
    for (int k = 0; k < 4; k++) tags_[k] = {this, static_cast<Kind>(k)};
    conns->Prepare(&ctx_);
    stream_ = conn->watch->PrepareAsyncWatch(&ctx_, cq);
    stream_->StartCall(&tags_[kStarted]);
  }

  void OnEvent(Kind kind, bool ok) {
    if (finished_) return;
    if (!ok && kind != kFinished) {
      if (!finishing_) {
        finishing_ = true;
        stream_->Finish(&status_, &tags_[kFinished]);
      }
      return;
    }
    switch (kind) {
      case kStarted:
        stream_->Read(&resp_, &tags_[kRead]);
        CreateNext();
        break;
      case kWritten:
        // At most one Write may be outstanding on a stream: a create requested while the previous
        // one was in flight goes out now.
        write_pending_ = false;
        if (create_wanted_) {
          create_wanted_ = false;
          CreateNext();
        }
        break;
      case kRead: {
        std::lock_guard<std::mutex> lock(progress_->mu);
        if (resp_.created()) {
          created_++;
          if (!progress_->first_created) {
            progress_->first_created = true;
            progress_->cv.notify_all();
          }
          if (created_ < watch_count_) CreateNext();
        }
        events_ += resp_.events_size();
        progress_->events += resp_.events_size();
        if (!done_ && events_ >= events_wanted_) {
          done_ = true;
          progress_->streams_done++;
          progress_->cv.notify_all();
        }
        stream_->Read(&resp_, &tags_[kRead]);
        break;
      }
      case kFinished: {
        finished_ = true;
        std::lock_guard<std::mutex> lock(progress_->mu);
        progress_->streams_finished++;
        progress_->cv.notify_all();
        break;
      }
    }
  }

  void Cancel() { ctx_.TryCancel(); }

 private:
  void CreateNext() {
    if (write_pending_) {
      create_wanted_ = true;
      return;
    }
    write_pending_ = true;
    etcdserverpb::WatchRequest req;
    req.mutable_create_request()->set_key("watchkey");
    req.mutable_create_request()->set_start_revision(start_revision_);
    stream_->Write(req, &tags_[kWritten]);
  }

  const int64_t watch_count_;
  const int64_t start_revision_;
  const int64_t events_wanted_;
  Progress* progress_;
  Tag tags_[4];
  grpc::ClientContext ctx_;
  std::unique_ptr<grpc::ClientAsyncReaderWriter<etcdserverpb::WatchRequest, etcdserverpb::WatchResponse>>
      stream_;
  etcdserverpb::WatchResponse resp_;
  grpc::Status status_;
  int64_t created_ = 0;
  int64_t events_ = 0;
  bool done_ = false;
  bool write_pending_ = false;
  bool create_wanted_ = false;
  bool finishing_ = false;
  bool finished_ = false;
};

}  // namespace

int RunWatchGet(const GlobalConfig& global, const WatchGetConfig& config, FILE* out, FILE* err) {
  if (Status s = ValidateGlobal(global); !s.ok()) return Fail(err, s);
  if (config.watchers < 1 || config.streams < 1 || config.events < 1) {
    return Fail(err, Status::InvalidArgument("--watchers, --streams and --events must be >= 1"));
  }
  std::unique_ptr<Connections> conns;
  if (Status s = Connections::Open(global.connect, global.conns, &conns); !s.ok()) return Fail(err, s);
  std::unique_ptr<Connections> get_conn;  // etcd: getClient := mustCreateClients(1, 1)
  if (Status s = Connections::Open(global.connect, 1, &get_conn); !s.ok()) return Fail(err, s);

  int64_t watch_rev = 0;
  for (int64_t i = 0; i < config.events; i++) {
    etcdserverpb::PutRequest put;
    put.set_key("watchkey");
    put.set_value(std::to_string(i));
    etcdserverpb::PutResponse resp;
    grpc::ClientContext ctx;
    conns->Prepare(&ctx);
    const grpc::Status s = conns->at(0).kv->Put(&ctx, put, &resp);
    if (!s.ok()) return Fail(err, Status::Unavailable("put: " + GoErrorString(s)));
    if (i == 0) watch_rev = resp.header().revision();
  }

  const ClientCpu cpu_before = CpuNow();
  const int64_t start_ns = SteadyNs();
  Progress progress;
  grpc::CompletionQueue cq;
  std::vector<std::unique_ptr<CatchUpStream>> streams;
  for (int64_t i = 0; i < config.streams; i++) {
    // Watcher j uses stream j % streams.
    const int64_t count = config.watchers / config.streams + (i < config.watchers % config.streams ? 1 : 0);
    if (count == 0) continue;
    const Connection& conn = conns->at((i % global.clients) % conns->size());
    streams.push_back(
        std::make_unique<CatchUpStream>(&conn, conns.get(), count, watch_rev, config.events, &progress, &cq));
  }
  std::thread cq_thread([&cq] {
    void* tag = nullptr;
    bool ok = false;
    while (cq.Next(&tag, &ok)) {
      auto* t = static_cast<CatchUpStream::Tag*>(tag);
      t->stream->OnEvent(t->kind, ok);
    }
  });

  // The get loop: back-to-back serializable Gets from the first watch's creation until stopped.
  std::atomic<bool> stop{false};
  ResultLog log;
  std::thread getter([&] {
    {
      std::unique_lock<std::mutex> lock(progress.mu);
      progress.cv.wait(lock, [&] { return progress.first_created || stop.load(); });
    }
    etcdserverpb::RangeRequest get;
    get.set_key("abc");
    get.set_serializable(true);
    while (!stop.load()) {
      etcdserverpb::RangeResponse resp;
      grpc::ClientContext ctx;
      get_conn->Prepare(&ctx);
      const int64_t st = SteadyNs();
      const int64_t st_unix = UnixNs();
      const grpc::Status s = get_conn->at(0).kv->Range(&ctx, get, &resp);
      if (stop.load()) break;
      if (s.ok()) {
        log.AddSuccess(st_unix, SteadyNs() - st);
      } else {
        log.AddError(GoErrorString(s));
      }
    }
  });

  bool complete = false;
  {
    // Bounded: give up after 30 s without a new event (etcd would wait forever).
    std::unique_lock<std::mutex> lock(progress.mu);
    int64_t seen = -1;
    while (progress.streams_done < static_cast<int64_t>(streams.size()) && progress.events != seen &&
           progress.streams_finished == 0) {
      seen = progress.events;
      progress.cv.wait_for(lock, std::chrono::seconds(30), [&] {
        return progress.streams_done >= static_cast<int64_t>(streams.size()) || progress.events != seen ||
               progress.streams_finished > 0;
      });
    }
    complete = progress.streams_done >= static_cast<int64_t>(streams.size());
  }
  stop.store(true);
  {
    std::lock_guard<std::mutex> lock(progress.mu);
    progress.cv.notify_all();
  }
  getter.join();
  const int64_t total_ns = SteadyNs() - start_ns;
  const ClientCpu cpu = CpuSince(cpu_before);
  for (auto& s : streams) s->Cancel();
  {
    std::unique_lock<std::mutex> lock(progress.mu);
    progress.cv.wait_for(lock, std::chrono::seconds(10),
                         [&] { return progress.streams_finished >= static_cast<int64_t>(streams.size()); });
  }
  cq.Shutdown();
  cq_thread.join();
  if (!complete) return Fail(err, Status::Unavailable("the watchers did not receive all their events"));

  const Stats stats = ComputeStats(log, total_ns, global.sample);
  if (global.output == "json") {
    std::fprintf(out, "%s\n", FormatReportJson(stats, "watch-get", cpu).c_str());
    return 0;
  }
  const std::string text =
      "Get during watch summary:\n" + FormatReport(stats, global.precise) + CpuLine(cpu, total_ns);
  std::fwrite(text.data(), 1, text.size(), out);
  std::fflush(out);
  return 0;
}

}  // namespace cairn::bench

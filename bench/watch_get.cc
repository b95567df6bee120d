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

#include "bench/clock.h"
#include "bench/command_util.h"
#include "bench/commands.h"
#include "bench/watch_stream.h"

namespace cairn::bench {
namespace {

struct Progress {
  std::mutex mu;
  std::condition_variable cv;
  bool first_created = false;
  int64_t streams_done = 0;      // streams whose watchers got all their events
  int64_t streams_finished = 0;  // streams whose RPC ended
  int64_t events = 0;
};

// One Watch stream holding `watch_count` watches created one after the other.
class CatchUpStream : public SequentialCreateStream {
 public:
  CatchUpStream(const Connection* conn, const Connections* conns, int64_t watch_count, int64_t start_revision,
                int64_t events_per_watch, Progress* progress, grpc::CompletionQueue* cq)
      : SequentialCreateStream(conn, conns, cq),
        watch_count_(watch_count),
        start_revision_(start_revision),
        events_wanted_(watch_count * events_per_watch),
        progress_(progress) {
    Start();
  }

 private:
  void OnRead() override {
    std::lock_guard<std::mutex> lock(progress_->mu);
    if (response().created()) {
      created_++;
      if (!progress_->first_created) {
        progress_->first_created = true;
        progress_->cv.notify_all();
      }
      if (created_ < watch_count_) CreateNext();
    }
    events_ += response().events_size();
    progress_->events += response().events_size();
    if (!all_events_ && events_ >= events_wanted_) {
      all_events_ = true;
      progress_->streams_done++;
      progress_->cv.notify_all();
    }
    Read();
  }

  void OnFinished() override {
    std::lock_guard<std::mutex> lock(progress_->mu);
    progress_->streams_finished++;
    progress_->cv.notify_all();
  }

  void FillCreate(etcdserverpb::WatchRequest* req) override {
    req->mutable_create_request()->set_key("watchkey");
    req->mutable_create_request()->set_start_revision(start_revision_);
  }

  const int64_t watch_count_;
  const int64_t start_revision_;
  const int64_t events_wanted_;
  Progress* progress_;
  int64_t created_ = 0;
  int64_t events_ = 0;
  bool all_events_ = false;  // this stream's watchers got all their events
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
  const int64_t start_ns = SteadyNowNs();
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
  std::thread cq_thread([&cq] { DeliverWatchCompletions(&cq); });

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
      const int64_t st = SteadyNowNs();
      const int64_t st_unix = UnixNowNs();
      const grpc::Status s = get_conn->at(0).kv->Range(&ctx, get, &resp);
      if (stop.load()) break;
      if (s.ok()) {
        log.AddSuccess(st_unix, SteadyNowNs() - st);
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
  const int64_t total_ns = SteadyNowNs() - start_ns;
  const ClientCpu cpu = CpuSince(cpu_before);
  StopWatchStreams(streams, &cq, &cq_thread);
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

// watch: etcd 3.5's watch.go. Phase 1 creates --streams Watch streams (stream i on client
// i % clients) and, on each, --watch-per-stream watches one after the other (a watch counts as
// created when its "created" response arrives, as clientv3's Watch() returns then); the watched
// keys are --watched-key-total keys of --key-size bytes (varint of a random or sequential number
// below --key-space-size), assigned round-robin. Phase 2 puts "data" to the watched keys
// (--put-total puts over all clients, --put-rate per second) and counts the events the watchers
// receive until every expected event has arrived.
//
// Output, as etcd prints it:
//   Watch creation summary:
//   <report of create latencies>Watch events received summary:
//   <report of events: Requests/sec is events per second; latencies are near zero by design>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "bench/calls.h"
#include "bench/clock.h"
#include "bench/command_util.h"
#include "bench/commands.h"
#include "bench/driver.h"
#include "bench/keys.h"
#include "bench/watch_stream.h"

namespace cairn::bench {
namespace {

// Progress shared by all streams (the streams run on one completion-queue thread).
struct WatchProgress {
  std::mutex mu;
  std::condition_variable cv;
  int64_t streams_created = 0;  // streams whose watches are all created
  int64_t streams_failed = 0;
  int64_t events_expected = 0;  // set before the puts start
  int64_t events_received = 0;
  int64_t last_event_ns = 0;
  ResultLog create_log;
  ResultLog event_log;
};

// One stream creating its watches one after the other, then counting their events.
class CreateThenCountStream : public SequentialCreateStream {
 public:
  CreateThenCountStream(const Connection* conn, const Connections* conns, std::vector<std::string> keys,
                        WatchProgress* progress, grpc::CompletionQueue* cq)
      : SequentialCreateStream(conn, conns, cq), keys_(std::move(keys)), progress_(progress) {
    Start();
  }

 private:
  void OnRead() override {
    OnResponse();
    Read();
  }

  void OnFinished() override {
    std::lock_guard<std::mutex> lock(progress_->mu);
    if (created_ < keys_.size()) progress_->streams_failed++;
    progress_->cv.notify_all();
  }

  void FillCreate(etcdserverpb::WatchRequest* req) override {
    req->mutable_create_request()->set_key(keys_[created_]);
    create_start_ns_ = SteadyNowNs();
    create_start_unix_ns_ = UnixNowNs();
  }

  void OnResponse() {
    const int64_t arrival_ns = SteadyNowNs();
    const etcdserverpb::WatchResponse& resp = response();
    if (resp.created()) {
      std::lock_guard<std::mutex> lock(progress_->mu);
      progress_->create_log.AddSuccess(create_start_unix_ns_, arrival_ns - create_start_ns_);
      created_++;
      if (created_ < keys_.size()) {
        CreateNext();
      } else {
        progress_->streams_created++;
        progress_->cv.notify_all();
      }
      return;
    }
    if (resp.events_size() == 0) return;
    const int64_t arrival_unix_ns = UnixNowNs();
    std::lock_guard<std::mutex> lock(progress_->mu);
    for (int i = 0; i < resp.events_size(); i++) {
      progress_->event_log.AddSuccess(arrival_unix_ns, SteadyNowNs() - arrival_ns);
      progress_->events_received++;
    }
    progress_->last_event_ns = SteadyNowNs();
    progress_->cv.notify_all();
  }

  const std::vector<std::string> keys_;
  WatchProgress* progress_;
  size_t created_ = 0;
  int64_t create_start_ns_ = 0;
  int64_t create_start_unix_ns_ = 0;
};

}  // namespace

int RunWatch(const GlobalConfig& global, const WatchConfig& config, FILE* out, FILE* err) {
  if (!CheckKeySpaceSize(config.key_space_size, err)) return 1;
  if (Status s = ValidateGlobal(global); !s.ok()) return Fail(err, s);
  if (config.streams < 1 || config.watch_per_stream < 1 || config.watched_key_total < 1) {
    return Fail(
        err, Status::InvalidArgument("--streams, --watch-per-stream and --watched-key-total must be >= 1"));
  }
  const int64_t grpc_conns = std::min(global.clients, global.conns);
  const int64_t wanted_conns = 1 + config.streams / 100;
  if (grpc_conns < wanted_conns) {
    std::fprintf(err, "warning: grpc limits 100 streams per client connection, have %lld but need %lld\n",
                 static_cast<long long>(grpc_conns), static_cast<long long>(wanted_conns));
  }
  std::mt19937_64 rng(std::random_device{}());
  std::vector<std::string> watched(static_cast<size_t>(config.watched_key_total));
  for (size_t i = 0; i < watched.size(); i++) {
    const int64_t n = config.sequential_keys ? static_cast<int64_t>(i) % config.key_space_size
                                             : static_cast<int64_t>(rng() % config.key_space_size);
    if (Status s = VarintKey(n, config.key_size, &watched[i]); !s.ok()) return Fail(err, s);
  }
  std::unique_ptr<Connections> conns;
  if (Status s = Connections::Open(global.connect, global.conns, &conns); !s.ok()) return Fail(err, s);

  // Keys per stream, round-robin over the streams' watches as etcd's key channel hands them out
  // (any assignment gives the same per-key watcher counts).
  std::map<std::string, int64_t> watchers_per_key;
  std::vector<std::vector<std::string>> stream_keys(static_cast<size_t>(config.streams));
  for (int64_t i = 0; i < config.streams * config.watch_per_stream; i++) {
    const std::string& key = watched[static_cast<size_t>(i) % watched.size()];
    stream_keys[static_cast<size_t>(i / config.watch_per_stream)].push_back(key);
    watchers_per_key[key]++;
  }

  const ClientCpu cpu_before = CpuNow();
  WatchProgress progress;
  grpc::CompletionQueue cq;
  std::vector<std::unique_ptr<CreateThenCountStream>> streams;
  const int64_t create_start_ns = SteadyNowNs();
  for (int64_t i = 0; i < config.streams; i++) {
    // etcd: streams[i] = clientv3.NewWatcher(clients[i%len(clients)]); client j uses conn j % conns.
    const Connection& conn = conns->at((i % global.clients) % conns->size());
    streams.push_back(std::make_unique<CreateThenCountStream>(
        &conn, conns.get(), stream_keys[static_cast<size_t>(i)], &progress, &cq));
  }
  std::thread cq_thread([&cq] { DeliverWatchCompletions(&cq); });
  auto shutdown = [&] { StopWatchStreams(streams, &cq, &cq_thread); };

  int64_t create_total_ns = 0;
  {
    std::unique_lock<std::mutex> lock(progress.mu);
    const bool created = progress.cv.wait_for(lock, std::chrono::seconds(60), [&] {
      return progress.streams_created + progress.streams_failed >= config.streams;
    });
    create_total_ns = SteadyNowNs() - create_start_ns;
    if (!created || progress.streams_failed > 0) {
      lock.unlock();
      shutdown();
      return Fail(err, Status::Unavailable("failed to create the watches"));
    }
  }
  const bool json = global.output == "json";
  const Stats create_stats = ComputeStats(progress.create_log, create_total_ns, global.sample);
  if (!json) {
    const std::string text = "Watch creation summary:\n" + FormatReport(create_stats, global.precise);
    std::fwrite(text.data(), 1, text.size(), out);
    std::fflush(out);
  }

  // Phase 2: puts from all clients.
  int64_t events_expected = 0;
  for (int64_t i = 0; i < config.put_total; i++) {
    events_expected += watchers_per_key[watched[static_cast<size_t>(i) % watched.size()]];
  }
  {
    std::lock_guard<std::mutex> lock(progress.mu);
    progress.events_expected = events_expected;
  }
  using etcdserverpb::PutRequest;
  using etcdserverpb::PutResponse;
  std::vector<std::unique_ptr<Call>> calls;
  for (int64_t i = 0; i < global.clients; i++) {
    const Connection& conn = conns->at(i % conns->size());
    auto prepare = [&conn](grpc::ClientContext* ctx, const PutRequest& req, grpc::CompletionQueue* q) {
      return conn.kv->PrepareAsyncPut(ctx, req, q);
    };
    auto fill = [&watched](int64_t seq, PutRequest* req) {
      req->set_key(watched[static_cast<size_t>(seq) % watched.size()]);
      req->set_value("data");
    };
    calls.push_back(std::make_unique<UnaryCall<PutRequest, PutResponse>>(conns.get(), prepare, fill));
  }
  auto limiter = MakeLimiter(config.put_rate, 1);
  DriverOptions options;
  options.total = config.put_total;
  options.threads = CqThreads(global);
  options.limiter = limiter.get();
  const int64_t events_start_ns = SteadyNowNs();
  const DriverResult puts = RunClosedLoop(calls, options);
  calls.clear();
  if (!puts.logs[0].errors().empty()) {
    shutdown();
    return Fail(err, Status::Unavailable("put failed: " + puts.logs[0].errors().begin()->first));
  }
  int64_t events_total_ns = 0;
  {
    // Bounded: give up when no event has arrived for 30 s (etcd would wait forever).
    std::unique_lock<std::mutex> lock(progress.mu);
    int64_t seen = -1;
    while (progress.events_received < events_expected && progress.events_received != seen) {
      seen = progress.events_received;
      progress.cv.wait_for(lock, std::chrono::seconds(30), [&] {
        return progress.events_received >= events_expected || progress.events_received != seen;
      });
    }
    if (progress.events_received < events_expected) {
      lock.unlock();
      shutdown();
      return Fail(err, Status::Unavailable("received " + std::to_string(progress.events_received) + " of " +
                                           std::to_string(events_expected) + " watch events"));
    }
    events_total_ns = progress.last_event_ns - events_start_ns;
  }
  const ClientCpu cpu = CpuSince(cpu_before);
  shutdown();
  const Stats event_stats = ComputeStats(progress.event_log, events_total_ns, global.sample);
  if (json) {
    std::fprintf(out, "{\"create\":%s,\"events\":%s}\n",
                 FormatReportJson(create_stats, "watch create", cpu).c_str(),
                 FormatReportJson(event_stats, "watch events", cpu).c_str());
    return 0;
  }
  const std::string text = "Watch events received summary:\n" + FormatReport(event_stats, global.precise) +
                           CpuLine(cpu, SteadyNowNs() - create_start_ns);
  std::fwrite(text.data(), 1, text.size(), out);
  std::fflush(out);
  return 0;
}

}  // namespace cairn::bench

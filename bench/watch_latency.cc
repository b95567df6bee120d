// watch-latency: etcd's watch_latency.go. `clients` watchers (one Watch stream per client, over
// the connections) watch one random key; a separate connection puts that key `put-total` times at
// `put-rate` per second (burst put-rate); for every put, each watcher's latency is the time from
// the put's acknowledgement to the arrival of its event (etcd 3.5 measures from after Put
// returns; an event that arrives before the acknowledgement counts as 0). Cairn's
// --from-put-start measures from before the put is sent instead: the end-to-end
// write-to-watcher latency.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "bench/clock.h"
#include "bench/command_util.h"
#include "bench/commands.h"
#include "bench/go_format.h"
#include "bench/keys.h"
#include "bench/rate_limiter.h"
#include "bench/report.h"
#include "bench/watch_stream.h"

namespace cairn::bench {
namespace {

// Shared between the completion-queue thread and the putting thread.
struct Round {
  std::mutex mu;
  std::condition_variable cv;
  int64_t created = 0;            // watchers whose create was acknowledged
  int64_t failed = 0;             // watchers whose stream ended
  int64_t received = 0;           // events received in the current round
  std::vector<int64_t> arrivals;  // steady ns of each event this round
};

// One watch on `key`: records the arrival time of each of its events in the round.
class Watcher : public WatchStream {
 public:
  Watcher(const Connection* conn, const Connections* conns, const std::string& key, Round* round,
          grpc::CompletionQueue* cq)
      : WatchStream(conn, conns, cq), round_(round) {
    create_.mutable_create_request()->set_key(key);
    Start();
  }

 private:
  void OnStarted() override { Write(create_); }
  void OnWritten() override { Read(); }

  void OnRead() override {
    const int64_t now = SteadyNowNs();
    std::lock_guard<std::mutex> lock(round_->mu);
    if (response().created()) {
      round_->created++;
    }
    for (int i = 0; i < response().events_size(); i++) {
      round_->arrivals.push_back(now);
      round_->received++;
    }
    round_->cv.notify_all();
    Read();
  }

  void OnFinished() override {
    std::lock_guard<std::mutex> lock(round_->mu);
    round_->failed++;
    round_->cv.notify_all();
  }

  Round* round_;
  etcdserverpb::WatchRequest create_;
};

}  // namespace

int RunWatchLatency(const GlobalConfig& global, const WatchLatencyConfig& config, FILE* out, FILE* err) {
  if (Status s = ValidateGlobal(global); !s.ok()) return Fail(err, s);
  if (config.put_rate < 1) {
    std::fprintf(err, "Error: --put-rate must be at least 1\n");
    return 1;
  }
  std::mt19937_64 rng(std::random_device{}());
  const std::string key = RandomBytes(config.key_size, &rng);
  const std::string value = RandomBytes(config.val_size, &rng);

  std::unique_ptr<Connections> conns;
  if (Status s = Connections::Open(global.connect, global.conns, &conns); !s.ok()) {
    std::fprintf(err, "Error: %s\n", s.message().c_str());
    return 1;
  }
  // etcd: putClient := mustCreateConn(), a connection of its own.
  std::unique_ptr<Connections> put_conn;
  if (Status s = Connections::Open(global.connect, 1, &put_conn); !s.ok()) {
    std::fprintf(err, "Error: %s\n", s.message().c_str());
    return 1;
  }

  const ClientCpu cpu_before = CpuNow();
  Round round;
  grpc::CompletionQueue cq;
  std::vector<std::unique_ptr<Watcher>> watchers;
  for (int64_t i = 0; i < global.clients; i++) {
    watchers.push_back(
        std::make_unique<Watcher>(&conns->at(i % conns->size()), conns.get(), key, &round, &cq));
  }
  std::thread cq_thread([&cq] { DeliverWatchCompletions(&cq); });

  auto shutdown = [&] { StopWatchStreams(watchers, &cq, &cq_thread); };

  {
    // Unlike etcd (which may race its first put against watch creation), wait for the creates.
    std::unique_lock<std::mutex> lock(round.mu);
    const bool created = round.cv.wait_for(lock, std::chrono::seconds(30), [&] {
      return round.created + round.failed >= static_cast<int64_t>(watchers.size());
    });
    if (!created || round.failed > 0) {
      lock.unlock();
      shutdown();
      std::fprintf(err, "Error: failed to create %lld watchers\n", static_cast<long long>(watchers.size()));
      return 1;
    }
  }

  RateLimiter limiter(static_cast<double>(config.put_rate), config.put_rate,
                      std::chrono::steady_clock::now());
  ResultLog log;
  const int64_t start_ns = SteadyNowNs();
  for (int64_t i = 0; i < config.put_total; i++) {
    std::this_thread::sleep_until(limiter.Reserve(std::chrono::steady_clock::now()));
    etcdserverpb::PutRequest put;
    put.set_key(key);
    put.set_value(value);
    etcdserverpb::PutResponse put_resp;
    grpc::ClientContext ctx;
    put_conn->Prepare(&ctx);
    const int64_t put_start = SteadyNowNs();
    const grpc::Status s = put_conn->at(0).kv->Put(&ctx, put, &put_resp);
    if (!s.ok()) {
      shutdown();
      std::fprintf(err, "Failed to Put for watch latency benchmark: %s\n", GoErrorString(s).c_str());
      return 1;
    }
    const int64_t st = config.from_put_start ? put_start : SteadyNowNs();
    const int64_t st_unix = UnixNowNs();
    std::unique_lock<std::mutex> lock(round.mu);
    round.cv.wait(
        lock, [&] { return round.received >= static_cast<int64_t>(watchers.size()) || round.failed > 0; });
    if (round.failed > 0) {
      lock.unlock();
      shutdown();
      std::fprintf(err, "Error: a watch stream ended during the benchmark\n");
      return 1;
    }
    for (int64_t arrival : round.arrivals) log.AddSuccess(st_unix, std::max<int64_t>(0, arrival - st));
    round.arrivals.clear();
    round.received -= static_cast<int64_t>(watchers.size());
  }
  const int64_t total_ns = SteadyNowNs() - start_ns;
  const ClientCpu cpu = CpuSince(cpu_before);
  shutdown();

  const Stats stats = ComputeStats(log, total_ns, global.sample);
  if (global.output == "json") {
    std::fprintf(out, "%s\n", FormatReportJson(stats, "watch-latency", cpu).c_str());
    return 0;
  }
  // etcd: fmt.Printf("%s", <-rc): no trailing newline.
  const std::string text = FormatReport(stats, global.precise) + CpuLine(cpu, total_ns);
  std::fwrite(text.data(), 1, text.size(), out);
  std::fflush(out);
  return 0;
}

}  // namespace cairn::bench

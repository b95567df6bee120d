// watch-fanout: `--watchers` watchers (one Watch stream each, spread over --conns connections)
// watch the prefix /registry/fanout/; `--put-clients` clients put `--put-total` keys under it at
// `--rate` puts per second in total. The delivery latency of an event at a watcher is the time
// from the put's acknowledgement to the event's arrival at that watcher (0 when the event came
// first), matched by revision; one sample per (put, watcher). Reports: "delivery" (all samples)
// and "put" (the puts' own latency). Events missing 30 s after the last one arrived are errors.
#include <algorithm>
#include <atomic>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>

#include "bench/clock.h"
#include "bench/command_util.h"
#include "bench/commands.h"
#include "bench/k8s_util.h"
#include "bench/keys.h"
#include "bench/rate_limiter.h"
#include "bench/wait_progress.h"
#include "bench/watch_stream.h"

namespace cairn::bench {
namespace {

constexpr const char* kFanoutPrefix = "/registry/fanout/";

struct Arrival {
  int64_t revision;
  int64_t steady_ns;
};

// One watch on kFanoutPrefix: records (revision, arrival) of each event it receives.
class FanoutWatcher : public WatchStream {
 public:
  FanoutWatcher(const Connection* conn, const Connections* conns, std::atomic<int64_t>* created,
                std::atomic<int64_t>* received, std::atomic<int64_t>* ended, grpc::CompletionQueue* cq)
      : WatchStream(conn, conns, cq), created_(created), received_(received), ended_(ended) {
    auto* create = create_.mutable_create_request();
    create->set_key(kFanoutPrefix);
    create->set_range_end(PrefixEnd(kFanoutPrefix));
    Start();
  }

  const std::vector<Arrival>& arrivals() const { return arrivals_; }

 private:
  // One operation is in flight per watcher, so the hooks never run concurrently.
  void OnStarted() override { Write(create_); }
  void OnWritten() override { Read(); }

  void OnRead() override {
    const int64_t now = SteadyNowNs();
    const etcdserverpb::WatchResponse& resp = response();
    if (resp.created()) created_->fetch_add(1);
    for (const auto& ev : resp.events()) arrivals_.push_back({ev.kv().mod_revision(), now});
    if (resp.events_size() > 0) received_->fetch_add(resp.events_size());
    Read();
  }

  void OnFinished() override { ended_->fetch_add(1); }

  std::atomic<int64_t>* created_;
  std::atomic<int64_t>* received_;
  std::atomic<int64_t>* ended_;
  etcdserverpb::WatchRequest create_;
  std::vector<Arrival> arrivals_;
};

}  // namespace

int RunWatchFanout(const GlobalConfig& global, const WatchFanoutConfig& config, FILE* out, FILE* err) {
  if (Status s = ValidateGlobal(global); !s.ok()) return Fail(err, s);
  if (config.watchers < 1 || config.put_total < 1 || config.put_clients < 1 || config.rate < 0 ||
      config.key_space_size < 1) {
    return Fail(err, Status::InvalidArgument(
                         "need --watchers, --put-total, --put-clients, --key-space-size >= 1, --rate >= 0"));
  }
  std::unique_ptr<Connections> conns;
  if (Status s = Connections::Open(global.connect, global.conns, &conns); !s.ok()) return Fail(err, s);
  std::unique_ptr<Connections> put_conns;  // the writers' own connections, like watch-latency
  if (Status s = Connections::Open(global.connect, std::min<int64_t>(config.put_clients, 8), &put_conns);
      !s.ok()) {
    return Fail(err, s);
  }
  std::mt19937_64 rng(std::random_device{}());
  const std::string value = RandomBytes(config.val_size, &rng);

  const ClientCpu cpu_before = CpuNow();
  std::atomic<int64_t> created{0}, received{0}, ended{0};
  grpc::CompletionQueue cq;
  std::vector<std::unique_ptr<FanoutWatcher>> watchers;
  for (int64_t i = 0; i < config.watchers; i++) {
    watchers.push_back(std::make_unique<FanoutWatcher>(&conns->at(i % conns->size()), conns.get(), &created,
                                                       &received, &ended, &cq));
  }
  std::vector<std::thread> cq_threads;
  for (int64_t t = 0; t < CqThreads(global); t++) {
    cq_threads.emplace_back([&cq] { DeliverWatchCompletions(&cq); });
  }
  auto shutdown = [&] {
    for (auto& w : watchers) w->Cancel();
    WaitWithProgress([&] { return ended.load() >= config.watchers; }, [&] { return ended.load(); },
                     10'000'000'000LL);
    cq.Shutdown();
    for (auto& t : cq_threads) t.join();
  };
  const int64_t n = config.watchers;
  if (!WaitWithProgress([&] { return created.load() + ended.load() >= n; }, [&] { return created.load(); },
                        30'000'000'000LL) ||
      ended.load() > 0) {
    shutdown();
    return Fail(err, Status::IOError("failed to create " + std::to_string(n) + " watchers"));
  }

  // Writers: acknowledgement time per revision.
  std::mutex acks_mu;
  std::unordered_map<int64_t, std::pair<int64_t, int64_t>> acks;  // revision -> (steady, unix) ns
  ResultLog put_log;
  std::mutex put_log_mu;
  std::unique_ptr<RateLimiter> limiter = MakeLimiter(config.rate, 1);
  std::atomic<int64_t> next_put{0};
  const int64_t start_ns = SteadyNowNs();
  std::vector<std::thread> writers;
  for (int64_t c = 0; c < config.put_clients; c++) {
    writers.emplace_back([&, c] {
      const Connection& conn = put_conns->at(c % put_conns->size());
      ResultLog local;
      for (int64_t seq = next_put.fetch_add(1); seq < config.put_total; seq = next_put.fetch_add(1)) {
        if (limiter) std::this_thread::sleep_until(limiter->Reserve(std::chrono::steady_clock::now()));
        etcdserverpb::PutRequest put;
        put.set_key(std::string(kFanoutPrefix) + "key-" + std::to_string(seq % config.key_space_size));
        put.set_value(value);
        etcdserverpb::PutResponse resp;
        grpc::ClientContext ctx;
        put_conns->Prepare(&ctx);
        const int64_t st = SteadyNowNs();
        const int64_t st_unix = UnixNowNs();
        const grpc::Status s = conn.kv->Put(&ctx, put, &resp);
        const int64_t ack = SteadyNowNs();
        if (!s.ok()) {
          local.AddError(GoErrorString(s));
          continue;
        }
        local.AddSuccess(st_unix, ack - st);
        std::lock_guard<std::mutex> lock(acks_mu);
        acks[resp.header().revision()] = {ack, UnixNowNs()};
      }
      std::lock_guard<std::mutex> lock(put_log_mu);
      put_log.Merge(std::move(local));
    });
  }
  for (auto& w : writers) w.join();
  const int64_t puts_ok = static_cast<int64_t>(acks.size());
  WaitWithProgress([&] { return received.load() >= puts_ok * n || ended.load() > 0; },
                   [&] { return received.load(); }, 30'000'000'000LL);
  const int64_t total_ns = SteadyNowNs() - start_ns;
  const ClientCpu cpu = CpuSince(cpu_before);
  shutdown();

  ResultLog delivery;
  for (const auto& w : watchers) {
    int64_t matched = 0;
    for (const Arrival& a : w->arrivals()) {
      auto it = acks.find(a.revision);
      if (it == acks.end()) continue;  // not one of this run's puts
      matched++;
      delivery.AddSuccess(it->second.second, std::max<int64_t>(0, a.steady_ns - it->second.first));
    }
    for (int64_t k = matched; k < puts_ok; k++) delivery.AddError("event not received");
  }
  std::vector<ResultLog> logs;
  logs.push_back(std::move(delivery));
  logs.push_back(std::move(put_log));
  PrintNamedReports(global, "watch-fanout", {"delivery", "put"}, logs, total_ns, cpu, out);
  return 0;
}

}  // namespace cairn::bench

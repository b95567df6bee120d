// k8s-churn: object churn as kube-apiserver writes it, watched as its informers/cacher watch it.
//
// Writers (--clients, closed loop, --total operations, --rate limit): each client owns the pods
// i = client, client + clients, ... of `--objects` under /registry/pods/<ns>/<name> and cycles
// through them: a missing pod is created, a present one is updated --updates-per-object times,
// then deleted. Request shapes are kube-apiserver's (storage/etcd3/store.go):
//   create: Txn{ if mod_revision(key) == 0 then put(key) else get(key) }
//   update: Txn{ if mod_revision(key) == last seen then put(key) else get(key) }
//   delete: Txn{ if mod_revision(key) == last seen then delete(key) else get(key) }
// (an else-branch answer refreshes the client's view; the next operation retries). Besides,
// --event-percent of the operations create an event object /registry/events/<ns>/<name> with
// Txn{ if mod_revision == 0 then put(key, lease) }, on a lease shared by all events of one
// --lease-reuse window (kube-apiserver's leaseManager: one lease granted with TTL event-ttl +
// reuse window, reused for every event written in that window).
// Watchers (--watchers): list-then-watch, like an informer: a full list of /registry/pods/, then
// a watch from the list's revision + 1 with prev_kv and progress_notify, plus a progress request
// every --progress-interval (kube-apiserver's RequestWatchProgress).
// Reports: create, update, delete, event (each etcd's format), then watch counters.
#include <atomic>
#include <mutex>
#include <random>
#include <thread>

#include "bench/clock.h"
#include "bench/command_util.h"
#include "bench/commands.h"
#include "bench/k8s_util.h"
#include "bench/keys.h"
#include "bench/wait_progress.h"

namespace cairn::bench {
namespace {

using etcdserverpb::Compare;
using etcdserverpb::TxnRequest;
using etcdserverpb::TxnResponse;

enum Category { kCreate = 0, kUpdate = 1, kDelete = 2, kEvent = 3 };
constexpr const char* kPodPrefix = "/registry/pods/";

// kube-apiserver's leaseManager: one lease per reuse window, shared by all writers.
class SharedLeases {
 public:
  SharedLeases(const Connections* conns, int64_t ttl_seconds, int64_t reuse_ns)
      : conns_(conns), ttl_seconds_(ttl_seconds), reuse_ns_(reuse_ns) {}

  // The current lease id (granting a new one when the window has passed); 0 when a grant failed.
  int64_t Get() {
    std::lock_guard<std::mutex> lock(mu_);
    const int64_t now = SteadyNowNs();
    if (id_ != 0 && now - granted_ns_ < reuse_ns_) return id_;
    etcdserverpb::LeaseGrantRequest req;
    req.set_ttl(ttl_seconds_ + reuse_ns_ / 1'000'000'000);
    etcdserverpb::LeaseGrantResponse resp;
    grpc::ClientContext ctx;
    conns_->Prepare(&ctx);
    if (!conns_->at(0).lease->LeaseGrant(&ctx, req, &resp).ok()) return 0;
    id_ = resp.id();
    granted_ns_ = now;
    grants_++;
    return id_;
  }
  int64_t grants() {
    std::lock_guard<std::mutex> lock(mu_);
    return grants_;
  }

 private:
  const Connections* conns_;
  const int64_t ttl_seconds_;
  const int64_t reuse_ns_;
  std::mutex mu_;
  int64_t id_ = 0;
  int64_t granted_ns_ = 0;
  int64_t grants_ = 0;
};

struct Pod {
  std::string key;
  int64_t mod_revision = 0;  // 0: absent (as far as this client knows)
  int64_t updates = 0;
};

struct ChurnShared {
  const K8sChurnConfig* config;
  std::string value;
  SharedLeases* leases;
  std::atomic<int64_t> pod_mutations{0};  // successful creates/updates/deletes (events watchers expect)
  std::atomic<int64_t> retries{0};        // compare failed: the client's view was refreshed
};

class ChurnCall : public Call {
 public:
  ChurnCall(const Connection* conn, const Connections* conns, ChurnShared* shared, int64_t client,
            int64_t clients)
      : conn_(conn), conns_(conns), shared_(shared), client_(client) {
    const K8sChurnConfig& c = *shared->config;
    for (int64_t i = client; i < c.objects; i += clients) {
      pods_.push_back({K8sObjectKey("pods", i, c.namespaces), 0, 0});
    }
  }

  void Start(int64_t seq, grpc::CompletionQueue* cq) override {
    const K8sChurnConfig& c = *shared_->config;
    request_.Clear();
    error_.clear();
    pod_ = nullptr;
    if (InPercent(seq, c.event_percent) || pods_.empty()) {
      category_ = kEvent;
      const std::string key = "/registry/events/ns-" + std::to_string(seq % c.namespaces) + "/event-" +
                              std::to_string(client_) + "-" + std::to_string(seq);
      AddCompare(key, 0);
      auto* put = request_.add_success()->mutable_request_put();
      put->set_key(key);
      put->set_value(shared_->value);
      put->set_lease(shared_->leases->Get());
    } else {
      pod_ = &pods_[static_cast<size_t>(next_pod_++ % static_cast<int64_t>(pods_.size()))];
      AddCompare(pod_->key, pod_->mod_revision);
      request_.add_failure()->mutable_request_range()->set_key(pod_->key);
      if (pod_->mod_revision == 0) {
        category_ = kCreate;
      } else if (pod_->updates < c.updates_per_object) {
        category_ = kUpdate;
      } else {
        category_ = kDelete;
      }
      if (category_ == kDelete) {
        request_.add_success()->mutable_request_delete_range()->set_key(pod_->key);
      } else {
        auto* put = request_.add_success()->mutable_request_put();
        put->set_key(pod_->key);
        put->set_value(shared_->value);
      }
    }
    context_ = std::make_unique<grpc::ClientContext>();
    conns_->Prepare(context_.get());
    response_.Clear();
    reader_ = conn_->kv->PrepareAsyncTxn(context_.get(), request_, cq);
    reader_->StartCall();
    reader_->Finish(&response_, &status_, tag(0));
  }

  bool OnEvent(int, bool) override {
    if (!status_.ok()) {
      error_ = GoErrorString(status_);
      return true;
    }
    if (pod_ == nullptr) {
      if (!response_.succeeded()) error_ = "event already exists";
      return true;
    }
    if (response_.succeeded()) {
      shared_->pod_mutations.fetch_add(1);
      if (category_ == kDelete) {
        *pod_ = {pod_->key, 0, 0};
      } else {
        pod_->mod_revision = response_.header().revision();
        if (category_ == kUpdate) pod_->updates++;
      }
      return true;
    }
    // Compare failed: refresh from the else branch's get (what kube-apiserver does on conflict).
    shared_->retries.fetch_add(1);
    const auto& range = response_.responses(0).response_range();
    pod_->mod_revision = range.kvs_size() > 0 ? range.kvs(0).mod_revision() : 0;
    return true;
  }

  std::string Error() const override { return error_; }
  int category() const override { return category_; }

 private:
  void AddCompare(const std::string& key, int64_t mod_revision) {
    Compare* cmp = request_.add_compare();
    cmp->set_key(key);
    cmp->set_target(Compare::MOD);
    cmp->set_result(Compare::EQUAL);
    cmp->set_mod_revision(mod_revision);
  }

  const Connection* conn_;
  const Connections* conns_;
  ChurnShared* shared_;
  const int64_t client_;
  std::vector<Pod> pods_;
  int64_t next_pod_ = 0;
  Pod* pod_ = nullptr;
  int category_ = kCreate;
  std::string error_;
  TxnRequest request_;
  TxnResponse response_;
  grpc::Status status_;
  std::unique_ptr<grpc::ClientContext> context_;
  std::unique_ptr<grpc::ClientAsyncResponseReader<TxnResponse>> reader_;
};

struct WatchCounters {
  std::atomic<int64_t> created{0};
  std::atomic<int64_t> ended{0};
  std::atomic<int64_t> events{0};
  std::atomic<int64_t> prev_kv_missing{0};  // update/delete events without prev_kv
  std::atomic<int64_t> progress{0};         // progress notifications (no events, not created)
};

// An informer: watch from `start_revision` with prev_kv and progress_notify, requesting progress
// every `progress_interval_ns` (0: never).
class InformerWatch {
 public:
  enum Kind { kStarted, kWritten, kRead, kFinished, kAlarm };
  struct Tag {
    InformerWatch* w;
    Kind kind;
  };

  InformerWatch(const Connection* conn, const Connections* conns, int64_t start_revision,
                int64_t progress_interval_ns, WatchCounters* counters, grpc::CompletionQueue* cq)
      : progress_interval_ns_(progress_interval_ns), counters_(counters), cq_(cq) {
    for (int k = 0; k < 5; k++) tags_[k] = {this, static_cast<Kind>(k)};
    conns->Prepare(&ctx_);
    auto* create = create_.mutable_create_request();
    create->set_key(kPodPrefix);
    create->set_range_end(PrefixEnd(kPodPrefix));
    create->set_start_revision(start_revision);
    create->set_prev_kv(true);
    create->set_progress_notify(true);
    progress_.mutable_progress_request();
    stream_ = conn->watch->PrepareAsyncWatch(&ctx_, cq);
    stream_->StartCall(&tags_[kStarted]);
  }

  // One completion-queue thread at a time per watcher is guaranteed only for the read chain; the
  // write/alarm chain runs concurrently with it, so the shared flags are guarded by mu_.
  void OnEvent(Kind kind, bool ok) {
    std::lock_guard<std::mutex> lock(mu_);
    if (kind == kAlarm) {
      alarm_pending_ = false;
      if (ok && !finishing_ && !cancelled_) stream_->Write(progress_, &tags_[kWritten]);
      return;
    }
    if (done_) return;
    if (!ok && kind != kFinished) {
      if (!finishing_) {
        finishing_ = true;
        stream_->Finish(&status_, &tags_[kFinished]);
      }
      return;
    }
    switch (kind) {
      case kStarted: stream_->Write(create_, &tags_[kWritten]); break;
      case kWritten:
        if (!reading_) {
          reading_ = true;
          stream_->Read(&resp_, &tags_[kRead]);
        }
        ArmProgress();
        break;
      case kRead: {
        if (resp_.created()) {
          counters_->created.fetch_add(1);
        } else if (resp_.events_size() == 0 && !resp_.canceled()) {
          counters_->progress.fetch_add(1);
        }
        for (const auto& ev : resp_.events()) {
          const bool needs_prev = ev.type() == mvccpb::Event::DELETE || ev.kv().version() > 1;
          if (needs_prev && !ev.has_prev_kv()) counters_->prev_kv_missing.fetch_add(1);
        }
        counters_->events.fetch_add(resp_.events_size());
        stream_->Read(&resp_, &tags_[kRead]);
        break;
      }
      case kFinished:
        done_ = true;
        counters_->ended.fetch_add(1);
        break;
      case kAlarm: break;
    }
  }

  void Cancel() {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_ = true;
    if (alarm_pending_) alarm_.Cancel();
    ctx_.TryCancel();
  }

 private:
  void ArmProgress() {
    if (progress_interval_ns_ <= 0 || alarm_pending_ || cancelled_ || finishing_) return;
    alarm_pending_ = true;
    alarm_.Set(cq_, std::chrono::system_clock::now() + std::chrono::nanoseconds(progress_interval_ns_),
               &tags_[kAlarm]);
  }

  const int64_t progress_interval_ns_;
  WatchCounters* counters_;
  grpc::CompletionQueue* cq_;
  Tag tags_[5];
  std::mutex mu_;
  grpc::Alarm alarm_;
  grpc::ClientContext ctx_;
  std::unique_ptr<grpc::ClientAsyncReaderWriter<etcdserverpb::WatchRequest, etcdserverpb::WatchResponse>>
      stream_;
  etcdserverpb::WatchRequest create_;
  etcdserverpb::WatchRequest progress_;
  etcdserverpb::WatchResponse resp_;
  grpc::Status status_;
  bool reading_ = false;
  bool alarm_pending_ = false;
  bool cancelled_ = false;
  bool finishing_ = false;
  bool done_ = false;
};

}  // namespace

int RunK8sChurn(const GlobalConfig& global, const K8sChurnConfig& config, FILE* out, FILE* err) {
  if (Status s = ValidateGlobal(global); !s.ok()) return Fail(err, s);
  if (config.objects < 1 || config.namespaces < 1 || config.total < 1 || config.watchers < 0 ||
      config.event_percent < 0 || config.event_percent > 100 || config.updates_per_object < 0 ||
      config.event_ttl_ns < 1'000'000'000 || config.lease_reuse_ns < 0 || config.rate < 0) {
    return Fail(err, Status::InvalidArgument(
                         "need --objects, --namespaces, --total >= 1, --watchers >= 0, "
                         "0 <= --event-percent <= 100, --updates-per-object >= 0, --event-ttl >= 1s"));
  }
  std::unique_ptr<Connections> conns;
  if (Status s = Connections::Open(global.connect, global.conns, &conns); !s.ok()) return Fail(err, s);
  std::mt19937_64 rng(std::random_device{}());
  SharedLeases leases(conns.get(), config.event_ttl_ns / 1'000'000'000, config.lease_reuse_ns);
  ChurnShared shared;
  shared.config = &config;
  shared.value = RandomBytes(config.object_size, &rng);
  shared.leases = &leases;

  const ClientCpu cpu_before = CpuNow();
  // Informers: list, then watch from the list's revision + 1.
  WatchCounters counters;
  grpc::CompletionQueue watch_cq;
  std::vector<std::unique_ptr<InformerWatch>> informers;
  for (int64_t i = 0; i < config.watchers; i++) {
    const Connection& conn = conns->at(i % conns->size());
    etcdserverpb::RangeRequest list;
    list.set_key(kPodPrefix);
    list.set_range_end(PrefixEnd(kPodPrefix));
    etcdserverpb::RangeResponse listed;
    grpc::ClientContext ctx;
    conns->Prepare(&ctx);
    if (grpc::Status s = conn.kv->Range(&ctx, list, &listed); !s.ok()) {
      return Fail(err, Status::IOError("informer list: " + GoErrorString(s)));
    }
    informers.push_back(std::make_unique<InformerWatch>(&conn, conns.get(), listed.header().revision() + 1,
                                                        config.progress_interval_ns, &counters, &watch_cq));
  }
  std::thread watch_thread([&watch_cq] {
    void* tag = nullptr;
    bool ok = false;
    while (watch_cq.Next(&tag, &ok)) {
      auto* t = static_cast<InformerWatch::Tag*>(tag);
      t->w->OnEvent(t->kind, ok);
    }
  });
  auto stop_watchers = [&] {
    for (auto& w : informers) w->Cancel();
    WaitWithProgress([&] { return counters.ended.load() >= config.watchers; },
                     [&] { return counters.ended.load(); }, 10'000'000'000LL);
    watch_cq.Shutdown();
    watch_thread.join();
  };
  if (!WaitWithProgress([&] { return counters.created.load() + counters.ended.load() >= config.watchers; },
                        [&] { return counters.created.load(); }, 30'000'000'000LL) ||
      counters.ended.load() > 0) {
    stop_watchers();
    return Fail(err, Status::IOError("failed to create the informers' watches"));
  }

  std::vector<std::unique_ptr<Call>> calls;
  for (int64_t i = 0; i < global.clients; i++) {
    calls.push_back(
        std::make_unique<ChurnCall>(&conns->at(i % conns->size()), conns.get(), &shared, i, global.clients));
  }
  auto limiter = MakeLimiter(config.rate, 1);
  DriverOptions options;
  options.total = config.total;
  options.threads = CqThreads(global);
  options.limiter = limiter.get();
  options.categories = 4;
  const DriverResult result = RunClosedLoop(calls, options);
  calls.clear();
  // Every informer should see every pod mutation (bounded wait: 10 s without progress).
  const int64_t expected = shared.pod_mutations.load() * config.watchers;
  WaitWithProgress([&] { return counters.events.load() >= expected || counters.ended.load() > 0; },
                   [&] { return counters.events.load(); }, 10'000'000'000LL);
  const ClientCpu cpu = CpuSince(cpu_before);
  stop_watchers();

  const int64_t events = counters.events.load();
  const std::string extra_text = "Informers: " + std::to_string(config.watchers) + ", events received " +
                                 std::to_string(events) + " of " + std::to_string(expected) +
                                 ", without prev_kv " + std::to_string(counters.prev_kv_missing.load()) +
                                 ", progress notifications " + std::to_string(counters.progress.load()) +
                                 "; event leases granted " + std::to_string(leases.grants()) +
                                 "; compare retries " + std::to_string(shared.retries.load()) + "\n";
  const std::string extra_json = "\"watch\":{\"informers\":" + std::to_string(config.watchers) +
                                 ",\"events\":" + std::to_string(events) +
                                 ",\"expected_events\":" + std::to_string(expected) +
                                 ",\"prev_kv_missing\":" + std::to_string(counters.prev_kv_missing.load()) +
                                 ",\"progress_notifications\":" + std::to_string(counters.progress.load()) +
                                 "},\"lease_grants\":" + std::to_string(leases.grants()) +
                                 ",\"compare_retries\":" + std::to_string(shared.retries.load());
  PrintNamedReports(global, "k8s-churn", {"create", "update", "delete", "event"}, result.logs,
                    result.total_ns, cpu, out, extra_text, extra_json);
  return events >= expected && counters.prev_kv_missing.load() == 0 ? 0 : 2;
}

}  // namespace cairn::bench

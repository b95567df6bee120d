#include "server/api/watch_service.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <limits>
#include <mutex>
#include <queue>
#include <set>
#include <thread>
#include <unordered_map>
#include <vector>

#include "server/api/caller.h"
#include "server/api/rpc_errors.h"
#include "server/metrics/etcd_metrics.h"
#include "storage/mvcc/proto_convert.h"

namespace cairn::api {

using Clock = std::chrono::steady_clock;
using etcdserverpb::WatchRequest;
using etcdserverpb::WatchResponse;

namespace {

// How often a stream waiting to answer a progress request retries (every watcher synced?).
constexpr std::chrono::milliseconds kProgressRetryInterval(20);
// How often the timer thread looks for a leader while a stream requires one.
constexpr std::chrono::milliseconds kLeaderCheckInterval(100);
// At most this many events per response when a stream merges the responses queued behind its
// write in flight (etcd watchBatchMaxRevs: it catches a watcher up 1000 revisions at a time).
constexpr size_t kMergedEventsMax = 1000;

grpc::Status NoLeader() { return grpc::Status(grpc::StatusCode::UNAVAILABLE, "etcdserver: no leader"); }

// Appends `resp` to `out`, split into fragments when it is too large and the watcher asked for
// fragments: fragment = true on all but the last part.
void AppendResponse(WatchResponse resp, bool fragment, size_t max_bytes, std::deque<WatchResponse>* out) {
  if (!fragment || resp.ByteSizeLong() <= max_bytes || resp.events_size() <= 1) {
    out->push_back(std::move(resp));
    return;
  }
  WatchResponse part;
  *part.mutable_header() = resp.header();
  part.set_watch_id(resp.watch_id());
  for (int i = 0; i < resp.events_size(); i++) {
    *part.add_events() = std::move(*resp.mutable_events(i));
    if (part.ByteSizeLong() >= max_bytes && i + 1 < resp.events_size()) {
      part.set_fragment(true);
      out->push_back(part);
      part.clear_events();
    }
  }
  part.set_fragment(false);
  out->push_back(std::move(part));
}

}  // namespace

class WatchReactor;

// The threads shared by every watch stream of one WatchService:
//   * a small pool that runs WatchReactor::Pump for streams the store woke up (Post);
//   * one timer thread that pumps streams at the deadlines they armed (progress notifications,
//     progress-request retries) and, while some stream requires a leader, checks for one every
//     kLeaderCheckInterval and pumps those streams once the leader has been gone too long.
// Thread-safety: all methods are thread-safe. Post and Arm only take a leaf mutex and signal, so
// they may be called under the store's locks and under a reactor's mutex.
class WatchScheduler {
 public:
  WatchScheduler(etcdserver::EtcdServer* server, int pool_threads);
  ~WatchScheduler();

  void Post(std::shared_ptr<WatchReactor> r);
  // Pumps `r` at `at`, or at the earlier deadline it already armed.
  void Arm(const std::shared_ptr<WatchReactor>& r, Clock::time_point at);
  void AddLeaderWatcher(const std::shared_ptr<WatchReactor>& r);
  void RemoveLeaderWatcher(WatchReactor* r);
  // True if there is no leader and none was seen in the last three election timeouts, counting
  // from `since` at the earliest (etcd's monitorLeader).
  bool LeaderLost(Clock::time_point since, Clock::time_point now) const;

 private:
  struct Timer {
    Clock::time_point at;
    std::weak_ptr<WatchReactor> reactor;
    bool operator>(const Timer& o) const { return at > o.at; }
  };
  void PoolLoop();
  void TimerLoop();

  etcdserver::EtcdServer* const server_;
  const Clock::duration leader_grace_;
  std::atomic<Clock::rep> leader_seen_;  // steady_clock ticks of the last time a leader was seen

  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::deque<std::shared_ptr<WatchReactor>> ready_;  // guarded by pool_mu_
  bool pool_stop_ = false;                           // guarded by pool_mu_
  std::vector<std::thread> pool_;

  std::mutex timer_mu_;  // also guards WatchReactor::timer_at_
  std::condition_variable timer_cv_;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> timers_;      // guarded by timer_mu_
  std::unordered_map<WatchReactor*, std::weak_ptr<WatchReactor>> leader_watchers_;  // guarded by timer_mu_
  bool timer_stop_ = false;                                                         // guarded by timer_mu_
  std::thread timer_;
};

// One client Watch stream. Owns itself (self_) from Start until OnDone; the pool and the timer
// hold it by shared/weak pointer, so a late Pump finds a finished stream and does nothing.
class WatchReactor final : public grpc::ServerBidiReactor<WatchRequest, WatchResponse>,
                           public std::enable_shared_from_this<WatchReactor> {
 public:
  WatchReactor(grpc::CallbackServerContext* ctx, etcdserver::EtcdServer* server, WatchScheduler* scheduler,
               std::chrono::milliseconds progress_interval, size_t max_response_bytes, bool require_leader)
      : ctx_(ctx),
        server_(server),
        scheduler_(scheduler),
        progress_interval_(std::max(progress_interval, std::chrono::milliseconds(1))),
        max_response_bytes_(max_response_bytes),
        require_leader_(require_leader),
        created_(Clock::now()),
        next_progress_(created_ + progress_interval_) {}

  // Refuses the stream without a leader (if required), else creates its mvcc::WatchStream and
  // starts reading.
  void Start(std::shared_ptr<WatchReactor> self) {
    std::lock_guard<std::mutex> l(mu_);
    self_ = std::move(self);
    if (require_leader_ && !server_->HasLeader()) {
      FinishLocked(NoLeader());
      return;
    }
    watches_ = server_->NewWatchStream();
    // Called under the store's locks: only signals. watches_ is destroyed (in OnDone) before
    // self_ is released, so `this` outlives every call.
    watches_->set_on_ready([this] { Kick(); });
    metrics::Etcd().watch_stream_total.Inc();
    if (require_leader_) scheduler_->AddLeaderWatcher(self_);
    StartRead(&req_);
  }

  // Runs one round: leader check, due progress notifications, progress-request retry, and, if no
  // write is in flight, the next response (polling the store's queue when ours is empty).
  void Pump() {
    std::lock_guard<std::mutex> l(mu_);
    PumpLocked(Clock::now());
  }

  void OnReadDone(bool ok) override {
    std::lock_guard<std::mutex> l(mu_);
    if (!ok) {  // the client closed its side or the call ended
      FinishLocked(lost_leader_ ? NoLeader() : grpc::Status::OK);
      return;
    }
    if (finish_requested_) return;
    HandleRequestLocked(req_);
    PumpLocked(Clock::now());
    if (!finish_requested_) StartRead(&req_);
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> l(mu_);
    writing_.store(false);
    if (!ok) {  // the stream is broken
      ctx_->TryCancel();
      FinishLocked(grpc::Status::OK);
      return;
    }
    if (finish_requested_) {
      FinishLocked(finish_status_);
      return;
    }
    PumpLocked(Clock::now());
  }

  void OnDone() override {
    std::shared_ptr<WatchReactor> self;
    {
      std::lock_guard<std::mutex> l(mu_);
      if (watches_ != nullptr) {
        watches_.reset();  // cancels the watchers; no on_ready runs after this
        metrics::Etcd().watcher_total.Add(-static_cast<double>(active_watchers_));
        metrics::Etcd().watch_stream_total.Dec();
      }
      self = std::move(self_);
    }
    if (require_leader_) scheduler_->RemoveLeaderWatcher(this);
  }  // `self` may be the last reference

  // The store queued a response. A write in flight is followed by OnWriteDone, which polls after
  // clearing writing_, so only an idle stream needs a pump.
  void Kick() {
    if (writing_.load()) return;
    if (kick_pending_.exchange(true)) return;
    scheduler_->Post(shared_from_this());
  }

  std::atomic<bool> kick_pending_{false};  // a Post is queued and has not started
  Clock::time_point timer_at_{};           // the armed deadline ({}: none); guarded by timer_mu_

 private:
  void HandleRequestLocked(const WatchRequest& req) {
    if (req.has_create_request()) {
      const etcdserverpb::WatchCreateRequest& c = req.create_request();
      // etcd isWatchPermitted: read permission on the range, checked at creation only; a refusal
      // is a created-and-canceled response with watch id -1 and etcd's error text.
      if (server_->auth_store()->enabled()) {
        auth::AuthInfo who;
        Status denied = CallerOf(*ctx_, server_, &who);
        if (denied.ok()) denied = server_->auth_store()->CheckRead(who, c.key(), c.range_end());
        if (!denied.ok()) {
          WatchResponse resp;
          server_->FillHeader(resp.mutable_header());
          resp.set_watch_id(-1);
          resp.set_created(true);
          resp.set_canceled(true);
          resp.set_cancel_reason(GoGrpcErrorText(denied));
          out_.push_back(std::move(resp));
          return;
        }
      }
      mvcc::WatchOptions o;
      o.key = c.key();
      o.end = c.range_end();
      o.start_rev = c.start_revision();
      o.prev_kv = c.prev_kv();
      for (int f : c.filters()) o.filters.push_back(static_cast<mvcc::WatchFilter>(f));
      mvcc::WatchId id = -1;
      Status s = watches_->Watch(c.watch_id(), o, &id);
      WatchResponse resp;
      server_->FillHeader(resp.mutable_header());
      resp.set_created(true);
      if (!s.ok()) {
        resp.set_watch_id(-1);
        resp.set_canceled(true);
        resp.set_cancel_reason(s.message());
      } else {
        resp.set_watch_id(id);
        if (c.progress_notify()) {
          if (progress_ids_.empty()) AlignProgressLocked(Clock::now());
          progress_ids_.insert(id);
        }
        if (c.fragment()) fragment_ids_.insert(id);
        metrics::Etcd().watcher_total.Inc();
        active_watchers_++;
      }
      out_.push_back(std::move(resp));
    } else if (req.has_cancel_request()) {
      int64_t id = req.cancel_request().watch_id();
      if (watches_->Cancel(id).ok()) {
        progress_ids_.erase(id);
        fragment_ids_.erase(id);
        metrics::Etcd().watcher_total.Dec();
        active_watchers_--;
        WatchResponse resp;
        server_->FillHeader(resp.mutable_header());
        resp.set_watch_id(id);
        resp.set_canceled(true);
        out_.push_back(std::move(resp));
      }
    } else if (req.has_progress_request()) {
      progress_pending_ = !watches_->RequestProgressAll();
    }
  }

  // Keeps the stream's progress ticks on created_ + k * interval while no watcher wanted them.
  void AlignProgressLocked(Clock::time_point now) {
    if (next_progress_ > now) return;
    next_progress_ += ((now - next_progress_) / progress_interval_ + 1) * progress_interval_;
  }

  void PumpLocked(Clock::time_point now) {
    if (finish_requested_) return;
    if (require_leader_ && scheduler_->LeaderLost(created_, now)) {
      lost_leader_ = true;
      ctx_->TryCancel();
      FinishLocked(NoLeader());
      return;
    }
    if (now >= next_progress_) {
      for (int64_t id : progress_ids_) watches_->RequestProgress(id);
      next_progress_ = now + progress_interval_;
    }
    if (progress_pending_) progress_pending_ = !watches_->RequestProgressAll();
    StartNextWriteLocked();
    Clock::time_point at = Clock::time_point::max();
    if (progress_pending_) at = now + kProgressRetryInterval;
    if (!progress_ids_.empty()) at = std::min(at, next_progress_);
    if (at != Clock::time_point::max()) scheduler_->Arm(shared_from_this(), at);
  }

  // Starts the next write (polling the store's queue when ours is empty) unless one is in flight.
  void StartNextWriteLocked() {
    if (writing_.load()) return;
    if (out_.empty()) PollLocked();
    if (out_.empty()) return;
    inflight_ = std::move(out_.front());
    out_.pop_front();
    writing_.store(true);
    StartWrite(&inflight_);
  }

  // Moves the oldest response the store queued into out_, converted (and fragmented), merged with
  // the event responses of the same watcher queued right behind it (at most kMergedEventsMax
  // events and max_response_bytes_ of keys and values): while a write is in flight a busy
  // watcher's events pile up, and the next write carries them all, so a stream keeps up with a
  // fast writer with one write per batch instead of one per revision. One (merged) response at a
  // time: the rest stays bounded in the store's queue (a full queue unsyncs the watcher instead
  // of growing), so a stream holds at most one converted response here.
  void PollLocked() {
    mvcc::WatchResponse wr;
    if (watches_->Poll(&wr, kMergedEventsMax, max_response_bytes_)) {
      WatchResponse pb;
      server_->FillHeader(pb.mutable_header(), wr.revision);
      pb.set_watch_id(wr.watch_id);
      if (wr.compact_revision > 0) {
        pb.set_compact_revision(wr.compact_revision);
        pb.set_canceled(true);
      }
      for (const mvcc::Event& ev : wr.events) mvcc::ToProto(ev, pb.add_events());
      const bool fragment = fragment_ids_.count(wr.watch_id) != 0;
      AppendResponse(std::move(pb), fragment, max_response_bytes_, &out_);
    }
  }

  // Finishes with `status` now, or after the write in flight completes (one operation at a time).
  void FinishLocked(grpc::Status status) {
    if (!finish_requested_) {
      finish_requested_ = true;
      finish_status_ = std::move(status);
      out_.clear();
    }
    if (!writing_.load() && !finish_sent_) {
      finish_sent_ = true;
      Finish(finish_status_);
    }
  }

  grpc::CallbackServerContext* const ctx_;
  etcdserver::EtcdServer* const server_;
  WatchScheduler* const scheduler_;
  const std::chrono::milliseconds progress_interval_;
  const size_t max_response_bytes_;
  const bool require_leader_;
  const Clock::time_point created_;

  std::mutex mu_;  // everything below; ordered before the store's locks and the scheduler's
  std::shared_ptr<WatchReactor> self_;
  std::unique_ptr<mvcc::WatchStream> watches_;
  WatchRequest req_;                  // the read in flight
  WatchResponse inflight_;            // the write in flight
  std::atomic<bool> writing_{false};  // written under mu_; read by Kick without it
  std::deque<WatchResponse> out_;     // responses waiting for the write in flight
  std::set<int64_t> progress_ids_;
  std::set<int64_t> fragment_ids_;
  int64_t active_watchers_ = 0;
  bool progress_pending_ = false;  // a progress request waits for every watcher to be synced
  Clock::time_point next_progress_;
  bool lost_leader_ = false;
  bool finish_requested_ = false;
  bool finish_sent_ = false;
  grpc::Status finish_status_;
};

// ---- WatchScheduler ----

WatchScheduler::WatchScheduler(etcdserver::EtcdServer* server, int pool_threads)
    : server_(server),
      leader_grace_(3 * server->options().election_timeout),
      leader_seen_(Clock::now().time_since_epoch().count()) {
  if (pool_threads <= 0)
    pool_threads = std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, 4);
  for (int i = 0; i < pool_threads; i++) pool_.emplace_back([this] { PoolLoop(); });
  timer_ = std::thread([this] { TimerLoop(); });
}

WatchScheduler::~WatchScheduler() {
  {
    std::lock_guard<std::mutex> l(timer_mu_);
    timer_stop_ = true;
  }
  timer_cv_.notify_all();
  timer_.join();
  {
    std::lock_guard<std::mutex> l(pool_mu_);
    pool_stop_ = true;
  }
  pool_cv_.notify_all();
  for (std::thread& t : pool_) t.join();
}

void WatchScheduler::Post(std::shared_ptr<WatchReactor> r) {
  {
    std::lock_guard<std::mutex> l(pool_mu_);
    ready_.push_back(std::move(r));
  }
  pool_cv_.notify_one();
}

void WatchScheduler::PoolLoop() {
  std::unique_lock<std::mutex> l(pool_mu_);
  while (true) {
    pool_cv_.wait(l, [this] { return pool_stop_ || !ready_.empty(); });
    if (pool_stop_) return;
    std::shared_ptr<WatchReactor> r = std::move(ready_.front());
    ready_.pop_front();
    l.unlock();
    r->kick_pending_.store(false);
    r->Pump();
    r.reset();
    l.lock();
  }
}

void WatchScheduler::Arm(const std::shared_ptr<WatchReactor>& r, Clock::time_point at) {
  bool earliest;
  {
    std::lock_guard<std::mutex> l(timer_mu_);
    if (r->timer_at_ != Clock::time_point{} && r->timer_at_ <= at) return;
    r->timer_at_ = at;
    earliest = timers_.empty() || at < timers_.top().at;
    timers_.push(Timer{at, r});
  }
  if (earliest) timer_cv_.notify_one();
}

void WatchScheduler::AddLeaderWatcher(const std::shared_ptr<WatchReactor>& r) {
  bool first;
  {
    std::lock_guard<std::mutex> l(timer_mu_);
    first = leader_watchers_.empty();
    leader_watchers_.emplace(r.get(), r);
  }
  if (first) timer_cv_.notify_one();
}

void WatchScheduler::RemoveLeaderWatcher(WatchReactor* r) {
  std::lock_guard<std::mutex> l(timer_mu_);
  leader_watchers_.erase(r);
}

bool WatchScheduler::LeaderLost(Clock::time_point since, Clock::time_point now) const {
  if (server_->HasLeader()) return false;
  const Clock::time_point seen{Clock::duration(leader_seen_.load())};
  return now - std::max(seen, since) > leader_grace_;
}

void WatchScheduler::TimerLoop() {
  std::unique_lock<std::mutex> l(timer_mu_);
  Clock::time_point next_leader_check = Clock::now();
  std::vector<std::shared_ptr<WatchReactor>> due;
  while (!timer_stop_) {
    const Clock::time_point now = Clock::now();
    if (!leader_watchers_.empty() && now >= next_leader_check) {
      next_leader_check = now + kLeaderCheckInterval;
      if (server_->HasLeader()) {
        leader_seen_.store(now.time_since_epoch().count());
      } else if (now - Clock::time_point(Clock::duration(leader_seen_.load())) > leader_grace_) {
        for (auto& [raw, weak] : leader_watchers_) {
          if (auto r = weak.lock()) due.push_back(std::move(r));
        }
      }
    }
    while (!timers_.empty() && timers_.top().at <= now) {
      Timer t = timers_.top();
      timers_.pop();
      std::shared_ptr<WatchReactor> r = t.reactor.lock();
      if (r == nullptr || r->timer_at_ != t.at) continue;  // gone, or re-armed earlier
      r->timer_at_ = Clock::time_point{};
      due.push_back(std::move(r));
    }
    if (!due.empty()) {
      l.unlock();
      for (auto& r : due) Post(std::move(r));
      due.clear();
      l.lock();
      continue;
    }
    Clock::time_point wake = timers_.empty() ? Clock::time_point::max() : timers_.top().at;
    if (!leader_watchers_.empty()) wake = std::min(wake, next_leader_check);
    if (wake == Clock::time_point::max()) {
      timer_cv_.wait(l);
    } else {
      timer_cv_.wait_until(l, wake);
    }
  }
}

// ---- WatchService ----

WatchService::WatchService(etcdserver::EtcdServer* server, std::chrono::milliseconds progress_interval,
                           size_t max_response_bytes, int pool_threads)
    : server_(server),
      progress_interval_(progress_interval),
      max_response_bytes_(max_response_bytes),
      scheduler_(std::make_unique<WatchScheduler>(server, pool_threads)) {}

WatchService::~WatchService() = default;

grpc::ServerBidiReactor<WatchRequest, WatchResponse>* WatchService::Watch(
    grpc::CallbackServerContext* context) {
  // clientv3.WithRequireLeader (kube-apiserver sets it).
  auto md = context->client_metadata().find("hasleader");
  const bool require_leader = md != context->client_metadata().end() && md->second == "true";
  auto reactor = std::make_shared<WatchReactor>(context, server_, scheduler_.get(), progress_interval_,
                                                max_response_bytes_, require_leader);
  WatchReactor* raw = reactor.get();
  raw->Start(std::move(reactor));
  return raw;
}

}  // namespace cairn::api

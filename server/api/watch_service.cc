#include "server/api/watch_service.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <thread>

#include "server/metrics/etcd_metrics.h"
#include "storage/mvcc/proto_convert.h"

namespace cairn::api {
namespace {

using Stream = grpc::ServerReaderWriter<etcdserverpb::WatchResponse, etcdserverpb::WatchRequest>;

// The state shared by a stream's reader (handler) and sender threads.
struct StreamState {
  std::unique_ptr<mvcc::WatchStream> watches;
  std::mutex mu;  // ctrl, progress_ids, fragment_ids, done; also orders create vs. event polling
  // Wake-ups of the sender. wake_mu is a leaf lock (taken under mu and under the store's locks,
  // never the other way), so the store's on_ready callback can take it without deadlock.
  std::mutex wake_mu;
  std::condition_variable wake_cv;
  bool wake = false;
  void Wake() {
    {
      std::lock_guard<std::mutex> l(wake_mu);
      wake = true;
    }
    wake_cv.notify_one();
  }
  std::deque<etcdserverpb::WatchResponse> ctrl;
  std::set<int64_t> progress_ids;
  std::set<int64_t> fragment_ids;
  bool done = false;
  int64_t active_watchers = 0;
  bool progress_pending = false;  // a progress request waits for every watcher to be synced
};

// Writes `resp`, split into fragments when it is too large and the watcher asked for fragments.
bool SendEvents(Stream* stream, const etcdserverpb::WatchResponse& resp, bool fragment, size_t max_bytes) {
  if (!fragment || resp.ByteSizeLong() <= max_bytes || resp.events_size() <= 1) return stream->Write(resp);
  etcdserverpb::WatchResponse part;
  *part.mutable_header() = resp.header();
  part.set_watch_id(resp.watch_id());
  for (int i = 0; i < resp.events_size(); i++) {
    *part.add_events() = resp.events(i);
    if (part.ByteSizeLong() >= max_bytes && i + 1 < resp.events_size()) {
      part.set_fragment(true);
      if (!stream->Write(part)) return false;
      part.clear_events();
    }
  }
  part.set_fragment(false);
  return stream->Write(part);
}

}  // namespace

grpc::Status WatchService::Watch(grpc::ServerContext* context, Stream* stream) {
  // clientv3.WithRequireLeader (kube-apiserver sets it): refused without a leader, and canceled
  // once the leader has been gone for three election timeouts (etcd's monitorLeader).
  const grpc::Status no_leader(grpc::StatusCode::UNAVAILABLE, "etcdserver: no leader");
  auto md = context->client_metadata().find("hasleader");
  const bool require_leader = md != context->client_metadata().end() && md->second == "true";
  if (require_leader && !server_->HasLeader()) return no_leader;
  std::atomic<bool> lost_leader{false};
  StreamState st;
  st.watches = server_->NewWatchStream();
  st.watches->set_on_ready([s = &st] { s->Wake(); });
  metrics::Etcd().watch_stream_total.Inc();

  std::thread sender([&] {
    using Clock = std::chrono::steady_clock;
    auto next_progress = Clock::now() + progress_interval_;
    std::chrono::milliseconds timeout(100);
    std::unique_lock<std::mutex> lock(st.mu, std::defer_lock);
    auto leader_seen = Clock::now();
    const auto leader_grace = 3 * server_->options().election_timeout;
    while (true) {
      if (require_leader) {
        if (server_->HasLeader()) {
          leader_seen = Clock::now();
        } else if (Clock::now() - leader_seen > leader_grace) {
          lost_leader = true;
          context->TryCancel();
          break;
        }
      }
      {
        std::unique_lock<std::mutex> wl(st.wake_mu);
        st.wake_cv.wait_for(wl, timeout, [&] { return st.wake; });
        st.wake = false;
      }
      lock.lock();
      if (st.done) break;
      std::vector<std::pair<etcdserverpb::WatchResponse, bool>> out;  // (response, may fragment)
      while (!st.ctrl.empty()) {
        out.emplace_back(std::move(st.ctrl.front()), false);
        st.ctrl.pop_front();
      }
      if (std::chrono::steady_clock::now() >= next_progress) {
        for (int64_t id : st.progress_ids) st.watches->RequestProgress(id);
        next_progress = std::chrono::steady_clock::now() + progress_interval_;
      }
      if (st.progress_pending) st.progress_pending = !st.watches->RequestProgressAll();
      // Sleep until woken, the next progress notification, or (a progress request waiting for
      // watchers to sync) a short retry.
      auto until_progress =
          std::chrono::duration_cast<std::chrono::milliseconds>(next_progress - Clock::now());
      timeout = st.progress_pending ? std::chrono::milliseconds(20)
                                    : std::clamp(until_progress, std::chrono::milliseconds(1),
                                                 std::chrono::milliseconds(1000));
      mvcc::WatchResponse wr;
      while (st.watches->Poll(&wr)) {
        etcdserverpb::WatchResponse pb;
        server_->FillHeader(pb.mutable_header(), wr.revision);
        pb.set_watch_id(wr.watch_id);
        if (wr.compact_revision > 0) {
          pb.set_compact_revision(wr.compact_revision);
          pb.set_canceled(true);
        }
        for (const mvcc::Event& ev : wr.events) mvcc::ToProto(ev, pb.add_events());
        out.emplace_back(std::move(pb), st.fragment_ids.count(wr.watch_id) != 0);
      }
      lock.unlock();
      for (auto& [resp, fragment] : out) {
        if (!SendEvents(stream, resp, fragment, max_response_bytes_)) {
          context->TryCancel();
          break;
        }
      }
    }
  });

  etcdserverpb::WatchRequest req;
  while (stream->Read(&req)) {
    std::lock_guard<std::mutex> lock(st.mu);
    if (req.has_create_request()) {
      const etcdserverpb::WatchCreateRequest& c = req.create_request();
      mvcc::WatchOptions o;
      o.key = c.key();
      o.end = c.range_end();
      o.start_rev = c.start_revision();
      o.prev_kv = c.prev_kv();
      for (int f : c.filters()) o.filters.push_back(static_cast<mvcc::WatchFilter>(f));
      mvcc::WatchId id = -1;
      Status s = st.watches->Watch(c.watch_id(), o, &id);
      etcdserverpb::WatchResponse resp;
      server_->FillHeader(resp.mutable_header());
      resp.set_created(true);
      if (!s.ok()) {
        resp.set_watch_id(-1);
        resp.set_canceled(true);
        resp.set_cancel_reason(s.message());
      } else {
        resp.set_watch_id(id);
        if (c.progress_notify()) st.progress_ids.insert(id);
        if (c.fragment()) st.fragment_ids.insert(id);
        metrics::Etcd().watcher_total.Inc();
        st.active_watchers++;
      }
      st.ctrl.push_back(std::move(resp));
    } else if (req.has_cancel_request()) {
      int64_t id = req.cancel_request().watch_id();
      if (st.watches->Cancel(id).ok()) {
        st.progress_ids.erase(id);
        st.fragment_ids.erase(id);
        metrics::Etcd().watcher_total.Dec();
        st.active_watchers--;
        etcdserverpb::WatchResponse resp;
        server_->FillHeader(resp.mutable_header());
        resp.set_watch_id(id);
        resp.set_canceled(true);
        st.ctrl.push_back(std::move(resp));
      }
    } else if (req.has_progress_request()) {
      st.progress_pending = !st.watches->RequestProgressAll();
    }
    st.Wake();
  }
  {
    std::lock_guard<std::mutex> lock(st.mu);
    st.done = true;
  }
  st.Wake();
  sender.join();
  st.watches.reset();  // cancels the watchers while the wake-up state they call is still alive
  metrics::Etcd().watcher_total.Add(-static_cast<double>(st.active_watchers));
  metrics::Etcd().watch_stream_total.Dec();
  return lost_leader ? no_leader : grpc::Status::OK;
}

}  // namespace cairn::api

// etcdserverpb.Watch over the watchable store (etcd api/v3rpc/watch.go), on gRPC's callback API.
//
// Each client stream is a grpc::ServerBidiReactor; no thread belongs to a stream:
//   * reads (create: key, range_end, start_revision, prev_kv, filters, watch_id, progress_notify,
//     fragment; cancel; progress) are handled in OnReadDone, on a gRPC callback thread;
//   * responses go out one StartWrite at a time: control responses (created/canceled) and the
//     event responses the mvcc::WatchStream queues, in order. OnWriteDone takes the next one.
//     A created response is queued under the same lock that creates the watcher, before any
//     event of that watcher is polled, so a watcher's events never precede its created response.
//   * the store's on_ready (called under store locks) only posts the stream to a small shared
//     pool when no write is in flight (a write in flight is followed by OnWriteDone anyway).
//   * a stream polls the responses its watchers queued while a write was in flight as one: the
//     consecutive event responses of one watcher become one response (at most 1000 events and
//     max_response_bytes of keys and values), so a busy stream writes once per batch, not once
//     per revision (etcd also sends many revisions per response when catching a watcher up).
//   * one shared timer thread fires the progress notifications and the progress-request retries
//     of all streams, and checks for a leader for all streams that require one.
// A progress request is answered (watch id -1, etcd 3.5) once every watcher of the stream is
// synced; it is retried every 20 ms until then.
// Watchers with progress_notify get an empty response every `progress_interval` while synced
// (etcd --experimental-watch-progress-notify-interval). A compacted start revision is answered
// with compact_revision set and canceled = true. With `fragment`, a response larger than
// `max_response_bytes` is split into several with fragment = true on all but the last.
// clientv3.WithRequireLeader (metadata hasleader=true): refused with "etcdserver: no leader"
// without a leader, and canceled once the leader has been gone for three election timeouts.
//
// Bounds (CRAFT.md §10): a stream polls one response from its mvcc queue only when everything
// polled before has been written, so it holds at most one converted response (plus the
// created/canceled answers to its own requests); the rest waits in the store's bounded queue,
// and a full queue unsyncs the watcher (re-read from storage later) instead of growing.
//
// Thread-safety: gRPC calls Watch concurrently; each stream's state is under its own mutex.
// Lifetime: the grpc::Server must be shut down (every stream done) before this object is destroyed,
// and this object destroyed before the EtcdServer.
#pragma once

#include <chrono>
#include <memory>

#include "proto/rpc.grpc.pb.h"
#include "server/etcdserver/server.h"

namespace cairn::api {

class WatchScheduler;  // the shared pool and timer thread (watch_service.cc)

class WatchService final : public etcdserverpb::Watch::CallbackService {
 public:
  // `pool_threads` 0: min(hardware threads, 4), at least 1.
  WatchService(etcdserver::EtcdServer* server, std::chrono::milliseconds progress_interval,
               size_t max_response_bytes, int pool_threads = 0);
  ~WatchService() override;

  grpc::ServerBidiReactor<etcdserverpb::WatchRequest, etcdserverpb::WatchResponse>* Watch(
      grpc::CallbackServerContext* context) override;

 private:
  etcdserver::EtcdServer* server_;
  const std::chrono::milliseconds progress_interval_;
  const size_t max_response_bytes_;
  std::unique_ptr<WatchScheduler> scheduler_;
};

}  // namespace cairn::api

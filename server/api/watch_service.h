// etcdserverpb.Watch over the watchable store (etcd api/v3rpc/watch.go).
//
// Per client stream, two threads:
//   * the gRPC handler thread reads requests: create (key, range_end, start_revision, prev_kv,
//     filters, watch_id, progress_notify, fragment), cancel, progress;
//   * a sender thread writes, in order, control responses (created/canceled) and the event
//     responses the mvcc::WatchStream queues. A created response is queued under the same lock
//     that creates the watcher, and the sender drains control responses before events, so a
//     watcher's events never precede its created response.
// A progress request is answered (watch id -1, etcd 3.5) once every watcher of the stream is
// synced; the sender retries it each poll until then.
// Watchers with progress_notify get an empty response every `progress_interval` while synced
// (etcd --experimental-watch-progress-notify-interval). A compacted start revision is answered
// with compact_revision set and canceled = true. With `fragment`, a response larger than
// `max_response_bytes` is split into several with fragment = true on all but the last.
//
// Thread-safety: gRPC runs one handler per stream; streams are independent.
#pragma once

#include <chrono>

#include "proto/rpc.grpc.pb.h"
#include "server/etcdserver/server.h"

namespace cairn::api {

class WatchService final : public etcdserverpb::Watch::Service {
 public:
  WatchService(etcdserver::EtcdServer* server, std::chrono::milliseconds progress_interval,
               size_t max_response_bytes)
      : server_(server), progress_interval_(progress_interval), max_response_bytes_(max_response_bytes) {}
  grpc::Status Watch(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<etcdserverpb::WatchResponse, etcdserverpb::WatchRequest>* stream) override;

 private:
  etcdserver::EtcdServer* server_;
  const std::chrono::milliseconds progress_interval_;
  const size_t max_response_bytes_;
};

}  // namespace cairn::api

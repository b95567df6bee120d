// Write-path throughput of the server core without gRPC: EtcdServer::Put from N client threads
// through SingleNodeLog (real WAL with group commit in a temp dir, fdatasync per batch) into MVCC
// over the mem backend. Run: bazel run -c opt //server/etcdserver:server_bench
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <mutex>

#include "server/etcdserver/server.h"
#include "server/etcdserver/single_node_log.h"
#include "storage/backend/mem_backend.h"

namespace cairn::etcdserver {
namespace {

struct Member {
  explicit Member(bool use_io_uring) {
    char tmpl[] = "/tmp/server_benchXXXXXX";
    dir = mkdtemp(tmpl);
    wal::Options wo;
    wo.log = [](std::string_view) {};
    wo.use_io_uring = use_io_uring;
    if (!wal::Wal::Open(dir, wo, &w).ok()) std::abort();
    log = std::make_unique<SingleNodeLog>(w.get(), SingleNodeLog::Options{.member_id = 1});
    if (!EtcdServer::Open(ServerOptions{}, &b, log.get(), &s).ok()) std::abort();
  }
  ~Member() {
    s->Stop();
    s.reset();
    log.reset();
    w.reset();
    std::filesystem::remove_all(dir);
  }
  std::string dir;
  std::unique_ptr<wal::Wal> w;
  backend::MemBackend b;
  std::unique_ptr<SingleNodeLog> log;
  std::unique_ptr<EtcdServer> s;
};

Member* g_member = nullptr;

void BM_Put(benchmark::State& state) {
  if (state.thread_index() == 0) g_member = new Member(state.range(0) != 0);
  // Google Benchmark holds every thread at a barrier before the loop, so thread 0's setup is done.
  etcdserverpb::PutRequest req;
  req.set_value(std::string(256, 'v'));
  int64_t i = 0;
  for (auto _ : state) {
    req.set_key("key-" + std::to_string(state.thread_index()) + "-" + std::to_string(i++ % 10000));
    etcdserverpb::PutResponse resp;
    Status st = g_member->s->Put(req, &resp);
    if (!st.ok()) state.SkipWithError(st.message().c_str());
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    state.counters["wal_batches"] = static_cast<double>(g_member->log->batches_appended());
    delete g_member;
    g_member = nullptr;
  }
}

}  // namespace
}  // namespace cairn::etcdserver

// Arg: 1 = WAL through io_uring, 0 = pwrite + fdatasync.
BENCHMARK(cairn::etcdserver::BM_Put)
    ->ArgName("io_uring")
    ->Arg(1)
    ->Arg(0)
    ->Threads(1)
    ->Threads(16)
    ->Threads(64)
    ->UseRealTime()
    ->MinTime(2.0);

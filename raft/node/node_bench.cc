// Node driver benchmark: 3 drivers over LocalNetwork with real WALs (on the
// disk of $TMPDIR), closed-loop clients proposing 256-byte values and waiting
// until each is applied. Shows proposal batching: the WAL appends per entry
// fall as clients are added (group commit, DESIGN.md §4).
//
//   bazel run -c opt //raft/node:node_bench -- --benchmark_min_time=2
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <mutex>
#include <unordered_map>

#include "raft/node/local_transport.h"
#include "raft/node/node.h"

namespace cairn::raft::node {
namespace {

using namespace std::chrono_literals;

class BenchCluster {
 public:
  BenchCluster() {
    const char* tmp = getenv("TMPDIR");
    std::string tmpl = std::string(tmp ? tmp : "/tmp") + "/nodebenchXXXXXX";
    dir_ = mkdtemp(tmpl.data());
    for (NodeId id = 1; id <= 3; ++id) {
      NodeOptions o;
      o.raft.id = id;
      o.raft.election_ticks = 10;
      o.raft.pre_vote = true;
      o.raft.check_quorum = true;
      o.raft.max_inflight_msgs = 256;
      o.log.dir = dir_ + "/wal" + std::to_string(id);
      o.log.wal_options.log = [](std::string_view) {};
      o.log.initial_conf_state.voters = {1, 2, 3};
      o.transport = net_.TransportFor(id);
      o.tick_interval = 10ms;
      o.apply = [this](ApplyBatch&& b) { Applied(b); };
      Status s = Node::Start(std::move(o), &nodes_[id - 1]);
      if (!s.ok()) abort();
      net_.Attach(id, nodes_[id - 1].get());
    }
    while (leader() == nullptr) std::this_thread::sleep_for(1ms);
  }
  ~BenchCluster() {
    for (auto& n : nodes_) n->Stop();
    std::filesystem::remove_all(dir_);
  }
  Node* leader() {
    const NodeId l = nodes_[0]->leader();
    return l == kNoNode ? nullptr : nodes_[l - 1].get();
  }
  // Proposes `value` and waits until the first node applies it.
  bool ProposeAndWait(const std::string& value) {
    std::promise<void> done;
    auto fut = done.get_future();
    {
      std::lock_guard<std::mutex> lk(mu_);
      waiters_[value] = &done;
    }
    if (!leader()->Propose(value).ok()) {
      std::lock_guard<std::mutex> lk(mu_);
      waiters_.erase(value);
      return false;
    }
    return fut.wait_for(10s) == std::future_status::ready;
  }

 private:
  void Applied(const ApplyBatch& b) {
    std::lock_guard<std::mutex> lk(mu_);
    for (const Entry& e : b.entries) {
      auto it = waiters_.find(e.data);
      if (it == waiters_.end()) continue;
      it->second->set_value();
      waiters_.erase(it);
    }
  }

  std::string dir_;
  LocalNetwork net_;
  std::unique_ptr<Node> nodes_[3];
  std::mutex mu_;
  std::unordered_map<std::string, std::promise<void>*> waiters_;
};

BenchCluster* cluster = nullptr;
std::atomic<uint64_t> seq{0};

void BM_ProposeApplied(benchmark::State& state) {
  if (state.thread_index() == 0) cluster = new BenchCluster();
  // Google Benchmark starts all threads' loops together after thread 0's setup.
  const std::string pad(240, 'v');
  Node* leader = nullptr;
  uint64_t appends_before = 0, entries = 0;
  for (auto _ : state) {
    if (leader == nullptr) {
      leader = cluster->leader();
      appends_before = leader->metrics().wal_appends.load();
    }
    const std::string value = pad + std::to_string(seq.fetch_add(1));
    if (!cluster->ProposeAndWait(value)) state.SkipWithError("proposal failed");
    ++entries;
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    const uint64_t appends = leader->metrics().wal_appends.load() - appends_before;
    state.counters["leader_wal_appends_per_entry"] =
        benchmark::Counter(double(appends) / double(entries * state.threads()));
    delete cluster;
    cluster = nullptr;
  }
}
BENCHMARK(BM_ProposeApplied)->Threads(1)->Threads(8)->Threads(64)->UseRealTime();

}  // namespace
}  // namespace cairn::raft::node

// The `cairn bench` subcommands, with etcd tools/benchmark's flags, defaults and output.
// Each Run* prints its report to `out` and problems to `err`, and returns the process exit code.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "base/humanize.h"
#include "bench/connections.h"

namespace cairn::bench {

// Global (persistent) flags of etcd's benchmark root command, plus Cairn's --output/--cq-threads.
struct GlobalConfig {
  ConnectOptions connect;
  int64_t conns = 1;    // --conns
  int64_t clients = 1;  // --clients
  bool precise = false;
  bool sample = false;
  std::string output = "simple";  // --output simple|json
  int64_t cq_threads = 0;         // completion-queue threads; 0 = min(conns, cores)
};

struct PutConfig {
  int64_t key_size = 8;
  int64_t val_size = 8;
  int64_t rate = 0;
  int64_t total = 10000;
  int64_t key_space_size = 1;
  bool sequential_keys = false;
  int64_t compact_interval_ns = 0;
  int64_t compact_index_delta = 1000;
  bool check_hashkv = false;
};

struct RangeConfig {
  std::string key;
  std::string end;
  int64_t rate = 0;
  int64_t total = 10000;
  std::string consistency = "l";
  int64_t limit = 0;
  bool count_only = false;
};

struct TxnPutConfig {
  int64_t key_size = 8;
  int64_t val_size = 8;
  int64_t txn_ops = 1;
  int64_t key_space_size = 1;
  int64_t total = 10000;
  int64_t rate = 0;
};

struct TxnMixedConfig {
  int64_t key_size = 8;
  int64_t val_size = 8;
  int64_t rate = 0;
  int64_t total = 10000;
  std::string end_key;  // --end-key (etcd 3.5 overrides it with a full-range prefix read)
  int64_t limit = 1000;
  int64_t key_space_size = 1;
  std::string consistency = "l";
  double rw_ratio = 1;
  uint64_t seed = 0;  // 0: random (Cairn's --seed, to make the read/write mix reproducible)
};

struct WatchConfig {
  int64_t streams = 10;
  int64_t watch_per_stream = 100;
  int64_t watched_key_total = 1;
  int64_t put_rate = 0;  // 0: no limit (etcd 3.5 needs an explicit --put-rate)
  int64_t put_total = 1000;
  int64_t key_size = 32;
  int64_t key_space_size = 1;
  bool sequential_keys = false;
};

struct StmConfig {
  std::string isolation = "r";
  int64_t keys = 1;
  int64_t total = 10000;
  int64_t keys_per_txn = 1;
  int64_t write_percent = 50;
  bool use_mutex = false;
  int64_t val_size = 8;
};

struct WatchGetConfig {
  int64_t watchers = 10000;
  int64_t streams = 1;
  int64_t events = 8;
};

struct LeaseKeepaliveConfig {
  int64_t total = 10000;
};

struct WatchLatencyConfig {
  int64_t put_total = 1000;
  int64_t put_rate = 100;
  int64_t key_size = 32;
  int64_t val_size = 32;
  bool from_put_start = false;  // Cairn: latency from before the put instead of after its ack
};

// k8s-list (k8s_list.cc). Defaults: the target workload (10,000 pods of 10 KB).
struct K8sListConfig {
  int64_t objects = 10000;
  int64_t object_size = 10240;
  int64_t namespaces = 100;
  int64_t lists = 100;  // --lists: total lists (full + paged)
  int64_t page_size = 500;
  int64_t paged_percent = 0;  // share of the lists that are paged (0: full lists only)
  std::string consistency = "l";
  int64_t populate_clients = 100;
  bool skip_populate = false;
};

// k8s-churn (k8s_churn.cc).
struct K8sChurnConfig {
  int64_t objects = 1000;
  int64_t object_size = 1024;
  int64_t namespaces = 10;
  int64_t total = 10000;
  int64_t rate = 0;
  int64_t updates_per_object = 8;
  int64_t event_percent = 20;
  int64_t event_ttl_ns = 3600'000'000'000LL;  // kube-apiserver --event-ttl default 1h
  int64_t lease_reuse_ns = 60'000'000'000LL;  // kube-apiserver's leaseReuseDurationSeconds
  int64_t watchers = 10;
  int64_t progress_interval_ns = 1'000'000'000LL;
};

// watch-fanout (watch_fanout.cc).
struct WatchFanoutConfig {
  int64_t watchers = 1000;
  int64_t put_total = 1000;
  int64_t rate = 100;
  int64_t put_clients = 1;
  int64_t val_size = 256;
  int64_t key_space_size = 1000;
};

int RunPut(const GlobalConfig& global, const PutConfig& config, FILE* out, FILE* err);
int RunRange(const GlobalConfig& global, const RangeConfig& config, FILE* out, FILE* err);
int RunTxnPut(const GlobalConfig& global, const TxnPutConfig& config, FILE* out, FILE* err);
int RunTxnMixed(const GlobalConfig& global, const TxnMixedConfig& config, FILE* out, FILE* err);
int RunWatch(const GlobalConfig& global, const WatchConfig& config, FILE* out, FILE* err);
int RunStm(const GlobalConfig& global, const StmConfig& config, FILE* out, FILE* err);
int RunWatchGet(const GlobalConfig& global, const WatchGetConfig& config, FILE* out, FILE* err);
int RunLeaseKeepalive(const GlobalConfig& global, const LeaseKeepaliveConfig& config, FILE* out, FILE* err);
int RunWatchLatency(const GlobalConfig& global, const WatchLatencyConfig& config, FILE* out, FILE* err);
int RunK8sList(const GlobalConfig& global, const K8sListConfig& config, FILE* out, FILE* err);
int RunK8sChurn(const GlobalConfig& global, const K8sChurnConfig& config, FILE* out, FILE* err);
int RunWatchFanout(const GlobalConfig& global, const WatchFanoutConfig& config, FILE* out, FILE* err);

using ::cairn::HumanizeBytes;  // base/humanize.h

}  // namespace cairn::bench

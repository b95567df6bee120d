#include "bench/bench_main.h"

#include <cstdio>
#include <string>
#include <vector>

#include "bench/commands.h"
#include "bench/flag_set.h"

namespace cairn::bench {
namespace {

const char kUsage[] =
    "A low-level benchmark tool for etcd3 (Cairn's etcd-compatible implementation).\n"
    "\n"
    "Usage:\n"
    "  cairn bench [command]\n"
    "\n"
    "Available Commands:\n"
    "  k8s-churn       Benchmark kube-apiserver object churn with informer watches (Cairn)\n"
    "  k8s-list        Benchmark kube-apiserver full and paged lists (Cairn)\n"
    "  lease-keepalive benchmark lease keepalive\n"
    "  put             Benchmark put\n"
    "  range           Benchmark range\n"
    "  stm             Benchmark STM\n"
    "  txn-mixed       Benchmark a mixed load of txn-put & txn-range.\n"
    "  txn-put         Benchmark txn-put\n"
    "  watch           Benchmark watch\n"
    "  watch-get       Benchmark watch with get\n"
    "  watch-fanout    Benchmark watch event delivery to many watchers (Cairn)\n"
    "  watch-latency   Benchmark watch latency\n"
    "\n";

void RegisterGlobal(FlagSet* flags, GlobalConfig* g) {
  flags->StringSlice("endpoints", &g->connect.endpoints, "gRPC endpoints");
  flags->Int("conns", &g->conns, "Total number of gRPC connections");
  flags->Int("clients", &g->clients, "Total number of gRPC clients");
  flags->Bool("precise", &g->precise, "use full floating point precision");
  flags->Bool("sample", &g->sample, "'true' to sample requests for every second");
  flags->String("cert", &g->connect.cert_file, "identify HTTPS client using this SSL certificate file");
  flags->String("key", &g->connect.key_file, "identify HTTPS client using this SSL key file");
  flags->String("cacert", &g->connect.cacert_file,
                "verify certificates of HTTPS-enabled servers using this CA bundle");
  flags->String("user", &g->connect.user, "provide username[:password]");
  flags->Duration("dial-timeout", &g->connect.dial_timeout_ns, "dial timeout for client connections");
  flags->Bool("target-leader", &g->connect.target_leader, "connect only to the leader node");
  flags->String("output", &g->output, "output format: simple (etcd's text report) or json (Cairn)");
  flags->Int("cq-threads", &g->cq_threads, "completion-queue threads (Cairn); 0 = min(conns, cores)");
}

// Global flags that take a value: needed to find the subcommand among the arguments.
bool GlobalTakesValue(const std::string& arg) {
  if (arg.find('=') != std::string::npos) return false;
  static const char* kValued[] = {"endpoints",
                                  "conns",
                                  "clients",
                                  "cert",
                                  "key",
                                  "cacert",
                                  "user",
                                  "dial-timeout",
                                  "output",
                                  "cq-threads",
                                  "auto-sync-interval",
                                  "cpuprofile",
                                  "memprofile"};
  const std::string name = arg.substr(arg.rfind('-', 1) + 1);
  for (const char* v : kValued) {
    if (name == v) return true;
  }
  return false;
}

}  // namespace

int BenchMain(int argc, char** argv) {
  std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  // Find the subcommand: the first argument that is neither a flag nor a global flag's value.
  std::string command;
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); i++) {
    const std::string& a = args[i];
    if (command.empty() && a.size() > 1 && a[0] == '-') {
      rest.push_back(a);
      if (GlobalTakesValue(a) && i + 1 < args.size()) rest.push_back(args[++i]);
    } else if (command.empty()) {
      command = a;
    } else {
      rest.push_back(a);
    }
  }
  bool help_requested = command == "help";
  for (const std::string& a : args) help_requested = help_requested || a == "-h" || a == "--help";
  if (help_requested && command == "help") command.clear();

  GlobalConfig global;
  FlagSet flags;
  RegisterGlobal(&flags, &global);
  bool help = false;  // handled above
  flags.Bool("help", &help, "help for this command");
  // Accepted for compatibility with etcd's benchmark; without effect in Cairn.
  int64_t auto_sync_interval_ns = 0;
  std::string cpu_profile, mem_profile;
  flags.Duration("auto-sync-interval", &auto_sync_interval_ns,
                 "AutoSyncInterval is the interval to update endpoints with its latest members (ignored)");
  flags.String("cpuprofile", &cpu_profile, "the path of file for storing cpu profile result (ignored)");
  flags.String("memprofile", &mem_profile, "the path of file for storing heap profile result (ignored)");

  PutConfig put;
  RangeConfig range;
  TxnPutConfig txn_put;
  TxnMixedConfig txn_mixed;
  WatchConfig watch;
  StmConfig stm;
  WatchGetConfig watch_get;
  LeaseKeepaliveConfig keepalive;
  WatchLatencyConfig watch_latency;
  K8sListConfig k8s_list;
  K8sChurnConfig k8s_churn;
  WatchFanoutConfig watch_fanout;
  if (command == "put") {
    flags.Int("key-size", &put.key_size, "Key size of put request");
    flags.Int("val-size", &put.val_size, "Value size of put request");
    flags.Int("rate", &put.rate, "Maximum puts per second (0 is no limit)");
    flags.Int("total", &put.total, "Total number of put requests");
    flags.Int("key-space-size", &put.key_space_size, "Maximum possible keys");
    flags.Bool("sequential-keys", &put.sequential_keys, "Use sequential keys");
    flags.Duration(
        "compact-interval", &put.compact_interval_ns,
        "Interval to compact database (do not duplicate this with etcd's 'auto-compaction-retention' "
        "flag) (e.g. --compact-interval=5m compacts every 5-minute)");
    flags.Int(
        "compact-index-delta", &put.compact_index_delta,
        "Delta between current revision and compact revision (e.g. current revision 10000, compact at 9000)");
    flags.Bool("check-hashkv", &put.check_hashkv, "'true' to check hashkv");
  } else if (command == "range") {
    flags.Int("rate", &range.rate, "Maximum range requests per second (0 is no limit)");
    flags.Int("total", &range.total, "Total number of range requests");
    flags.String("consistency", &range.consistency, "Linearizable(l) or Serializable(s)");
    flags.Int("limit", &range.limit,
              "Maximum number of results to return from range request (0 is no limit)");
    flags.Bool("count-only", &range.count_only, "Only returns the count of keys");
  } else if (command == "txn-put") {
    flags.Int("key-size", &txn_put.key_size, "Key size of txn put");
    flags.Int("val-size", &txn_put.val_size, "Value size of txn put");
    flags.Int("txn-ops", &txn_put.txn_ops, "Number of puts per txn");
    flags.Int("key-space-size", &txn_put.key_space_size, "Maximum possible keys");
    flags.Int("total", &txn_put.total, "Total number of txn requests");
    flags.Int("rate", &txn_put.rate, "Maximum txns per second (0 is no limit)");
  } else if (command == "txn-mixed") {
    flags.Int("key-size", &txn_mixed.key_size, "Key size of mixed txn");
    flags.Int("val-size", &txn_mixed.val_size, "Value size of mixed txn");
    flags.Int("rate", &txn_mixed.rate, "Maximum txns per second (0 is no limit)");
    flags.Int("total", &txn_mixed.total, "Total number of txn requests");
    flags.String(
        "end-key", &txn_mixed.end_key,
        "Read operation range end key. By default, we do full range query with the default limit of 1000.");
    flags.Int("limit", &txn_mixed.limit, "Read operation range result limit");
    flags.Int("key-space-size", &txn_mixed.key_space_size, "Maximum possible keys");
    flags.String("consistency", &txn_mixed.consistency, "Linearizable(l) or Serializable(s)");
    flags.Double("rw-ratio", &txn_mixed.rw_ratio, "Read/write ops ratio");
    flags.Uint("seed", &txn_mixed.seed, "Seed of the read/write mix (Cairn; 0 = random)");
  } else if (command == "watch") {
    flags.Int("streams", &watch.streams, "Total watch streams");
    flags.Int("watch-per-stream", &watch.watch_per_stream, "Total watchers per stream");
    flags.Int("watched-key-total", &watch.watched_key_total, "Total number of keys to be watched");
    flags.Int("put-rate", &watch.put_rate, "Number of keys to put per second");
    flags.Int("put-total", &watch.put_total, "Number of put requests");
    flags.Int("key-size", &watch.key_size, "Key size of watch request");
    flags.Int("key-space-size", &watch.key_space_size, "Maximum possible keys");
    flags.Bool("sequential-keys", &watch.sequential_keys, "Use sequential keys");
  } else if (command == "stm") {
    flags.String("isolation", &stm.isolation,
                 "Read Committed (c), Repeatable Reads (r), Serializable (s), or Snapshot (ss)");
    flags.Int("keys", &stm.keys, "Total unique keys accessible by the benchmark");
    flags.Int("total", &stm.total, "Total number of completed STM transactions");
    flags.Int("keys-per-txn", &stm.keys_per_txn, "Number of keys to access per transaction");
    flags.Int("txn-wr-percent", &stm.write_percent, "Percentage of keys to overwrite per transaction");
    flags.Bool("use-mutex", &stm.use_mutex, "Wrap STM transaction in a distributed mutex (not supported)");
    flags.Int("val-size", &stm.val_size, "Value size of each STM put request");
  } else if (command == "watch-get") {
    flags.Int("watchers", &watch_get.watchers, "Total number of watchers");
    flags.Int("streams", &watch_get.streams, "Total number of watcher streams");
    flags.Int("events", &watch_get.events, "Number of events per watcher");
  } else if (command == "lease-keepalive") {
    flags.Int("total", &keepalive.total, "Total number of lease keepalive requests");
  } else if (command == "watch-latency") {
    flags.Int("put-total", &watch_latency.put_total, "Total number of put requests");
    flags.Int("put-rate", &watch_latency.put_rate, "Number of keys to put per second");
    flags.Int("key-size", &watch_latency.key_size, "Key size of watch response");
    flags.Int("val-size", &watch_latency.val_size, "Value size of watch response");
    flags.Bool("from-put-start", &watch_latency.from_put_start,
               "measure from before each put instead of after its response (Cairn)");
  } else if (command == "k8s-list") {
    flags.Int("objects", &k8s_list.objects, "Number of pods to prepopulate under /registry/pods/");
    flags.Int("object-size", &k8s_list.object_size, "Size of each pod object in bytes");
    flags.Int("namespaces", &k8s_list.namespaces, "Number of namespaces the pods are spread over");
    flags.Int("lists", &k8s_list.lists, "Total number of lists (full and paged)");
    flags.Int("page-size", &k8s_list.page_size, "Objects per page of a paged list (limit)");
    flags.Int("paged-percent", &k8s_list.paged_percent, "Percentage of the lists that are paged");
    flags.String("consistency", &k8s_list.consistency, "Linearizable(l) or Serializable(s)");
    flags.Int("populate-clients", &k8s_list.populate_clients, "Clients putting the objects before the lists");
    flags.Bool("skip-populate", &k8s_list.skip_populate, "Do not put the objects (they exist already)");
  } else if (command == "k8s-churn") {
    flags.Int("objects", &k8s_churn.objects, "Number of pods the writers create, update and delete");
    flags.Int("object-size", &k8s_churn.object_size, "Size of each object in bytes");
    flags.Int("namespaces", &k8s_churn.namespaces, "Number of namespaces");
    flags.Int("total", &k8s_churn.total, "Total number of write transactions");
    flags.Int("rate", &k8s_churn.rate, "Maximum write transactions per second (0 is no limit)");
    flags.Int("updates-per-object", &k8s_churn.updates_per_object, "Updates between create and delete");
    flags.Int("event-percent", &k8s_churn.event_percent, "Percentage of writes that create an event");
    flags.Duration("event-ttl", &k8s_churn.event_ttl_ns, "TTL of event objects (their leases)");
    flags.Duration("lease-reuse", &k8s_churn.lease_reuse_ns, "How long one event lease is reused");
    flags.Int("watchers", &k8s_churn.watchers, "Informers: list-then-watch clients on /registry/pods/");
    flags.Duration("progress-interval", &k8s_churn.progress_interval_ns,
                   "Interval of watch progress requests per informer (0: none)");
  } else if (command == "watch-fanout") {
    flags.Int("watchers", &watch_fanout.watchers, "Total number of watchers on the prefix");
    flags.Int("put-total", &watch_fanout.put_total, "Total number of puts");
    flags.Int("rate", &watch_fanout.rate, "Puts per second in total (0 is no limit)");
    flags.Int("put-clients", &watch_fanout.put_clients, "Concurrent putting clients");
    flags.Int("val-size", &watch_fanout.val_size, "Value size of the puts");
    flags.Int("key-space-size", &watch_fanout.key_space_size, "Distinct keys put under the prefix");
  } else if (command.empty()) {
    std::fputs(kUsage, help_requested ? stdout : stderr);
    std::fputs("Flags:\n", help_requested ? stdout : stderr);
    std::fputs(flags.Usage().c_str(), help_requested ? stdout : stderr);
    return help_requested ? 0 : 1;
  } else {
    std::fprintf(stderr, "Error: unknown command \"%s\" for \"benchmark\"\n%s", command.c_str(), kUsage);
    return 1;
  }

  if (help_requested) {
    std::printf("Usage:\n  cairn bench %s%s [flags]\n\nFlags:\n%s", command.c_str(),
                command == "range" ? " key [end-range]" : "", flags.Usage().c_str());
    return 0;
  }
  std::vector<std::string> positional;
  if (Status s = flags.Parse(rest, &positional); !s.ok()) {
    std::fprintf(stderr, "Error: %s\n", s.message().c_str());
    return 1;
  }
  if (command == "range") {
    if (positional.empty() || positional.size() > 2) {
      std::fprintf(stderr, "Usage:\n  cairn bench range key [end-range] [flags]\n\nFlags:\n%s",
                   flags.Usage().c_str());
      return 1;
    }
    range.key = positional[0];
    if (positional.size() == 2) range.end = positional[1];
    return RunRange(global, range, stdout, stderr);
  }
  if (!positional.empty()) {
    std::fprintf(stderr, "Error: unexpected argument \"%s\" for \"%s\"\n", positional[0].c_str(),
                 command.c_str());
    return 1;
  }
  if (command == "put") return RunPut(global, put, stdout, stderr);
  if (command == "txn-put") return RunTxnPut(global, txn_put, stdout, stderr);
  if (command == "txn-mixed") return RunTxnMixed(global, txn_mixed, stdout, stderr);
  if (command == "watch") return RunWatch(global, watch, stdout, stderr);
  if (command == "stm") return RunStm(global, stm, stdout, stderr);
  if (command == "watch-get") return RunWatchGet(global, watch_get, stdout, stderr);
  if (command == "k8s-list") return RunK8sList(global, k8s_list, stdout, stderr);
  if (command == "k8s-churn") return RunK8sChurn(global, k8s_churn, stdout, stderr);
  if (command == "watch-fanout") return RunWatchFanout(global, watch_fanout, stdout, stderr);
  if (command == "lease-keepalive") return RunLeaseKeepalive(global, keepalive, stdout, stderr);
  return RunWatchLatency(global, watch_latency, stdout, stderr);
}

}  // namespace cairn::bench

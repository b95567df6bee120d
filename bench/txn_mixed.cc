// txn-mixed: etcd 3.5's txn_mixed.go. Each request is a Txn holding either one range (with
// probability rw-ratio / (1 + rw-ratio)) or one put of key varint(i % key-space-size); reads and
// writes are reported separately:
//
//   bench with linearizable range
//   Total Read Ops: N
//   Details:<report>
//   Total Write Ops: M
//   Details:<report>
//
// The read is clientv3.OpGet("", WithRange(end-key), WithPrefix(), WithLimit(limit)): WithPrefix
// on the empty key wins, so etcd 3.5 reads the full key space ("\0" .. "\0") whatever --end-key
// says; Cairn reproduces that.
#include <random>
#include <vector>

#include "bench/calls.h"
#include "bench/command_util.h"
#include "bench/commands.h"
#include "bench/driver.h"
#include "bench/keys.h"

namespace cairn::bench {

int RunTxnMixed(const GlobalConfig& global, const TxnMixedConfig& config, FILE* out, FILE* err) {
  if (!CheckKeySpaceSize(config.key_space_size, err)) return 1;
  if (Status s = ValidateGlobal(global); !s.ok()) return Fail(err, s);
  if (Status s = CheckConsistency(config.consistency); !s.ok()) return Fail(err, s);
  if (Status s = CheckKeysFit(config.key_space_size, config.key_size); !s.ok()) return Fail(err, s);
  const bool json = global.output == "json";
  PrintConsistencyLine(global, config.consistency, out);
  std::unique_ptr<Connections> conns;
  if (Status s = Connections::Open(global.connect, global.conns, &conns); !s.ok()) return Fail(err, s);

  // The read/write decision of every request, drawn up front (etcd draws them in its generator).
  std::mt19937_64 rng(config.seed != 0 ? config.seed : std::random_device{}());
  const std::string value = RandomBytes(config.val_size, &rng);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  const double read_probability = config.rw_ratio / (1 + config.rw_ratio);
  auto is_write =
      std::make_shared<std::vector<uint8_t>>(static_cast<size_t>(std::max<int64_t>(0, config.total)));
  int64_t reads = 0, writes = 0;
  for (auto& w : *is_write) {
    w = uniform(rng) < read_probability ? 0 : 1;
    (w ? writes : reads)++;
  }

  using etcdserverpb::TxnRequest;
  using etcdserverpb::TxnResponse;
  enum Category { kRead = 0, kWrite = 1 };
  std::vector<std::unique_ptr<Call>> calls;
  for (int64_t i = 0; i < global.clients; i++) {
    const Connection& conn = conns->at(i % conns->size());
    auto prepare = [&conn](grpc::ClientContext* ctx, const TxnRequest& req, grpc::CompletionQueue* cq) {
      return conn.kv->PrepareAsyncTxn(ctx, req, cq);
    };
    auto fill = [&config, &value, is_write, key = std::string()](int64_t seq, TxnRequest* req) mutable {
      req->Clear();
      if ((*is_write)[static_cast<size_t>(seq)]) {
        VarintKey(seq % config.key_space_size, config.key_size, &key);
        auto* put = req->add_success()->mutable_request_put();
        put->set_key(key);
        put->set_value(value);
      } else {
        auto* range = req->add_success()->mutable_request_range();
        range->set_key(std::string(1, '\0'));
        range->set_range_end(std::string(1, '\0'));
        range->set_limit(config.limit);
        range->set_serializable(config.consistency == "s");
      }
    };
    auto categorize = [is_write](int64_t seq) {
      return (*is_write)[static_cast<size_t>(seq)] ? kWrite : kRead;
    };
    calls.push_back(
        std::make_unique<UnaryCall<TxnRequest, TxnResponse>>(conns.get(), prepare, fill, categorize));
  }
  auto limiter = MakeLimiter(config.rate, 1);
  DriverOptions options;
  options.total = config.total;
  options.threads = CqThreads(global);
  options.limiter = limiter.get();
  options.categories = 2;
  const ClientCpu before = CpuNow();
  const DriverResult result = RunClosedLoop(calls, options);
  const ClientCpu cpu = CpuSince(before);
  calls.clear();

  const Stats read_stats = ComputeStats(result.logs[kRead], result.total_ns, global.sample);
  const Stats write_stats = ComputeStats(result.logs[kWrite], result.total_ns, global.sample);
  if (json) {
    std::fprintf(out, "{\"read\":%s,\"write\":%s}\n",
                 FormatReportJson(read_stats, "txn-mixed read", cpu).c_str(),
                 FormatReportJson(write_stats, "txn-mixed write", cpu).c_str());
    return 0;
  }
  std::string text = "Total Read Ops: " + std::to_string(reads) +
                     "\nDetails:" + FormatReport(read_stats, global.precise) + "\n";
  text += "Total Write Ops: " + std::to_string(writes) +
          "\nDetails:" + FormatReport(write_stats, global.precise) + "\n";
  text += CpuLine(cpu, result.total_ns);
  std::fwrite(text.data(), 1, text.size(), out);
  std::fflush(out);
  return 0;
}

}  // namespace cairn::bench

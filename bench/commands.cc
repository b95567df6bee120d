#include "bench/commands.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "bench/calls.h"
#include "bench/command_util.h"
#include "bench/driver.h"
#include "bench/go_format.h"
#include "bench/keys.h"
#include "bench/rate_limiter.h"
#include "bench/report.h"

namespace cairn::bench {
namespace {

using etcdserverpb::PutRequest;
using etcdserverpb::PutResponse;

// Prints the report like etcd (fmt.Println(report)), then Cairn's client CPU line; or the JSON
// form with --output json.
void PrintReport(const GlobalConfig& global, const std::string& command, const DriverResult& result,
                 const ClientCpu& cpu, FILE* out) {
  const Stats stats = ComputeStats(result.logs.at(0), result.total_ns, global.sample);
  if (global.output == "json") {
    std::fprintf(out, "%s\n", FormatReportJson(stats, command, cpu).c_str());
    std::fflush(out);
    return;
  }
  const std::string text = FormatReport(stats, global.precise) + "\n" + CpuLine(cpu, result.total_ns);
  std::fwrite(text.data(), 1, text.size(), out);
  std::fflush(out);
}

// Runs `make_call(client_index, conn)` clients in closed loop and prints the report.
template <class MakeCall>
int RunUnaryBench(const GlobalConfig& global, const std::string& command, const Connections& conns,
                  int64_t total, int64_t rate, MakeCall make_call, FILE* out) {
  std::vector<std::unique_ptr<Call>> calls;
  for (int64_t i = 0; i < global.clients; i++) calls.push_back(make_call(i, conns.at(i % conns.size())));
  ClientCpu cpu;
  const DriverResult result = RunMeasuredLoop(global, calls, total, rate, &cpu);
  calls.clear();
  PrintReport(global, command, result, cpu, out);
  return 0;
}

// put --compact-interval: every interval, compact at (current revision - delta).
class Compactor {
 public:
  Compactor(const Connections* conns, int64_t interval_ns, int64_t index_delta)
      : conns_(conns), interval_ns_(interval_ns), index_delta_(index_delta) {
    if (interval_ns_ > 0) thread_ = std::thread([this] { Loop(); });
  }
  ~Compactor() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::nanoseconds(interval_ns_), [this] { return stop_; })) {
      lock.unlock();
      CompactOnce();
      lock.lock();
    }
  }
  void CompactOnce() {
    const Connection& conn = conns_->at(0);
    etcdserverpb::RangeRequest range;
    range.set_key("foo");
    etcdserverpb::RangeResponse range_resp;
    grpc::ClientContext ctx;
    conns_->Prepare(&ctx);
    if (!conn.kv->Range(&ctx, range, &range_resp).ok()) return;
    etcdserverpb::CompactionRequest compact;
    compact.set_revision(std::max<int64_t>(0, range_resp.header().revision() - index_delta_));
    etcdserverpb::CompactionResponse compact_resp;
    grpc::ClientContext ctx2;
    conns_->Prepare(&ctx2);
    conn.kv->Compact(&ctx2, compact, &compact_resp);
  }

  const Connections* conns_;
  const int64_t interval_ns_;
  const int64_t index_delta_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

// put --check-hashkv (etcd's hashKV()).
int PrintHashKV(const GlobalConfig& global, const Connections& conns, FILE* out, FILE* err) {
  if (global.connect.endpoints.size() != 1) {
    std::fprintf(err, "expected 1 endpoint (got [");
    for (size_t i = 0; i < global.connect.endpoints.size(); i++) {
      std::fprintf(err, "%s\"%s\"", i ? " " : "", global.connect.endpoints[i].c_str());
    }
    std::fprintf(err, "])\n");
    return 1;
  }
  auto failed = [&](const char* what, const grpc::Status& s) {
    std::fprintf(err, "Failed to get the %s of endpoint %s (%s)\n", what, global.connect.endpoints[0].c_str(),
                 GoErrorString(s).c_str());
    return 1;
  };
  const auto st = std::chrono::steady_clock::now();
  etcdserverpb::HashKVResponse hash;
  grpc::ClientContext hash_ctx;
  conns.Prepare(&hash_ctx);
  if (grpc::Status s = conns.at(0).maintenance->HashKV(&hash_ctx, etcdserverpb::HashKVRequest(), &hash);
      !s.ok()) {
    return failed("hashkv", s);
  }
  const int64_t taken_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - st).count();
  etcdserverpb::StatusResponse status;
  grpc::ClientContext status_ctx;
  conns.Prepare(&status_ctx);
  if (grpc::Status s = conns.at(0).maintenance->Status(&status_ctx, etcdserverpb::StatusRequest(), &status);
      !s.ok()) {
    return failed("status", s);
  }
  std::string rs = "HashKV Summary:\n";
  rs += "\tHashKV: " + std::to_string(hash.hash()) + "\n";
  rs += "\tEndpoint: " + global.connect.endpoints[0] + "\n";
  rs += "\tTime taken to get hashkv: " + GoDurationString(taken_ns) + "\n";
  rs += "\tDB size: " + HumanizeBytes(static_cast<uint64_t>(status.dbsize()));
  std::fprintf(out, "%s\n", rs.c_str());
  return 0;
}

}  // namespace

int RunPut(const GlobalConfig& global, const PutConfig& config, FILE* out, FILE* err) {
  if (!CheckKeySpaceSize(config.key_space_size, err)) return 1;
  if (Status s = ValidateGlobal(global); !s.ok()) return Fail(err, s);
  if (Status s = CheckKeysFit(config.key_space_size, config.key_size); !s.ok()) return Fail(err, s);
  std::unique_ptr<Connections> conns;
  if (Status s = Connections::Open(global.connect, global.conns, &conns); !s.ok()) return Fail(err, s);
  std::mt19937_64 seed_rng(std::random_device{}());
  const std::string value = RandomBytes(config.val_size, &seed_rng);
  Compactor compactor(conns.get(), config.compact_interval_ns, config.compact_index_delta);
  const int rc = RunUnaryBench(
      global, "put", *conns, config.total, config.rate,
      [&](int64_t client, const Connection& conn) -> std::unique_ptr<Call> {
        auto rng = std::make_shared<std::mt19937_64>(seed_rng());
        auto prepare = [&conn](grpc::ClientContext* ctx, const PutRequest& req, grpc::CompletionQueue* cq) {
          return conn.kv->PrepareAsyncPut(ctx, req, cq);
        };
        auto fill = [&config, &value, rng, key = std::string()](int64_t seq, PutRequest* req) mutable {
          if (req->value().size() != value.size()) req->set_value(value);
          const int64_t n = config.sequential_keys ? seq % config.key_space_size
                                                   : static_cast<int64_t>((*rng)() % config.key_space_size);
          VarintKey(n, config.key_size, &key);
          req->set_key(key);
        };
        return std::make_unique<UnaryCall<PutRequest, PutResponse>>(conns.get(), prepare, fill);
      },
      out);
  if (rc != 0 || !config.check_hashkv) return rc;
  return PrintHashKV(global, *conns, out, err);
}

int RunRange(const GlobalConfig& global, const RangeConfig& config, FILE* out, FILE* err) {
  if (Status s = ValidateGlobal(global); !s.ok()) return Fail(err, s);
  if (Status s = CheckConsistency(config.consistency); !s.ok()) return Fail(err, s);
  PrintConsistencyLine(global, config.consistency, out);
  std::unique_ptr<Connections> conns;
  if (Status s = Connections::Open(global.connect, global.conns, &conns); !s.ok()) return Fail(err, s);
  using etcdserverpb::RangeRequest;
  using etcdserverpb::RangeResponse;
  RangeRequest templ;
  templ.set_key(config.key);
  templ.set_range_end(config.end);
  templ.set_serializable(config.consistency == "s");
  templ.set_limit(config.limit);
  templ.set_count_only(config.count_only);
  return RunUnaryBench(
      global, "range", *conns, config.total, config.rate,
      [&](int64_t client, const Connection& conn) -> std::unique_ptr<Call> {
        auto prepare = [&conn](grpc::ClientContext* ctx, const RangeRequest& req, grpc::CompletionQueue* cq) {
          return conn.kv->PrepareAsyncRange(ctx, req, cq);
        };
        auto fill = [&templ, initialized = false](int64_t seq, RangeRequest* req) mutable {
          if (!initialized) *req = templ;
          initialized = true;
        };
        return std::make_unique<UnaryCall<RangeRequest, RangeResponse>>(conns.get(), prepare, fill);
      },
      out);
}

int RunTxnPut(const GlobalConfig& global, const TxnPutConfig& config, FILE* out, FILE* err) {
  if (!CheckKeySpaceSize(config.key_space_size, err)) return 1;
  if (config.txn_ops < 1) return Fail(err, Status::InvalidArgument("--txn-ops must be at least 1"));
  if (Status s = ValidateGlobal(global); !s.ok()) return Fail(err, s);
  if (Status s = CheckKeysFit(config.key_space_size, config.key_size); !s.ok()) return Fail(err, s);
  std::unique_ptr<Connections> conns;
  if (Status s = Connections::Open(global.connect, global.conns, &conns); !s.ok()) return Fail(err, s);
  std::mt19937_64 seed_rng(std::random_device{}());
  const std::string value = RandomBytes(config.val_size, &seed_rng);
  using etcdserverpb::TxnRequest;
  using etcdserverpb::TxnResponse;
  return RunUnaryBench(
      global, "txn-put", *conns, config.total, config.rate,
      [&](int64_t client, const Connection& conn) -> std::unique_ptr<Call> {
        auto prepare = [&conn](grpc::ClientContext* ctx, const TxnRequest& req, grpc::CompletionQueue* cq) {
          return conn.kv->PrepareAsyncTxn(ctx, req, cq);
        };
        auto fill = [&config, &value, key = std::string()](int64_t i, TxnRequest* req) mutable {
          if (req->success_size() != config.txn_ops) {
            req->Clear();
            for (int64_t j = 0; j < config.txn_ops; j++)
              req->add_success()->mutable_request_put()->set_value(value);
          }
          for (int64_t j = 0; j < config.txn_ops; j++) {
            VarintKey((i * config.txn_ops + j) % config.key_space_size, config.key_size, &key);
            req->mutable_success(static_cast<int>(j))->mutable_request_put()->set_key(key);
          }
        };
        return std::make_unique<UnaryCall<TxnRequest, TxnResponse>>(conns.get(), prepare, fill);
      },
      out);
}

int RunLeaseKeepalive(const GlobalConfig& global, const LeaseKeepaliveConfig& config, FILE* out, FILE* err) {
  if (Status s = ValidateGlobal(global); !s.ok()) return Fail(err, s);
  std::unique_ptr<Connections> conns;
  if (Status s = Connections::Open(global.connect, global.conns, &conns); !s.ok()) return Fail(err, s);
  // etcd: each client grants its own lease (TTL 100 s) and keeps it alive.
  std::vector<int64_t> lease_ids;
  for (int64_t i = 0; i < global.clients; i++) {
    etcdserverpb::LeaseGrantRequest req;
    req.set_ttl(100);
    etcdserverpb::LeaseGrantResponse resp;
    grpc::ClientContext ctx;
    conns->Prepare(&ctx);
    const grpc::Status s = conns->at(i % conns->size()).lease->LeaseGrant(&ctx, req, &resp);
    if (!s.ok()) return Fail(err, Status::Unavailable("lease grant: " + GoErrorString(s)));
    lease_ids.push_back(resp.id());
  }
  std::vector<std::unique_ptr<Call>> calls;
  for (int64_t i = 0; i < global.clients; i++) {
    calls.push_back(
        std::make_unique<KeepAliveCall>(&conns->at(i % conns->size()), conns.get(), lease_ids[i]));
  }
  ClientCpu cpu;
  const DriverResult result = RunMeasuredLoop(global, calls, config.total, /*rate=*/0, &cpu);
  calls.clear();
  PrintReport(global, "lease-keepalive", result, cpu, out);
  return 0;
}

}  // namespace cairn::bench

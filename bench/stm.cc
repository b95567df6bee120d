// stm: etcd 3.5's stm.go. Each request runs one software transaction of clientv3/concurrency's
// STM over --keys-per-txn distinct random keys (16-byte varints below --keys): Get every key (in
// random order) and Put a fresh random value into the first int(keys-per-txn * txn-wr-percent /
// 100) of them, then commit; a conflicting commit re-runs the transaction, and the request's
// latency covers all attempts. Reads and commits are Txn RPCs shaped as concurrency/stm.go sends
// them, per --isolation:
//   c  (ReadCommitted)         serializable reads, commit without compares
//   r  (RepeatableReads)       serializable reads, commit if every read key's mod revision is unchanged
//   s  (Serializable)          reads at the first read's revision; commit as r, with an Else branch
//                              that prefetches the read keys for the retry
//   ss (SerializableSnapshot)  as s, and written keys must not have changed since the first read
// --use-mutex (a distributed lock around each transaction) is not supported.
#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <vector>

#include "bench/calls.h"
#include "bench/command_util.h"
#include "bench/commands.h"
#include "bench/driver.h"
#include "bench/keys.h"

namespace cairn::bench {
namespace {

enum class Isolation { kReadCommitted, kRepeatableReads, kSerializable, kSerializableSnapshot };

// What a read returned: enough for the commit's compares.
struct ReadResult {
  int64_t mod_revision = 0;     // 0: key absent
  int64_t header_revision = 0;  // store revision of the read
};

class StmCall : public Call {
 public:
  StmCall(const Connection* conn, const Connections* conns, const StmConfig& config, Isolation isolation,
          uint64_t seed)
      : conn_(conn), conns_(conns), config_(config), isolation_(isolation), rng_(seed) {}

  void Start(int64_t seq, grpc::CompletionQueue* cq) override {
    cq_ = cq;
    error_.clear();
    // kset: distinct random keys.
    std::set<std::string> kset;
    std::string key;
    while (static_cast<int64_t>(kset.size()) < config_.keys_per_txn) {
      VarintKey(static_cast<int64_t>(rng_() % static_cast<uint64_t>(config_.keys)), 16, &key);
      kset.insert(key);
    }
    keys_.assign(kset.begin(), kset.end());
    prefetch_.clear();
    base_revision_ = 0;
    serializable_reads_ = true;
    BeginAttempt();
  }

  bool OnEvent(int kind, bool ok) override {
    if (!status_.ok()) {
      error_ = GoErrorString(status_);
      return true;
    }
    if (phase_ == Phase::kGet) {
      const auto& range = response_.responses(0).response_range();
      OnRead(keys_[next_key_], range);
      next_key_++;
      return IssueNext();
    }
    // Commit.
    if (response_.succeeded()) return true;
    if (isolation_ == Isolation::kSerializable || isolation_ == Isolation::kSerializableSnapshot) {
      // The Else branch re-read every read key: the retry starts from those (linearizable) reads.
      prefetch_.clear();
      for (int i = 0; i < response_.responses_size() && i < static_cast<int>(read_order_.size()); i++) {
        const auto& range = response_.responses(i).response_range();
        prefetch_[read_order_[i]] = ToReadResult(range);
      }
      base_revision_ = 0;
      serializable_reads_ = false;
    }
    BeginAttempt();
    return false;
  }

  std::string Error() const override { return error_; }

 private:
  enum class Phase { kGet, kCommit };

  static ReadResult ToReadResult(const etcdserverpb::RangeResponse& range) {
    ReadResult r;
    r.header_revision = range.header().revision();
    if (range.kvs_size() > 0) r.mod_revision = range.kvs(0).mod_revision();
    return r;
  }

  void BeginAttempt() {
    rset_.clear();
    read_order_.clear();
    std::shuffle(keys_.begin(), keys_.end(), rng_);  // Go iterates the key set in random order
    next_key_ = 0;
    IssueNext();
  }

  void OnRead(const std::string& key, const etcdserverpb::RangeResponse& range) {
    const bool first_read = rset_.empty();
    rset_[key] = ToReadResult(range);
    read_order_.push_back(key);
    if (first_read &&
        (isolation_ == Isolation::kSerializable || isolation_ == Isolation::kSerializableSnapshot)) {
      base_revision_ = range.header().revision();  // the txn's base revision is its first read's
      serializable_reads_ = true;
    }
  }

  // Issues the next read, or the commit after the last read. Returns whether the request is
  // complete (never: some RPC is always outstanding or was just issued).
  bool IssueNext() {
    while (next_key_ < keys_.size()) {
      const std::string& key = keys_[next_key_];
      auto it = prefetch_.find(key);
      if (it == prefetch_.end()) break;
      // Served from the prefetch of the failed commit: no RPC.
      etcdserverpb::RangeResponse cached;
      cached.mutable_header()->set_revision(it->second.header_revision);
      if (it->second.mod_revision != 0) cached.add_kvs()->set_mod_revision(it->second.mod_revision);
      prefetch_.erase(it);
      OnRead(key, cached);
      next_key_++;
    }
    request_.Clear();
    if (next_key_ < keys_.size()) {
      phase_ = Phase::kGet;
      auto* range = request_.add_success()->mutable_request_range();
      range->set_key(keys_[next_key_]);
      range->set_serializable(serializable_reads_);
      if (base_revision_ > 0) range->set_revision(base_revision_);
    } else {
      phase_ = Phase::kCommit;
      BuildCommit();
    }
    context_ = std::make_unique<grpc::ClientContext>();
    conns_->Prepare(context_.get());
    response_.Clear();
    status_ = grpc::Status();
    reader_ = conn_->kv->PrepareAsyncTxn(context_.get(), request_, cq_);
    reader_->StartCall();
    reader_->Finish(&response_, &status_, tag(0));
    return false;
  }

  void BuildCommit() {
    // Puts: the first int(len * pct / 100) keys of this attempt's order (float32 as in Go).
    int64_t writes = static_cast<int64_t>(static_cast<float>(keys_.size() * config_.write_percent) / 100.0f);
    std::vector<std::string> written;
    for (const std::string& key : read_order_) {
      if (writes <= 0) break;
      auto* put = request_.add_success()->mutable_request_put();
      put->set_key(key);
      put->set_value(RandomBytes(config_.val_size, &rng_));
      written.push_back(key);
      writes--;
    }
    if (isolation_ == Isolation::kReadCommitted) return;
    // isKeyCurrent: mod revision equal to what was read (0 when absent).
    for (const auto& [key, read] : rset_) {
      auto* cmp = request_.add_compare();
      cmp->set_key(key);
      cmp->set_target(etcdserverpb::Compare::MOD);
      cmp->set_result(etcdserverpb::Compare::EQUAL);
      cmp->set_mod_revision(read.mod_revision);
    }
    if (isolation_ == Isolation::kRepeatableReads) return;
    if (isolation_ == Isolation::kSerializableSnapshot) {
      int64_t first = INT64_MAX - 1;
      for (const auto& [key, read] : rset_) first = std::min(first, read.header_revision);
      for (const std::string& key : written) {
        auto* cmp = request_.add_compare();
        cmp->set_key(key);
        cmp->set_target(etcdserverpb::Compare::MOD);
        cmp->set_result(etcdserverpb::Compare::LESS);
        cmp->set_mod_revision(first + 1);
      }
    }
    // Else: prefetch every read key for the retry.
    for (const std::string& key : read_order_) request_.add_failure()->mutable_request_range()->set_key(key);
  }

  const Connection* conn_;
  const Connections* conns_;
  const StmConfig& config_;
  const Isolation isolation_;
  std::mt19937_64 rng_;
  grpc::CompletionQueue* cq_ = nullptr;

  std::vector<std::string> keys_;
  size_t next_key_ = 0;
  std::map<std::string, ReadResult> rset_;
  std::vector<std::string> read_order_;
  std::map<std::string, ReadResult> prefetch_;
  int64_t base_revision_ = 0;
  bool serializable_reads_ = true;
  Phase phase_ = Phase::kGet;

  etcdserverpb::TxnRequest request_;
  etcdserverpb::TxnResponse response_;
  grpc::Status status_;
  std::unique_ptr<grpc::ClientContext> context_;
  std::unique_ptr<grpc::ClientAsyncResponseReader<etcdserverpb::TxnResponse>> reader_;
  std::string error_;
};

}  // namespace

int RunStm(const GlobalConfig& global, const StmConfig& config, FILE* out, FILE* err) {
  if (config.keys <= 0) {
    std::fprintf(err, "expected positive --keys, got (%lld)", static_cast<long long>(config.keys));
    return 1;
  }
  if (config.write_percent < 0 || config.write_percent > 100) {
    std::fprintf(err, "expected [0, 100] --txn-wr-percent, got (%lld)",
                 static_cast<long long>(config.write_percent));
    return 1;
  }
  if (config.keys_per_txn < 0 || config.keys_per_txn > config.keys) {
    std::fprintf(err, "expected --keys-per-txn between 0 and %lld, got (%lld)",
                 static_cast<long long>(config.keys), static_cast<long long>(config.keys_per_txn));
    return 1;
  }
  Isolation isolation;
  if (config.isolation == "c") {
    isolation = Isolation::kReadCommitted;
  } else if (config.isolation == "r") {
    isolation = Isolation::kRepeatableReads;
  } else if (config.isolation == "s") {
    isolation = Isolation::kSerializable;
  } else if (config.isolation == "ss") {
    isolation = Isolation::kSerializableSnapshot;
  } else {
    return Fail(err, Status::InvalidArgument("--isolation must be c, r, s or ss"));
  }
  if (config.use_mutex)
    return Fail(err, Status::InvalidArgument("--use-mutex is not supported by cairn bench"));
  if (Status s = ValidateGlobal(global); !s.ok()) return Fail(err, s);
  std::unique_ptr<Connections> conns;
  if (Status s = Connections::Open(global.connect, global.conns, &conns); !s.ok()) return Fail(err, s);

  std::mt19937_64 seeds(std::random_device{}());
  std::vector<std::unique_ptr<Call>> calls;
  for (int64_t i = 0; i < global.clients; i++) {
    calls.push_back(
        std::make_unique<StmCall>(&conns->at(i % conns->size()), conns.get(), config, isolation, seeds()));
  }
  ClientCpu cpu;
  const DriverResult result = RunMeasuredLoop(global, calls, config.total, /*rate=*/0, &cpu);
  calls.clear();
  const Stats stats = ComputeStats(result.logs[0], result.total_ns, global.sample);
  if (global.output == "json") {
    std::fprintf(out, "%s\n", FormatReportJson(stats, "stm", cpu).c_str());
    return 0;
  }
  // etcd: fmt.Printf("%s", <-rc): no newline after the report.
  const std::string text = FormatReport(stats, global.precise) + CpuLine(cpu, result.total_ns);
  std::fwrite(text.data(), 1, text.size(), out);
  std::fflush(out);
  return 0;
}

}  // namespace cairn::bench

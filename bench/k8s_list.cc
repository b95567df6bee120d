// k8s-list: the lists kube-apiserver sends for a resource (pods) against a prepopulated
// /registry/pods/<ns>/<name> tree of `objects` objects of `object-size` bytes.
//
// A full list is one linearizable Range over the prefix (limit 0). A paged list (kube-apiserver
// with ?limit=N) is a chain of Ranges: the first with `limit` = page size at the current
// revision, each next one from the continue key (last key + "\x00") at the revision the first
// page returned (pinned), until `more` is false. The latency of a list is from its first request
// to its last response. `--clients` lists run concurrently; `--paged-percent` of the lists are
// paged, the others are full lists; each kind gets its own report (etcd's format).
#include <random>

#include "bench/command_util.h"
#include "bench/commands.h"
#include "bench/k8s_util.h"
#include "bench/keys.h"

namespace cairn::bench {
namespace {

enum Category { kFull = 0, kPaged = 1 };

bool IsPaged(const K8sListConfig& config, int64_t seq) { return InPercent(seq, config.paged_percent); }

// One list (full, or all pages of a paged list) as one driver request.
class ListCall : public Call {
 public:
  ListCall(const Connection* conn, const Connections* conns, const K8sListConfig* config)
      : conn_(conn), conns_(conns), config_(config) {}

  void Start(int64_t seq, grpc::CompletionQueue* cq) override {
    cq_ = cq;
    category_ = IsPaged(*config_, seq) ? kPaged : kFull;
    error_.clear();
    listed_ = 0;
    expected_ = -1;
    request_.Clear();
    request_.set_key(kPrefix);
    request_.set_range_end(PrefixEnd(kPrefix));
    request_.set_serializable(config_->consistency == "s");
    if (category_ == kPaged) request_.set_limit(config_->page_size);
    Send();
  }

  bool OnEvent(int, bool) override {
    if (!status_.ok()) {
      error_ = GoErrorString(status_);
      return true;
    }
    if (expected_ < 0) {
      expected_ = response_.count();
      request_.set_revision(response_.header().revision());  // pin the following pages
    }
    listed_ += response_.kvs_size();
    if (category_ == kPaged && response_.more() && response_.kvs_size() > 0) {
      request_.set_key(response_.kvs(response_.kvs_size() - 1).key() + std::string(1, '\0'));
      Send();
      return false;
    }
    if (listed_ != expected_) {
      error_ =
          "list returned " + std::to_string(listed_) + " objects, count says " + std::to_string(expected_);
    }
    return true;
  }

  std::string Error() const override { return error_; }
  int category() const override { return category_; }

 private:
  static constexpr const char* kPrefix = "/registry/pods/";

  void Send() {
    context_ = std::make_unique<grpc::ClientContext>();
    conns_->Prepare(context_.get());
    response_.Clear();
    reader_ = conn_->kv->PrepareAsyncRange(context_.get(), request_, cq_);
    reader_->StartCall();
    reader_->Finish(&response_, &status_, tag(0));
  }

  const Connection* conn_;
  const Connections* conns_;
  const K8sListConfig* config_;
  grpc::CompletionQueue* cq_ = nullptr;
  int category_ = kFull;
  int64_t listed_ = 0;
  int64_t expected_ = -1;
  std::string error_;
  etcdserverpb::RangeRequest request_;
  etcdserverpb::RangeResponse response_;
  grpc::Status status_;
  std::unique_ptr<grpc::ClientContext> context_;
  std::unique_ptr<grpc::ClientAsyncResponseReader<etcdserverpb::RangeResponse>> reader_;
};

}  // namespace

int RunK8sList(const GlobalConfig& global, const K8sListConfig& config, FILE* out, FILE* err) {
  if (Status s = ValidateGlobal(global); !s.ok()) return Fail(err, s);
  if (config.objects < 0 || config.object_size < 0 || config.namespaces < 1 || config.lists < 1 ||
      config.page_size < 1 || config.paged_percent < 0 || config.paged_percent > 100 ||
      config.populate_clients < 1) {
    return Fail(err, Status::InvalidArgument(
                         "need --objects >= 0, --object-size >= 0, --namespaces >= 1, --lists >= 1, "
                         "--page-size >= 1, 0 <= --paged-percent <= 100, --populate-clients >= 1"));
  }
  if (config.consistency != "l" && config.consistency != "s") {
    return Fail(err, Status::InvalidArgument("--consistency must be l or s"));
  }
  std::unique_ptr<Connections> conns;
  if (Status s = Connections::Open(global.connect, global.conns, &conns); !s.ok()) return Fail(err, s);
  if (!config.skip_populate) {
    std::mt19937_64 rng(std::random_device{}());
    const std::string value = RandomBytes(config.object_size, &rng);
    const int64_t failed = PopulateObjects(*conns, "pods", config.objects, config.namespaces, value,
                                           config.populate_clients, CqThreads(global));
    if (failed > 0) {
      return Fail(err, Status::IOError("prepopulation: " + std::to_string(failed) + " puts failed"));
    }
  }
  std::vector<std::unique_ptr<Call>> calls;
  for (int64_t i = 0; i < global.clients; i++) {
    calls.push_back(std::make_unique<ListCall>(&conns->at(i % conns->size()), conns.get(), &config));
  }
  DriverOptions options;
  options.total = config.lists;
  options.threads = CqThreads(global);
  options.categories = 2;
  const ClientCpu before = CpuNow();
  const DriverResult result = RunClosedLoop(calls, options);
  const ClientCpu cpu = CpuSince(before);
  calls.clear();
  std::vector<std::string> names;
  std::vector<ResultLog> logs;
  int64_t paged = 0;
  for (int64_t seq = 0; seq < config.lists; seq++) paged += IsPaged(config, seq) ? 1 : 0;
  if (paged < config.lists) {
    names.push_back("full");
    logs.push_back(result.logs[kFull]);
  }
  if (paged > 0) {
    names.push_back("paged");
    logs.push_back(result.logs[kPaged]);
  }
  PrintNamedReports(global, "k8s-list", names, logs, result.total_ns, cpu, out);
  return 0;
}

}  // namespace cairn::bench

#include "bench/k8s_util.h"

#include <cstdio>

#include "bench/calls.h"
#include "bench/command_util.h"

namespace cairn::bench {

std::string K8sObjectKey(const std::string& resource, int64_t i, int64_t namespaces) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "/ns-%lld/%s-%08lld", static_cast<long long>(i % namespaces),
                resource.c_str(), static_cast<long long>(i));
  // Singular-ish object name: "pods" -> "pods-00000001" is fine for a benchmark.
  return "/registry/" + resource + buf;
}

std::string PrefixEnd(const std::string& prefix) {
  std::string end = prefix;
  for (int i = static_cast<int>(end.size()) - 1; i >= 0; i--) {
    if (static_cast<unsigned char>(end[i]) < 0xff) {
      end[i] = static_cast<char>(static_cast<unsigned char>(end[i]) + 1);
      end.resize(static_cast<size_t>(i) + 1);
      return end;
    }
  }
  return std::string(1, '\0');  // all 0xff: to the end of the keyspace
}

int64_t PopulateObjects(const Connections& conns, const std::string& resource, int64_t count,
                        int64_t namespaces, const std::string& value, int64_t clients, int64_t threads) {
  if (count <= 0) return 0;
  using etcdserverpb::PutRequest;
  using etcdserverpb::PutResponse;
  std::vector<std::unique_ptr<Call>> calls;
  for (int64_t i = 0; i < std::max<int64_t>(1, std::min(clients, count)); i++) {
    const Connection& conn = conns.at(i % conns.size());
    auto prepare = [&conn](grpc::ClientContext* ctx, const PutRequest& req, grpc::CompletionQueue* cq) {
      return conn.kv->PrepareAsyncPut(ctx, req, cq);
    };
    auto fill = [&value, &resource, namespaces](int64_t seq, PutRequest* req) {
      if (req->value().size() != value.size()) req->set_value(value);
      req->set_key(K8sObjectKey(resource, seq, namespaces));
    };
    calls.push_back(std::make_unique<UnaryCall<PutRequest, PutResponse>>(&conns, prepare, fill));
  }
  DriverOptions options;
  options.total = count;
  options.threads = threads;
  const DriverResult result = RunClosedLoop(calls, options);
  int64_t failed = 0;
  for (const auto& [msg, n] : result.logs[0].errors()) failed += n;
  return failed;
}

void PrintNamedReports(const GlobalConfig& global, const std::string& command,
                       const std::vector<std::string>& names, const std::vector<ResultLog>& logs,
                       int64_t total_ns, const ClientCpu& cpu, FILE* out, const std::string& extra_text,
                       const std::string& extra_json) {
  std::string text;
  if (global.output == "json") {
    text = "{";
    for (size_t i = 0; i < names.size(); i++) {
      const Stats stats = ComputeStats(logs[i], total_ns, global.sample);
      if (i > 0) text += ",";
      text += "\"" + names[i] + "\":" + FormatReportJson(stats, command + " " + names[i], cpu);
    }
    if (!extra_json.empty()) text += (names.empty() ? "" : ",") + extra_json;
    text += "}\n";
  } else {
    text = extra_text;
    for (size_t i = 0; i < names.size(); i++) {
      const Stats stats = ComputeStats(logs[i], total_ns, global.sample);
      text += names[i] + ":" + FormatReport(stats, global.precise) + "\n";
    }
    text += CpuLine(cpu, total_ns);
  }
  std::fwrite(text.data(), 1, text.size(), out);
  std::fflush(out);
}

}  // namespace cairn::bench

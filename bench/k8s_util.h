// Helpers shared by the Kubernetes-shaped workloads (k8s-list, k8s-churn, watch-fanout): the
// kube-apiserver key layout, prefix ends, prepopulation and multi-report printing.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/commands.h"
#include "bench/connections.h"
#include "bench/driver.h"
#include "bench/report.h"

namespace cairn::bench {

// "/registry/<resource>/ns-<i % namespaces>/<resource>-<i, 8 digits>", the shape kube-apiserver
// stores objects under (namespace, then name).
std::string K8sObjectKey(const std::string& resource, int64_t i, int64_t namespaces);

// clientv3.GetPrefixRangeEnd: the prefix with its last byte below 0xff incremented.
std::string PrefixEnd(const std::string& prefix);

// True for `percent` of the sequence numbers, spread evenly (seq 0..99 with 20: every fifth).
inline bool InPercent(int64_t seq, int64_t percent) {
  return (seq + 1) * percent / 100 > seq * percent / 100;
}

// Puts objects 0..count-1 (K8sObjectKey(resource, i, namespaces)) of `value` with `clients`
// closed-loop clients over `conns`. Returns the number of failed puts (0 on success).
int64_t PopulateObjects(const Connections& conns, const std::string& resource, int64_t count,
                        int64_t namespaces, const std::string& value, int64_t clients, int64_t threads);

// Prints one report per category: text "<name>:\n<etcd report>\n" for each, then the client CPU
// line; or with --output json one object {"<name>": <report json>, ...}. `extra_text` (a line
// printed before the reports) and `extra_json` (`"field":value` pairs added to the object) carry
// workload-specific counters.
void PrintNamedReports(const GlobalConfig& global, const std::string& command,
                       const std::vector<std::string>& names, const std::vector<ResultLog>& logs,
                       int64_t total_ns, const ClientCpu& cpu, FILE* out, const std::string& extra_text = "",
                       const std::string& extra_json = "");

}  // namespace cairn::bench

// Benchmark results and their text report, reproducing etcd's pkg/report (report.go,
// timeseries.go) byte for byte: the "Summary:" block, the response time histogram, the latency
// distribution, the optional per-second sample table and the error distribution.
//
// Usage: each driver thread fills its own ResultLog (no locking); at the end the logs are merged
// in one Stats with ComputeStats() and printed with FormatReport() or FormatReportJson().
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace cairn::bench {

// One completed request. Times are nanoseconds; start is wall-clock (Unix epoch) time, used only
// for the per-second sample table.
struct Result {
  int64_t start_unix_ns = 0;
  int64_t duration_ns = 0;
  std::string error;  // empty on success
};

// Append-only log of results. Not thread-safe: one per driver thread.
class ResultLog {
 public:
  void AddSuccess(int64_t start_unix_ns, int64_t duration_ns) {
    successes_.push_back({start_unix_ns, duration_ns, {}});
  }
  void AddError(const std::string& message) { ++errors_[message]; }
  // Moves `other`'s entries after this log's entries.
  void Merge(ResultLog&& other);

  const std::vector<Result>& successes() const { return successes_; }
  const std::map<std::string, int64_t>& errors() const { return errors_; }
  int64_t count() const;

 private:
  std::vector<Result> successes_;
  std::map<std::string, int64_t> errors_;
};

// One row of the per-second sample table (timeseries.go DataPoint).
struct DataPoint {
  int64_t unix_second = 0;
  int64_t min_latency_ns = 0;
  int64_t avg_latency_ns = 0;
  int64_t max_latency_ns = 0;
  int64_t throughput = 0;
};

// report.go Stats. Latencies are seconds as computed by Go's time.Duration.Seconds().
struct Stats {
  double avg_total = 0;  // sum of latencies
  double fastest = 0;
  double slowest = 0;
  double average = 0;
  double stddev = 0;
  double rps = 0;
  int64_t total_ns = 0;                       // wall time of the whole run
  std::map<std::string, int64_t> error_dist;  // message -> count (printed sorted by message)
  std::vector<double> lats;                   // sorted ascending
  std::vector<DataPoint> time_series;         // filled only when sampling
};

// Go's time.Duration(ns).Seconds().
double GoSeconds(int64_t ns);

// report.go processResults: averages, population stddev, sorted latencies, fastest/slowest,
// requests/sec = successes / total. With `sample`, also the per-second table (timeseries.go).
Stats ComputeStats(const ResultLog& log, int64_t total_ns, bool sample);

// etcd's percentiles(): for each of 10, 25, 50, 75, 90, 95, 99, 99.9 the first latency at index
// i with i*100/n >= p (0 when fewer samples). `sorted_lats` ascending.
std::vector<double> Percentiles(const std::vector<double>& sorted_lats);
extern const double kPercentiles[8];

// The text etcd's report.String() returns; precise selects "%g" instead of "%4.4f".
// The benchmark commands print it followed by a newline (fmt.Println).
std::string FormatReport(const Stats& stats, bool precise);

// Cairn's machine-readable form (`--output json`): one JSON object, see report.cc.
struct ClientCpu {
  double user_seconds = 0;
  double system_seconds = 0;
};
std::string FormatReportJson(const Stats& stats, const std::string& command, const ClientCpu& cpu);

// Sample table text as timeseries.go's String() prints it (leading "\nSample in one second ...").
std::string FormatTimeSeries(const std::vector<DataPoint>& series);

}  // namespace cairn::bench

#include "bench/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "bench/go_format.h"

namespace cairn::bench {
namespace {

// report.go: barChar = "∎" (U+220E).
constexpr char kBarChar[] = "\xE2\x88\x8E";

struct Histogram {
  std::vector<double> buckets;
  std::vector<int64_t> counts;
  int64_t max_count = 0;
};

// report.go histogram(): 10 equal-width buckets from fastest plus one ending at slowest.
Histogram ComputeHistogram(const Stats& stats) {
  constexpr int kBucketCount = 10;
  Histogram h;
  h.buckets.assign(kBucketCount + 1, 0.0);
  h.counts.assign(kBucketCount + 1, 0);
  const double bucket_width = (stats.slowest - stats.fastest) / static_cast<double>(kBucketCount);
  for (int i = 0; i < kBucketCount; i++) {
    h.buckets[i] = stats.fastest + bucket_width * static_cast<double>(i);
  }
  h.buckets[kBucketCount] = stats.slowest;
  size_t bi = 0;
  for (size_t i = 0; i < stats.lats.size();) {
    if (stats.lats[i] <= h.buckets[bi]) {
      i++;
      h.counts[bi]++;
      h.max_count = std::max(h.max_count, h.counts[bi]);
    } else if (bi < h.buckets.size() - 1) {
      bi++;
    } else {
      // Unreachable with sorted lats (the last bucket ends at slowest); never loop forever.
      h.counts[bi]++;
      i++;
    }
  }
  return h;
}

std::string JsonNumber(double v) {
  if (!std::isfinite(v)) return "null";
  return GoFormatG(v);
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

}  // namespace

const double kPercentiles[8] = {10, 25, 50, 75, 90, 95, 99, 99.9};

void ResultLog::Merge(ResultLog&& other) {
  successes_.insert(successes_.end(), std::make_move_iterator(other.successes_.begin()),
                    std::make_move_iterator(other.successes_.end()));
  for (auto& [msg, n] : other.errors_) errors_[msg] += n;
  other.successes_.clear();
  other.errors_.clear();
}

int64_t ResultLog::count() const {
  int64_t n = static_cast<int64_t>(successes_.size());
  for (const auto& [msg, count] : errors_) n += count;
  return n;
}

double GoSeconds(int64_t ns) {
  const int64_t sec = ns / 1000000000;
  const int64_t nsec = ns % 1000000000;
  return static_cast<double>(sec) + static_cast<double>(nsec) / 1e9;
}

Stats ComputeStats(const ResultLog& log, int64_t total_ns, bool sample) {
  Stats s;
  s.total_ns = total_ns;
  s.error_dist = log.errors();
  s.lats.reserve(log.successes().size());
  for (const Result& r : log.successes()) {
    const double sec = GoSeconds(r.duration_ns);
    s.lats.push_back(sec);
    s.avg_total += sec;
  }
  const double n = static_cast<double>(s.lats.size());
  s.rps = n / GoSeconds(total_ns);
  s.average = s.avg_total / n;
  for (double lat : s.lats) {
    const double dev = lat - s.average;
    s.stddev += dev * dev;
  }
  s.stddev = std::sqrt(s.stddev / n);
  std::sort(s.lats.begin(), s.lats.end());
  if (!s.lats.empty()) {
    s.fastest = s.lats.front();
    s.slowest = s.lats.back();
  }
  if (sample && !log.successes().empty()) {
    // timeseries.go secondPoints.Add / getTimeSeries.
    struct Point {
      int64_t min_ns = 0, max_ns = 0, total_ns = 0, count = 0;
    };
    std::map<int64_t, Point> points;
    for (const Result& r : log.successes()) {
      // Go's Time.Unix() floors towards negative infinity; starts are after 1970.
      const int64_t second = r.start_unix_ns / 1000000000;
      auto it = points.find(second);
      if (it == points.end()) {
        points[second] = {r.duration_ns, r.duration_ns, r.duration_ns, 1};
      } else {
        Point& p = it->second;
        if (r.duration_ns != 0) p.min_ns = std::min(p.min_ns, r.duration_ns);
        p.max_ns = std::max(p.max_ns, r.duration_ns);
        p.total_ns += r.duration_ns;
        p.count++;
      }
    }
    const int64_t min_second = points.begin()->first;
    const int64_t max_second = points.rbegin()->first;
    for (int64_t t = min_second; t < max_second; t++) points.try_emplace(t);
    for (const auto& [second, p] : points) {
      s.time_series.push_back({second, p.min_ns, p.count > 0 ? p.total_ns / p.count : 0, p.max_ns, p.count});
    }
  }
  return s;
}

std::vector<double> Percentiles(const std::vector<double>& nums) {
  constexpr size_t kCount = sizeof(kPercentiles) / sizeof(kPercentiles[0]);
  std::vector<double> data(kCount, 0.0);
  size_t j = 0;
  const size_t n = nums.size();
  for (size_t i = 0; i < n && j < kCount; i++) {
    const double current = static_cast<double>(i) * 100.0 / static_cast<double>(n);
    if (current >= kPercentiles[j]) {
      data[j] = nums[i];
      j++;
    }
  }
  return data;
}

std::string FormatTimeSeries(const std::vector<DataPoint>& series) {
  std::string s = "\nSample in one second (unix latency throughput):\n";
  s += "UNIX-SECOND,MIN-LATENCY-MS,AVG-LATENCY-MS,MAX-LATENCY-MS,AVG-THROUGHPUT\n";
  for (const DataPoint& p : series) {
    s += std::to_string(p.unix_second) + "," + GoDurationString(p.min_latency_ns) + "," +
         GoDurationString(p.avg_latency_ns) + "," + GoDurationString(p.max_latency_ns) + "," +
         std::to_string(p.throughput) + "\n";
  }
  return s;
}

std::string FormatReport(const Stats& stats, bool precise) {
  auto num = [precise](double v) { return precise ? GoFormatG(v) : GoFormatF(v, 4, 4); };
  auto sec2str = [&num](double v) { return num(v) + " secs"; };
  std::string s;
  if (!stats.lats.empty()) {
    s += "\nSummary:\n";
    s += "  Total:\t" + sec2str(GoSeconds(stats.total_ns)) + ".\n";
    s += "  Slowest:\t" + sec2str(stats.slowest) + ".\n";
    s += "  Fastest:\t" + sec2str(stats.fastest) + ".\n";
    s += "  Average:\t" + sec2str(stats.average) + ".\n";
    s += "  Stddev:\t" + sec2str(stats.stddev) + ".\n";
    s += "  Requests/sec:\t" + num(stats.rps) + "\n";

    const Histogram h = ComputeHistogram(stats);
    s += "\nResponse time histogram:\n";
    for (size_t i = 0; i < h.buckets.size(); i++) {
      int64_t bar_len = 0;
      if (h.max_count > 0) bar_len = h.counts[i] * 40 / h.max_count;
      s += "  " + num(h.buckets[i]) + " [" + std::to_string(h.counts[i]) + "]\t|";
      for (int64_t b = 0; b < bar_len; b++) s += kBarChar;
      s += "\n";
    }

    const std::vector<double> data = Percentiles(stats.lats);
    s += "\nLatency distribution:\n";
    for (size_t i = 0; i < data.size(); i++) {
      if (data[i] > 0) {
        s += "  " + GoFormatG(kPercentiles[i]) + "% in " + sec2str(data[i]) + ".\n";
      }
    }
    if (!stats.time_series.empty()) s += FormatTimeSeries(stats.time_series) + "\n";
  }
  if (!stats.error_dist.empty()) {
    // etcd iterates a Go map (random order); Cairn prints sorted by message.
    s += "\nError distribution:\n";
    for (const auto& [err, count] : stats.error_dist) {
      s += "  [" + std::to_string(count) + "]\t" + err + "\n";
    }
  }
  return s;
}

std::string FormatReportJson(const Stats& stats, const std::string& command, const ClientCpu& cpu) {
  int64_t error_count = 0;
  for (const auto& [msg, n] : stats.error_dist) error_count += n;
  std::string s = "{";
  s += "\"command\":" + JsonString(command);
  s += ",\"requests\":" + std::to_string(static_cast<int64_t>(stats.lats.size()) + error_count);
  s += ",\"successes\":" + std::to_string(stats.lats.size());
  s += ",\"failures\":" + std::to_string(error_count);
  s += ",\"total_seconds\":" + JsonNumber(GoSeconds(stats.total_ns));
  if (!stats.lats.empty()) {
    s += ",\"slowest_seconds\":" + JsonNumber(stats.slowest);
    s += ",\"fastest_seconds\":" + JsonNumber(stats.fastest);
    s += ",\"average_seconds\":" + JsonNumber(stats.average);
    s += ",\"stddev_seconds\":" + JsonNumber(stats.stddev);
    s += ",\"requests_per_second\":" + JsonNumber(stats.rps);
    const Histogram h = ComputeHistogram(stats);
    s += ",\"histogram\":[";
    for (size_t i = 0; i < h.buckets.size(); i++) {
      if (i > 0) s += ",";
      s += "{\"le_seconds\":" + JsonNumber(h.buckets[i]) + ",\"count\":" + std::to_string(h.counts[i]) + "}";
    }
    s += "]";
    const std::vector<double> data = Percentiles(stats.lats);
    s += ",\"latency_percentiles_seconds\":{";
    bool first_pct = true;
    for (size_t i = 0; i < data.size(); i++) {
      if (!(data[i] > 0)) continue;  // like the text report: too few samples for this percentile
      if (!first_pct) s += ",";
      first_pct = false;
      s += "\"" + GoFormatG(kPercentiles[i]) + "\":" + JsonNumber(data[i]);
    }
    s += "}";
  }
  s += ",\"errors\":{";
  bool first = true;
  for (const auto& [msg, n] : stats.error_dist) {
    if (!first) s += ",";
    first = false;
    s += JsonString(msg) + ":" + std::to_string(n);
  }
  s += "}";
  s += ",\"client_cpu\":{\"user_seconds\":" + JsonNumber(cpu.user_seconds) +
       ",\"system_seconds\":" + JsonNumber(cpu.system_seconds) + "}";
  s += "}";
  return s;
}

}  // namespace cairn::bench

// A small Prometheus registry: counters, gauges, histograms with fixed buckets, label vectors,
// callback metrics, and the text exposition format 0.0.4 as Go's client_golang writes it
// (families sorted by name, label pairs sorted by name, floats in Go's %g: "2.147483648e+09").
//
// Hot path: Counter::Inc, Gauge::Set/Add and Histogram::Observe are lock-free (relaxed atomics).
// Resolve a labelled child once (`vec.With({...})`, which takes a mutex) and keep the reference:
// children live as long as the registry.
//
// Thread-safety: everything may be called from any thread. Registration of the same name twice
// returns the first metric when the kind and labels agree and aborts otherwise (a programming
// error, like client_golang's MustRegister).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::metrics {

class Counter {
 public:
  void Inc() { Add(1); }
  // REQUIRES: delta >= 0.
  void Add(double delta) { value_.fetch_add(delta, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double delta) { value_.fetch_add(delta, std::memory_order_relaxed); }
  void Inc() { Add(1); }
  void Dec() { Add(-1); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  // `upper_bounds` ascending, without +Inf.
  explicit Histogram(const std::vector<double>* upper_bounds);
  void Observe(double v);
  // Cumulative counts per bound, then +Inf (== count).
  std::vector<uint64_t> CumulativeCounts() const;
  uint64_t Count() const { return count_.load(std::memory_order_relaxed); }
  double Sum() const { return sum_.load(std::memory_order_relaxed); }
  const std::vector<double>& UpperBounds() const { return *upper_bounds_; }

 private:
  const std::vector<double>* upper_bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> bucket_counts_;  // non-cumulative; last is +Inf
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

// prometheus.ExponentialBuckets(start, factor, count).
std::vector<double> ExponentialBuckets(double start, double factor, int count);
// prometheus.LinearBuckets(start, width, count).
std::vector<double> LinearBuckets(double start, double width, int count);

enum class Kind { kCounter, kGauge, kHistogram };

struct Family;  // registry.cc

// One metric family: a name, help, kind, label names, and children keyed by label values.
template <class M>
class Vec {
 public:
  // The child for `label_values`, in the order of the label names. REQUIRES: right arity.
  M& With(std::initializer_list<std::string_view> label_values);
  M& With(const std::vector<std::string>& label_values);

 private:
  friend class Registry;
  explicit Vec(Family* family) : family_(family) {}
  Family* family_;
};

using CounterVec = Vec<Counter>;
using GaugeVec = Vec<Gauge>;
using HistogramVec = Vec<Histogram>;

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Counter& NewCounter(const std::string& name, const std::string& help);
  Gauge& NewGauge(const std::string& name, const std::string& help);
  Histogram& NewHistogram(const std::string& name, const std::string& help, std::vector<double> upper_bounds);
  CounterVec NewCounterVec(const std::string& name, const std::string& help, std::vector<std::string> labels);
  GaugeVec NewGaugeVec(const std::string& name, const std::string& help, std::vector<std::string> labels);
  HistogramVec NewHistogramVec(const std::string& name, const std::string& help,
                               std::vector<std::string> labels, std::vector<double> upper_bounds);
  // A value computed at each scrape (prometheus.NewGaugeFunc / NewCounterFunc).
  void NewGaugeFunc(const std::string& name, const std::string& help, std::function<double()> value);
  void NewCounterFunc(const std::string& name, const std::string& help, std::function<double()> value);

  // The whole registry in text format 0.0.4.
  std::string Render() const;

 private:
  Family* FindOrAdd(const std::string& name, const std::string& help, Kind kind,
                    std::vector<std::string> labels, std::vector<double> upper_bounds);

  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Family>> families_;  // sorted by name
};

// The process-wide registry /metrics serves.
Registry& DefaultRegistry();

// Go's strconv.FormatFloat(v, 'g', -1, 64) with Prometheus' "+Inf", "-Inf", "NaN".
std::string FormatFloat(double v);

}  // namespace cairn::metrics

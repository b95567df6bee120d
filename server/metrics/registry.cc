#include "server/metrics/registry.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace cairn::metrics {

struct Family {
  std::string name;
  std::string help;
  Kind kind;
  std::vector<std::string> labels;
  std::vector<double> upper_bounds;
  std::function<double()> func;  // callback metrics only

  struct Child {
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
  };
  std::mutex mu;
  std::map<std::vector<std::string>, Child> children;

  Child& ChildFor(const std::vector<std::string>& values) {
    if (values.size() != labels.size()) {
      fprintf(stderr, "metrics: %s wants %zu label values, got %zu\n", name.c_str(), labels.size(),
              values.size());
      std::abort();
    }
    std::lock_guard<std::mutex> lock(mu);
    Child& c = children[values];
    if (!c.counter && !c.gauge && !c.histogram) {
      switch (kind) {
        case Kind::kCounter: c.counter = std::make_unique<Counter>(); break;
        case Kind::kGauge: c.gauge = std::make_unique<Gauge>(); break;
        case Kind::kHistogram: c.histogram = std::make_unique<Histogram>(&upper_bounds); break;
      }
    }
    return c;
  }
};

namespace {

void AppendEscaped(std::string* out, std::string_view s, bool quote_too) {
  for (char c : s) {
    if (c == '\\') {
      out->append("\\\\");
    } else if (c == '\n') {
      out->append("\\n");
    } else if (quote_too && c == '"') {
      out->append("\\\"");
    } else {
      out->push_back(c);
    }
  }
}

// {a="x",b="y"} with pairs sorted by label name, plus an optional trailing extra pair (le).
std::string LabelText(const std::vector<std::pair<std::string, std::string>>& sorted_pairs,
                      const char* extra_name = nullptr, const std::string& extra_value = "") {
  if (sorted_pairs.empty() && extra_name == nullptr) return "";
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : sorted_pairs) {
    if (!first) out.push_back(',');
    first = false;
    out += k + "=\"";
    AppendEscaped(&out, v, true);
    out.push_back('"');
  }
  if (extra_name != nullptr) {
    if (!first) out.push_back(',');
    out += std::string(extra_name) + "=\"" + extra_value + "\"";
  }
  out.push_back('}');
  return out;
}

const char* KindName(Kind kind) {
  switch (kind) {
    case Kind::kCounter: return "counter";
    case Kind::kGauge: return "gauge";
    case Kind::kHistogram: return "histogram";
  }
  return "untyped";
}

}  // namespace

std::string FormatFloat(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == 0) return std::signbit(v) ? "-0" : "0";
  // strconv's %g with shortest digits: exponent form when exp < -4 || exp >= 6 ("if precision
  // was the shortest possible, use precision 6 for this decision"), else plain decimal. Both
  // C++ and Go write at least two exponent digits ("e+09").
  char buf[400];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  std::string sci(buf, end);
  int exp = std::atoi(sci.c_str() + sci.find('e') + 1);
  if (exp < -4 || exp >= 6) return sci;
  auto [fend, fec] = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed);
  return std::string(buf, fend);
}

Histogram::Histogram(const std::vector<double>* upper_bounds)
    : upper_bounds_(upper_bounds), bucket_counts_(new std::atomic<uint64_t>[upper_bounds->size() + 1]) {
  for (size_t i = 0; i <= upper_bounds->size(); i++) bucket_counts_[i].store(0, std::memory_order_relaxed);
}

void Histogram::Observe(double v) {
  // Buckets are "less than or equal" (le).
  size_t i = static_cast<size_t>(std::lower_bound(upper_bounds_->begin(), upper_bounds_->end(), v) -
                                 upper_bounds_->begin());
  bucket_counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<uint64_t> Histogram::CumulativeCounts() const {
  std::vector<uint64_t> out(upper_bounds_->size() + 1);
  uint64_t running = 0;
  for (size_t i = 0; i < out.size(); i++) {
    running += bucket_counts_[i].load(std::memory_order_relaxed);
    out[i] = running;
  }
  return out;
}

std::vector<double> ExponentialBuckets(double start, double factor, int count) {
  std::vector<double> out;
  for (int i = 0; i < count; i++) {
    out.push_back(start);
    start *= factor;
  }
  return out;
}

std::vector<double> LinearBuckets(double start, double width, int count) {
  std::vector<double> out;
  for (int i = 0; i < count; i++) {
    out.push_back(start);
    start += width;
  }
  return out;
}

template <class M>
M& Vec<M>::With(std::initializer_list<std::string_view> label_values) {
  std::vector<std::string> values;
  values.reserve(label_values.size());
  for (std::string_view v : label_values) values.emplace_back(v);
  return With(values);
}

template <>
Counter& Vec<Counter>::With(const std::vector<std::string>& values) {
  return *family_->ChildFor(values).counter;
}
template <>
Gauge& Vec<Gauge>::With(const std::vector<std::string>& values) {
  return *family_->ChildFor(values).gauge;
}
template <>
Histogram& Vec<Histogram>::With(const std::vector<std::string>& values) {
  return *family_->ChildFor(values).histogram;
}

template class Vec<Counter>;
template class Vec<Gauge>;
template class Vec<Histogram>;

Registry::Registry() = default;
Registry::~Registry() = default;

Family* Registry::FindOrAdd(const std::string& name, const std::string& help, Kind kind,
                            std::vector<std::string> labels, std::vector<double> upper_bounds) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = families_.find(name);
  if (it != families_.end()) {
    Family* f = it->second.get();
    if (f->kind != kind || f->labels != labels || f->upper_bounds != upper_bounds) {
      fprintf(stderr, "metrics: %s registered twice with different shapes\n", name.c_str());
      std::abort();
    }
    return f;
  }
  assert(std::is_sorted(upper_bounds.begin(), upper_bounds.end()));
  auto f = std::make_unique<Family>();
  f->name = name;
  f->help = help;
  f->kind = kind;
  f->labels = std::move(labels);
  f->upper_bounds = std::move(upper_bounds);
  Family* raw = f.get();
  families_.emplace(name, std::move(f));
  return raw;
}

Counter& Registry::NewCounter(const std::string& name, const std::string& help) {
  return *FindOrAdd(name, help, Kind::kCounter, {}, {})->ChildFor({}).counter;
}

Gauge& Registry::NewGauge(const std::string& name, const std::string& help) {
  return *FindOrAdd(name, help, Kind::kGauge, {}, {})->ChildFor({}).gauge;
}

Histogram& Registry::NewHistogram(const std::string& name, const std::string& help,
                                  std::vector<double> upper_bounds) {
  return *FindOrAdd(name, help, Kind::kHistogram, {}, std::move(upper_bounds))->ChildFor({}).histogram;
}

CounterVec Registry::NewCounterVec(const std::string& name, const std::string& help,
                                   std::vector<std::string> labels) {
  return CounterVec(FindOrAdd(name, help, Kind::kCounter, std::move(labels), {}));
}

GaugeVec Registry::NewGaugeVec(const std::string& name, const std::string& help,
                               std::vector<std::string> labels) {
  return GaugeVec(FindOrAdd(name, help, Kind::kGauge, std::move(labels), {}));
}

HistogramVec Registry::NewHistogramVec(const std::string& name, const std::string& help,
                                       std::vector<std::string> labels, std::vector<double> upper_bounds) {
  return HistogramVec(FindOrAdd(name, help, Kind::kHistogram, std::move(labels), std::move(upper_bounds)));
}

void Registry::NewGaugeFunc(const std::string& name, const std::string& help, std::function<double()> value) {
  FindOrAdd(name, help, Kind::kGauge, {}, {})->func = std::move(value);
}

void Registry::NewCounterFunc(const std::string& name, const std::string& help,
                              std::function<double()> value) {
  FindOrAdd(name, help, Kind::kCounter, {}, {})->func = std::move(value);
}

std::string Registry::Render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (const auto& [name, f] : families_) {
    std::lock_guard<std::mutex> family_lock(f->mu);
    if (f->children.empty() && !f->func) continue;
    out += "# HELP " + name + " ";
    AppendEscaped(&out, f->help, false);
    out += "\n# TYPE " + name + " " + KindName(f->kind) + "\n";
    if (f->func) {
      out += name + " " + FormatFloat(f->func()) + "\n";
      continue;
    }
    // Children sorted by their label pairs ordered by label name (client_golang's order).
    std::vector<size_t> order(f->labels.size());
    for (size_t i = 0; i < order.size(); i++) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return f->labels[a] < f->labels[b]; });
    struct Row {
      std::vector<std::pair<std::string, std::string>> pairs;
      const Family::Child* child;
    };
    std::vector<Row> rows;
    for (const auto& [values, child] : f->children) {
      Row row{{}, &child};
      for (size_t i : order) row.pairs.emplace_back(f->labels[i], values[i]);
      rows.push_back(std::move(row));
    }
    std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.pairs < b.pairs; });
    for (const Row& row : rows) {
      switch (f->kind) {
        case Kind::kCounter:
          out += name + LabelText(row.pairs) + " " + FormatFloat(row.child->counter->Value()) + "\n";
          break;
        case Kind::kGauge:
          out += name + LabelText(row.pairs) + " " + FormatFloat(row.child->gauge->Value()) + "\n";
          break;
        case Kind::kHistogram: {
          const Histogram& h = *row.child->histogram;
          // Read count first: with concurrent observers, buckets may run slightly ahead of it.
          std::vector<uint64_t> cumulative = h.CumulativeCounts();
          for (size_t i = 0; i < f->upper_bounds.size(); i++) {
            out += name + "_bucket" + LabelText(row.pairs, "le", FormatFloat(f->upper_bounds[i])) + " " +
                   std::to_string(cumulative[i]) + "\n";
          }
          out += name + "_bucket" + LabelText(row.pairs, "le", "+Inf") + " " +
                 std::to_string(cumulative.back()) + "\n";
          out += name + "_sum" + LabelText(row.pairs) + " " + FormatFloat(h.Sum()) + "\n";
          out += name + "_count" + LabelText(row.pairs) + " " + std::to_string(cumulative.back()) + "\n";
          break;
        }
      }
    }
  }
  return out;
}

Registry& DefaultRegistry() {
  static Registry* registry = new Registry();
  return *registry;
}

}  // namespace cairn::metrics

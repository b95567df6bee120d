// Compares Cairn's report formatting with etcd's own report.go: the report_golden genrule runs
// Debian's go.etcd.io/etcd/pkg/report on testdata/report_cases.txt; this test formats the same
// cases with report.cc / go_format.cc and requires identical bytes.
#include "bench/report.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "bench/go_format.h"

namespace cairn::bench {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

std::vector<std::string> Fields(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  std::string f;
  while (in >> f) out.push_back(f);
  return out;
}

struct Golden {
  std::map<std::string, std::string> cases;                           // name -> report text
  std::vector<std::vector<std::string>> g_lines, f_lines, dur_lines;  // tab-separated fields
};

Golden ParseGolden() {
  Golden g;
  std::istringstream in(ReadFile("bench/report_golden.txt"));
  std::string line, current, text;
  bool in_case = false;
  while (std::getline(in, line)) {
    if (!in_case && line.rfind("=== case ", 0) == 0) {
      current = line.substr(9);
      text.clear();
      in_case = true;
    } else if (in_case && line == "=== end") {
      g.cases[current] = text;
      in_case = false;
    } else if (in_case) {
      text += line + "\n";
    } else if (line.rfind("g\t", 0) == 0) {
      g.g_lines.push_back(Split(line, '\t'));
    } else if (line.rfind("f\t", 0) == 0) {
      g.f_lines.push_back(Split(line, '\t'));
    } else if (line.rfind("dur\t", 0) == 0) {
      g.dur_lines.push_back(Split(line, '\t'));
    }
  }
  return g;
}

TEST(GoFormat, MatchesGoFmtG) {
  const Golden g = ParseGolden();
  ASSERT_GE(g.g_lines.size(), 20u);
  for (const auto& f : g.g_lines) {
    ASSERT_EQ(f.size(), 4u);
    const double v = std::strtod(f[1].c_str(), nullptr);
    EXPECT_EQ(GoFormatG(v), f[2]) << f[1];
  }
}

TEST(GoFormat, MatchesGoFmtF) {
  const Golden g = ParseGolden();
  ASSERT_GE(g.f_lines.size(), 5u);
  for (const auto& f : g.f_lines) {
    ASSERT_EQ(f.size(), 3u);
    EXPECT_EQ(GoFormatF(std::strtod(f[1].c_str(), nullptr), 4, 4), f[2]) << f[1];
  }
}

TEST(GoFormat, MatchesGoDurationString) {
  const Golden g = ParseGolden();
  ASSERT_GE(g.dur_lines.size(), 10u);
  for (const auto& f : g.dur_lines) {
    ASSERT_EQ(f.size(), 3u);
    EXPECT_EQ(GoDurationString(std::stoll(f[1])), f[2]) << f[1];
  }
}

TEST(GoFormat, NonFinite) {
  EXPECT_EQ(GoFormatG(1.0 / 0.0), "+Inf");
  EXPECT_EQ(GoFormatF(-1.0 / 0.0, 4, 4), "-Inf");
}

// Parses report_cases.txt into ResultLogs and formats them with Cairn's report.
std::map<std::string, std::string> FormatCases() {
  std::map<std::string, std::string> out;
  std::istringstream in(ReadFile("bench/testdata/report_cases.txt"));
  std::string line, name;
  bool precise = false, sample = false;
  int64_t total_ns = 0;
  ResultLog log;
  while (std::getline(in, line)) {
    const std::vector<std::string> f = Fields(line);
    if (f.empty() || line[0] == '#') continue;
    if (f[0] == "case") {
      name = f[1];
      precise = f[2] == "1";
      sample = f[3] == "1";
      total_ns = std::stoll(f[4]);
      log = ResultLog();
    } else if (f[0] == "lat") {
      for (size_t i = 1; i < f.size(); i++) {
        const std::vector<std::string> parts = Split(f[i], '@');
        log.AddSuccess(parts.size() == 2 ? std::stoll(parts[1]) : 0, std::stoll(parts[0]));
      }
    } else if (f[0] == "err") {
      const int count = std::stoi(f[1]);
      const size_t msg_pos = line.find(' ', line.find(' ') + 1) + 1;
      for (int i = 0; i < count; i++) log.AddError(line.substr(msg_pos));
    } else if (f[0] == "end") {
      out[name] = FormatReport(ComputeStats(log, total_ns, sample), precise);
    }
  }
  return out;
}

TEST(Report, MatchesEtcdReportGo) {
  const Golden g = ParseGolden();
  const std::map<std::string, std::string> ours = FormatCases();
  ASSERT_GE(g.cases.size(), 10u);
  ASSERT_EQ(ours.size(), g.cases.size());
  for (const auto& [name, text] : g.cases) {
    ASSERT_TRUE(ours.count(name)) << name;
    EXPECT_EQ(ours.at(name), text) << "case " << name;
  }
}

// A hand-checked golden (independent of the Go oracle). Note etcd's bucket rule: a latency
// goes to the first bucket whose lower label is >= it (2ms lands in the 2.8ms row), and the
// percentile p is the first sample at index i with i*100/n >= p (25% of 10 samples -> index 3).
TEST(Report, HandWrittenGolden) {
  ResultLog log;
  for (int64_t ms : {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}) log.AddSuccess(0, ms * 1000000);
  const std::string text = FormatReport(ComputeStats(log, 2000000000, false), false);
  const std::string bar = "\xE2\x88\x8E";
  auto bars = [&bar](int n) {
    std::string s;
    for (int i = 0; i < n; i++) s += bar;
    return s;
  };
  const std::string want =
      "\nSummary:\n"
      "  Total:\t2.0000 secs.\n"
      "  Slowest:\t0.0100 secs.\n"
      "  Fastest:\t0.0010 secs.\n"
      "  Average:\t0.0055 secs.\n"
      "  Stddev:\t0.0029 secs.\n"
      "  Requests/sec:\t5.0000\n"
      "\nResponse time histogram:\n"
      "  0.0010 [1]\t|" +
      bars(40) +
      "\n"
      "  0.0019 [0]\t|\n"
      "  0.0028 [1]\t|" +
      bars(40) +
      "\n"
      "  0.0037 [1]\t|" +
      bars(40) +
      "\n"
      "  0.0046 [1]\t|" +
      bars(40) +
      "\n"
      "  0.0055 [1]\t|" +
      bars(40) +
      "\n"
      "  0.0064 [1]\t|" +
      bars(40) +
      "\n"
      "  0.0073 [1]\t|" +
      bars(40) +
      "\n"
      "  0.0082 [1]\t|" +
      bars(40) +
      "\n"
      "  0.0091 [1]\t|" +
      bars(40) +
      "\n"
      "  0.0100 [1]\t|" +
      bars(40) +
      "\n"
      "\nLatency distribution:\n"
      "  10% in 0.0020 secs.\n"
      "  25% in 0.0040 secs.\n"
      "  50% in 0.0060 secs.\n"
      "  75% in 0.0090 secs.\n"
      "  90% in 0.0100 secs.\n";
  EXPECT_EQ(text, want);
}

TEST(Report, ErrorsSortedByMessage) {
  ResultLog log;
  log.AddError("b");
  log.AddError("a");
  log.AddError("b");
  EXPECT_EQ(FormatReport(ComputeStats(log, 1000, false), false),
            "\nError distribution:\n  [1]\ta\n  [2]\tb\n");
}

TEST(Report, JsonHasStatsAndCpu) {
  ResultLog log;
  log.AddSuccess(0, 1000000);
  log.AddSuccess(0, 3000000);
  log.AddError("etcdserver: \"x\"");
  const std::string json = FormatReportJson(ComputeStats(log, 1000000000, false), "put", {0.5, 0.25});
  EXPECT_NE(json.find("\"command\":\"put\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"requests\":3,\"successes\":2,\"failures\":1"), std::string::npos) << json;
  EXPECT_NE(json.find("\"average_seconds\":0.002"), std::string::npos) << json;
  EXPECT_NE(json.find("\"requests_per_second\":2"), std::string::npos) << json;
  EXPECT_NE(json.find("\"etcdserver: \\\"x\\\"\":1"), std::string::npos) << json;
  EXPECT_NE(json.find("\"client_cpu\":{\"user_seconds\":0.5,\"system_seconds\":0.25}"), std::string::npos)
      << json;
}

}  // namespace
}  // namespace cairn::bench

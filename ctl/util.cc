// etcdctl's command/util.go helpers.
#include <cstdio>
#include <iostream>
#include <iterator>

#include "ctl/commands.h"
#include "ctl/printer_impl.h"
#include "server/flags/go_values.h"

namespace cairn::ctl {

bool ArgOrStdin(const std::vector<std::string>& args, size_t i, std::string* out) {
  if (i < args.size()) {
    *out = args[i];
    return true;
  }
  std::string all((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  if (all.empty()) return false;
  *out = all;
  return true;
}

bool ParseHexInt64(const std::string& s, int64_t* out) {
  if (s.empty()) return false;
  size_t i = 0;
  bool neg = false;
  if (s[0] == '+' || s[0] == '-') neg = s[0] == '-', i = 1;
  if (i == s.size()) return false;
  unsigned long long v = 0;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (d < 0) return false;
    if (v > (~0ULL >> 4)) return false;
    v = v * 16 + static_cast<unsigned>(d);
  }
  if ((!neg && v > 0x7fffffffffffffffULL) || (neg && v > 0x8000000000000000ULL)) return false;
  *out = neg ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
  return true;
}

bool ParseDecInt64(const std::string& s, int64_t* out, std::string* error) {
  bool ok = !s.empty();
  int64_t v = 0;
  size_t i = 0;
  bool neg = false;
  if (ok && (s[0] == '+' || s[0] == '-')) neg = s[0] == '-', i = 1;
  ok = ok && i < s.size();
  bool range = false;
  for (; ok && i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') {
      ok = false;
      break;
    }
    const int d = s[i] - '0';
    if (v > (INT64_MAX - d) / 10) range = true;
    if (!range) v = v * 10 + d;
  }
  if (!ok) return *error = "strconv.ParseInt: parsing " + GoQuote(s) + ": invalid syntax", false;
  if (range) return *error = "strconv.ParseInt: parsing " + GoQuote(s) + ": value out of range", false;
  *out = neg ? -v : v;
  return true;
}

std::string GoQuoteArg(const std::string& s) { return GoQuote(s); }

std::vector<std::string> Argify(const std::string& line) {
  // regexp `"(?:[^"\\]|\\.)*"|'[^']*'|[^'"\s]\S*[^'"\s]?`, then unquoting.
  std::vector<std::string> out;
  size_t i = 0;
  auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  };
  while (i < line.size()) {
    const char c = line[i];
    if (c == '"') {
      size_t j = i + 1;
      std::string v;
      bool closed = false;
      while (j < line.size()) {
        if (line[j] == '\\' && j + 1 < line.size()) {
          const char e = line[j + 1];
          v += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
          j += 2;
          continue;
        }
        if (line[j] == '"') {
          closed = true;
          break;
        }
        v += line[j++];
      }
      if (closed) {
        out.push_back(v);
        i = j + 1;
        continue;
      }
      ++i;  // an unmatched quote matches nothing
      continue;
    }
    if (c == '\'') {
      const size_t j = line.find('\'', i + 1);
      if (j != std::string::npos) {
        out.push_back(line.substr(i + 1, j - i - 1));
        i = j + 1;
        continue;
      }
      ++i;
      continue;
    }
    if (space(c)) {
      ++i;
      continue;
    }
    size_t j = i + 1;
    while (j < line.size() && !space(line[j])) ++j;
    // [^'"\s]\S*[^'"\s]? : a trailing quote is left out of the word
    std::string w = line.substr(i, j - i);
    if (w.size() > 1 && (w.back() == '\'' || w.back() == '"')) {
      // \S* is greedy and the last class is optional: the word keeps its trailing quote
    }
    out.push_back(w);
    i = j;
  }
  return out;
}

}  // namespace cairn::ctl

#include "certs/kubeadm/expiration_table.h"

#include <algorithm>
#include <cstdio>

namespace cairn::certs::kubeadm {
namespace {

constexpr size_t kMinWidth = 10;
constexpr size_t kPadding = 3;

std::string Date(std::time_t t) {
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof(buf), "%b %d, %Y %H:%M UTC", &tm);
  return buf;
}

std::vector<std::string> Split(const std::string& line) {
  std::vector<std::string> cells;
  size_t start = 0;
  while (true) {
    const size_t tab = line.find('\t', start);
    cells.push_back(line.substr(start, tab == std::string::npos ? tab : tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return cells;
}

// fmt's %-8v.
std::string Pad8(const std::string& s) { return s.size() >= 8 ? s : s + std::string(8 - s.size(), ' '); }

}  // namespace

std::string ShortHumanDuration(int64_t seconds) {
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 60) return std::to_string(seconds) + "s";
  if (seconds / 60 < 60) return std::to_string(seconds / 60) + "m";
  const int64_t hours = seconds / 3600;
  if (hours < 24) return std::to_string(hours) + "h";
  if (hours < 24LL * 365) return std::to_string(hours / 24) + "d";
  return std::to_string(hours / 24 / 365) + "y";
}

std::string TabWrite(const std::vector<std::string>& lines) {
  std::vector<std::vector<std::string>> rows;
  std::vector<size_t> widths;
  for (const std::string& l : lines) {
    rows.push_back(Split(l));
    for (size_t c = 0; c + 1 < rows.back().size(); ++c) {  // only tab-terminated cells align
      if (widths.size() <= c) widths.push_back(0);
      widths[c] = std::max({widths[c], rows.back()[c].size() + kPadding, kMinWidth});
    }
  }
  std::string out;
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) {
      out += row[c];
      if (c + 1 < row.size()) out += std::string(widths[c] - row[c].size(), ' ');
    }
    out += "\n";
  }
  return out;
}

std::string FormatExpiration(const std::vector<ExpirationRow>& certs, const std::vector<ExpirationRow>& cas,
                             std::time_t now) {
  auto yes_no = [](bool b) { return std::string(b ? "yes" : "no"); };
  std::vector<std::string> lines = {
      "CERTIFICATE\tEXPIRES\tRESIDUAL TIME\tCERTIFICATE AUTHORITY\tEXTERNALLY MANAGED"};
  for (const ExpirationRow& r : certs) {
    if (r.missing) {
      lines.push_back("!MISSING! " + r.name + "\t\t\t\t");
      continue;
    }
    lines.push_back(r.name + "\t" + Date(r.not_after) + "\t" + ShortHumanDuration(r.not_after - now) + "\t" +
                    r.ca_name + "\t" + Pad8(yes_no(r.externally_managed)));
  }
  std::string out = TabWrite(lines) + "\n";
  lines = {"CERTIFICATE AUTHORITY\tEXPIRES\tRESIDUAL TIME\tEXTERNALLY MANAGED"};
  for (const ExpirationRow& r : cas) {
    if (r.missing) {
      lines.push_back("!MISSING! " + r.name + "\t\t\t");
      continue;
    }
    lines.push_back(r.name + "\t" + Date(r.not_after) + "\t" + ShortHumanDuration(r.not_after - now) + "\t" +
                    Pad8(yes_no(r.externally_managed)));
  }
  return out + TabWrite(lines);
}

}  // namespace cairn::certs::kubeadm

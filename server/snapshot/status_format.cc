#include "server/snapshot/status_format.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

namespace cairn::snapshot {
namespace {

std::string Hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%x", v);
  return buf;
}

// tablewriter's Pad (centre; the extra space goes right) and PadLeft (right-aligned).
std::string PadCentre(const std::string& s, size_t width) {
  if (s.size() >= width) return s;
  const size_t gap = width - s.size();
  return std::string(gap / 2, ' ') + s + std::string(gap - gap / 2, ' ');
}
std::string PadLeft(const std::string& s, size_t width) {
  if (s.size() >= width) return s;
  return std::string(width - s.size(), ' ') + s;
}

std::string Table(const std::vector<std::string>& header, const std::vector<std::string>& row) {
  std::vector<size_t> widths;
  for (size_t i = 0; i < header.size(); ++i) widths.push_back(std::max(header[i].size(), row[i].size()));
  std::string line = "+";
  for (size_t w : widths) line += std::string(w + 2, '-') + "+";
  line += "\n";
  std::string out = line + "|";
  for (size_t i = 0; i < header.size(); ++i) out += " " + PadCentre(header[i], widths[i]) + " |";
  out += "\n" + line + "|";
  for (size_t i = 0; i < row.size(); ++i) out += " " + PadLeft(row[i], widths[i]) + " |";
  out += "\n" + line;
  return out;
}

}  // namespace

std::string FormatStatus(const backend::SnapshotStatus& s, StatusFormat format) {
  const std::string hash_hex = Hex32(s.hash);
  const std::string rev = std::to_string(s.revision), keys = std::to_string(s.total_keys);
  switch (format) {
    case StatusFormat::kSimple:
      return hash_hex + ", " + rev + ", " + keys + ", " +
             HumanizeBytes(static_cast<uint64_t>(s.total_bytes)) + "\n";
    case StatusFormat::kJson:
      return "{\"hash\":" + std::to_string(s.hash) + ",\"revision\":" + rev + ",\"totalKey\":" + keys +
             ",\"totalSize\":" + std::to_string(s.total_bytes) + "}\n";
    case StatusFormat::kTable:
      return Table({"HASH", "REVISION", "TOTAL KEYS", "TOTAL SIZE"},
                   {hash_hex, rev, keys, HumanizeBytes(static_cast<uint64_t>(s.total_bytes))});
    case StatusFormat::kFields:
      return "\"Hash\" : " + std::to_string(s.hash) + "\n\"Revision\" : " + rev + "\n\"Keys\" : " + keys +
             "\n\"Size\" : " + std::to_string(s.total_bytes) + "\n";
  }
  return "";
}

}  // namespace cairn::snapshot

#include "base/humanize.h"

#include <cmath>
#include <cstdio>

namespace cairn {

std::string HumanizeBytes(uint64_t bytes) {
  if (bytes < 10) return std::to_string(bytes) + " B";
  static const char* const kSizes[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
  const double s = static_cast<double>(bytes);
  const double e = std::floor(std::log(s) / std::log(1000.0));
  const double val = std::floor(s / std::pow(1000.0, e) * 10 + 0.5) / 10;
  char buf[64];
  std::snprintf(buf, sizeof buf, val < 10 ? "%.1f %s" : "%.0f %s", val, kSizes[static_cast<int>(e)]);
  return buf;
}

}  // namespace cairn

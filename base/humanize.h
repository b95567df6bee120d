// github.com/dustin/go-humanize's Bytes(): SI units with one decimal below 10 ("9 B", "1.5 kB",
// "20 kB", "83 MB"), as etcdctl and etcd's benchmark print sizes.
#pragma once

#include <cstdint>
#include <string>

namespace cairn {

std::string HumanizeBytes(uint64_t bytes);

}  // namespace cairn

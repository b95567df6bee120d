// Key and value generation exactly as etcd's benchmark does it.
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include "base/status.h"

namespace cairn::bench {

// etcd: k := make([]byte, keySize); binary.PutVarint(k, n). The zig-zag varint of n fills the
// first bytes and the rest stays zero. InvalidArgument when key_size cannot hold the varint
// (where Go panics).
Status VarintKey(int64_t n, int64_t key_size, std::string* key);

// `size` random bytes (etcd uses crypto/rand; any uniform bytes do).
std::string RandomBytes(int64_t size, std::mt19937_64* rng);

}  // namespace cairn::bench

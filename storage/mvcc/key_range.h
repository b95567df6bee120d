// KeyRange: a client's (key, range_end) pair with etcd's conventions.
//   range_end empty   -> just `key`
//   range_end "\0"    -> every key >= key ("from key"; etcd's mkGteRange)
//   otherwise         -> key <= k < range_end
// (A prefix is expressed by the client as range_end = key with its last byte incremented.)
#pragma once

#include <string>
#include <string_view>

namespace cairn::mvcc {

struct KeyRange {
  std::string_view key;
  std::string_view end;

  bool single() const { return end.empty(); }
  bool unbounded() const { return end.size() == 1 && end[0] == '\0'; }
  bool Contains(std::string_view k) const {
    if (single()) return k == key;
    if (k < key) return false;
    return unbounded() || k < end;
  }
};

// The range_end selecting every key with the given prefix (etcd clientv3.GetPrefixRangeEnd).
inline std::string PrefixEnd(std::string_view prefix) {
  std::string end(prefix);
  for (int i = static_cast<int>(end.size()) - 1; i >= 0; --i) {
    if (static_cast<unsigned char>(end[i]) < 0xff) {
      end[i] = static_cast<char>(static_cast<unsigned char>(end[i]) + 1);
      end.resize(i + 1);
      return end;
    }
  }
  return std::string(1, '\0');  // all bytes 0xff: every key >= prefix
}

}  // namespace cairn::mvcc

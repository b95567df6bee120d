// KeyPermissions: one user's merged read and write key ranges (etcd's unifiedRangePermissions,
// range_perm_cache.go), built once per auth revision so a check costs a binary search.
//
// Semantics (etcd's): a granted permission with empty range_end covers the single key `key`;
// range_end "\0" covers [key, +inf); otherwise [key, range_end). A request is allowed when the
// union of the user's ranges covers the whole requested interval: a point (empty range_end) is
// [key, key+"\0"), range_end "\0" is [key, +inf).
//
// Thread-safety: immutable after Build; any number of concurrent readers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "proto/auth.pb.h"

namespace cairn::auth {

// A set of half-open byte-string intervals, merged and sorted.
class KeyRangeSet {
 public:
  // Adds [begin, end); end_inf: end is +inf (end ignored). Empty intervals are ignored.
  void Add(std::string begin, std::string end, bool end_inf);
  // Sorts and merges; call once after the last Add.
  void Finish();
  // True when [begin, end) (end_inf: [begin, +inf)) is covered by the union.
  bool Covers(std::string_view begin, std::string_view end, bool end_inf) const;
  // True when the single key is covered ([key, key+"\0"), without building that string).
  bool CoversPoint(std::string_view key) const;
  size_t size() const { return ranges_.size(); }

 private:
  struct Range {
    std::string begin;
    std::string end;
    bool end_inf = false;
  };
  std::vector<Range> ranges_;
};

class KeyPermissions {
 public:
  // Adds one granted permission (authpb.Permission semantics above).
  void Grant(const authpb::Permission& perm);
  void Finish();
  // A request on `key` (range_end empty: the key alone; "\0": from key on).
  bool CanRead(std::string_view key, std::string_view range_end) const {
    return Check(read_, key, range_end);
  }
  bool CanWrite(std::string_view key, std::string_view range_end) const {
    return Check(write_, key, range_end);
  }

 private:
  static bool Check(const KeyRangeSet& set, std::string_view key, std::string_view range_end);
  KeyRangeSet read_;
  KeyRangeSet write_;
};

}  // namespace cairn::auth

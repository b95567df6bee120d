#include "server/auth/key_permissions.h"

#include <algorithm>

namespace cairn::auth {

void KeyRangeSet::Add(std::string begin, std::string end, bool end_inf) {
  if (!end_inf && end <= begin) return;
  ranges_.push_back(Range{std::move(begin), std::move(end), end_inf});
}

void KeyRangeSet::Finish() {
  std::sort(ranges_.begin(), ranges_.end(), [](const Range& a, const Range& b) { return a.begin < b.begin; });
  std::vector<Range> merged;
  for (Range& r : ranges_) {
    if (!merged.empty()) {
      Range& last = merged.back();
      // Overlapping or touching: [a, b) + [b, c) covers [a, c).
      if (last.end_inf || r.begin <= last.end) {
        if (!last.end_inf && (r.end_inf || r.end > last.end)) {
          last.end = std::move(r.end);
          last.end_inf = r.end_inf;
        }
        continue;
      }
    }
    merged.push_back(std::move(r));
  }
  ranges_ = std::move(merged);
}

bool KeyRangeSet::Covers(std::string_view begin, std::string_view end, bool end_inf) const {
  // The last range starting at or before `begin` is the only one that can cover it (merged).
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), begin,
                             [](std::string_view b, const Range& r) { return b < r.begin; });
  if (it == ranges_.begin()) return false;
  const Range& r = *(it - 1);
  if (r.end_inf) return true;
  if (end_inf) return false;
  return end <= r.end;
}

bool KeyRangeSet::CoversPoint(std::string_view key) const {
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), key,
                             [](std::string_view b, const Range& r) { return b < r.begin; });
  if (it == ranges_.begin()) return false;
  const Range& r = *(it - 1);
  // end > key is end >= key+"\0", the smallest string above key.
  return r.end_inf || key < r.end;
}

void KeyPermissions::Grant(const authpb::Permission& perm) {
  std::string begin = perm.key();
  std::string end;
  bool inf = false;
  if (perm.range_end().empty()) {
    end = begin;
    end.push_back('\0');
  } else if (perm.range_end() == std::string_view("\0", 1)) {
    inf = true;
  } else {
    end = perm.range_end();
  }
  if (perm.permtype() == authpb::Permission::READ || perm.permtype() == authpb::Permission::READWRITE) {
    read_.Add(begin, end, inf);
  }
  if (perm.permtype() == authpb::Permission::WRITE || perm.permtype() == authpb::Permission::READWRITE) {
    write_.Add(std::move(begin), std::move(end), inf);
  }
}

void KeyPermissions::Finish() {
  read_.Finish();
  write_.Finish();
}

bool KeyPermissions::Check(const KeyRangeSet& set, std::string_view key, std::string_view range_end) {
  if (range_end.empty()) return set.CoversPoint(key);
  if (range_end == std::string_view("\0", 1)) return set.Covers(key, {}, true);
  return set.Covers(key, range_end, false);
}

}  // namespace cairn::auth

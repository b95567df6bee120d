// Transparent hash for std::string-keyed unordered maps, so lookups by std::string_view build no
// std::string (use with std::equal_to<>).
#pragma once

#include <cstddef>
#include <functional>
#include <string_view>

namespace cairn::auth {

struct StringViewHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

}  // namespace cairn::auth

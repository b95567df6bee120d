// Concat: one string from many pieces, with one allocation (error messages built in loops).
#ifndef CAIRN_K8S_CONCAT_H_
#define CAIRN_K8S_CONCAT_H_

#include <initializer_list>
#include <string>
#include <string_view>

namespace cairn::k8s {

inline std::string Concat(std::initializer_list<std::string_view> parts) {
  size_t n = 0;
  for (std::string_view p : parts) n += p.size();
  std::string out;
  out.reserve(n);
  for (std::string_view p : parts) out.append(p);
  return out;
}

}  // namespace cairn::k8s

#endif  // CAIRN_K8S_CONCAT_H_

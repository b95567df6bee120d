#include "server/etcdserver/go_json.h"

#include "server/logging/field.h"

namespace cairn::etcdserver {

void AppendGoJsonString(std::string* out, std::string_view s) {
  logging::AppendJsonString(out, s, logging::JsonEscape::kGoEncodingJson);
}

void AppendGoJsonStrings(std::string* out, const std::vector<std::string>& values) {
  out->push_back('[');
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendGoJsonString(out, values[i]);
  }
  out->push_back(']');
}

}  // namespace cairn::etcdserver

#include "certs/flag_set.h"

namespace cairn::certs {

Status FlagSet::Parse(int argc, char** argv, int first, std::vector<std::string>* args) {
  for (int i = first; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--") {
      for (++i; i < argc; ++i) args->emplace_back(argv[i]);
      break;
    }
    if (a.size() < 2 || a[0] != '-') {
      args->emplace_back(a);
      continue;
    }
    std::string_view body = a.substr(a[1] == '-' ? 2 : 1);
    std::string_view value;
    const size_t eq = body.find('=');
    const bool has_value = eq != std::string_view::npos;
    if (has_value) {
      value = body.substr(eq + 1);
      body = body.substr(0, eq);
    }
    auto it = flags_.find(body);
    if (it == flags_.end())
      return Status::InvalidArgument("flag provided but not defined: -" + std::string(body));
    seen_[std::string(body)] = true;
    if (it->second.boolean != nullptr) {
      if (!has_value || value == "true" || value == "1" || value == "t" || value == "TRUE" ||
          value == "True") {
        *it->second.boolean = true;
      } else if (value == "false" || value == "0" || value == "f" || value == "FALSE" || value == "False") {
        *it->second.boolean = false;
      } else {
        return Status::InvalidArgument("invalid boolean value \"" + std::string(value) + "\" for -" +
                                       std::string(body));
      }
      continue;
    }
    if (!has_value) {
      if (i + 1 >= argc) return Status::InvalidArgument("flag needs an argument: -" + std::string(body));
      value = argv[++i];
    }
    if (it->second.list != nullptr) {
      while (!value.empty()) {
        const size_t comma = value.find(',');
        it->second.list->emplace_back(value.substr(0, comma));
        if (comma == std::string_view::npos) break;
        value.remove_prefix(comma + 1);
      }
      continue;
    }
    *it->second.str = std::string(value);
  }
  return Status::Ok();
}

}  // namespace cairn::certs

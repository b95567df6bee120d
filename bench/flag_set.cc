#include "bench/flag_set.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>

namespace cairn::bench {
namespace {

Status ParseInt(const std::string& name, const std::string& value, int64_t* out) {
  if (value.empty()) return Status::InvalidArgument("invalid argument \"\" for \"--" + name + "\"");
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(value.c_str(), &end, 0);
  if (errno != 0 || end == nullptr || *end != '\0') {
    return Status::InvalidArgument("invalid argument \"" + value + "\" for \"--" + name + "\"");
  }
  *out = v;
  return Status::Ok();
}

Status ParseBool(const std::string& name, const std::string& value, bool* out) {
  // Go's strconv.ParseBool.
  if (value == "1" || value == "t" || value == "T" || value == "true" || value == "TRUE" || value == "True") {
    *out = true;
  } else if (value == "0" || value == "f" || value == "F" || value == "false" || value == "FALSE" ||
             value == "False") {
    *out = false;
  } else {
    return Status::InvalidArgument("invalid argument \"" + value + "\" for \"--" + name + "\"");
  }
  return Status::Ok();
}

std::string GoLikeDouble(double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%g", v);
  return buf;
}

}  // namespace

Status ParseGoDuration(const std::string& text, int64_t* nanoseconds) {
  Status invalid = Status::InvalidArgument("time: invalid duration \"" + text + "\"");
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
    negative = text[i] == '-';
    i++;
  }
  if (text.substr(i) == "0") {
    *nanoseconds = 0;
    return Status::Ok();
  }
  if (i == text.size()) return invalid;
  long double total = 0;
  while (i < text.size()) {
    const size_t number_start = i;
    while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) i++;
    if (i == number_start) return invalid;
    const std::string number = text.substr(number_start, i - number_start);
    if (number == ".") return invalid;
    const size_t unit_start = i;
    while (i < text.size() && !((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) i++;
    const std::string unit = text.substr(unit_start, i - unit_start);
    long double scale = 0;
    if (unit == "ns") {
      scale = 1;
    } else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") {
      scale = 1e3;
    } else if (unit == "ms") {
      scale = 1e6;
    } else if (unit == "s") {
      scale = 1e9;
    } else if (unit == "m") {
      scale = 60e9;
    } else if (unit == "h") {
      scale = 3600e9;
    } else {
      return unit.empty() ? Status::InvalidArgument("time: missing unit in duration \"" + text + "\"")
                          : Status::InvalidArgument(std::string("time: unknown unit \"")
                                                        .append(unit)
                                                        .append("\" in duration \"")
                                                        .append(text)
                                                        .append("\""));
    }
    total += std::strtold(number.c_str(), nullptr) * scale;
  }
  if (total > 9.2e18L) return invalid;
  *nanoseconds = static_cast<int64_t>(std::llround(static_cast<double>(negative ? -total : total)));
  return Status::Ok();
}

void FlagSet::Bool(const std::string& name, bool* target, const std::string& help) {
  flags_[name] = {true, help, *target ? "true" : "false",
                  [name, target](const std::string& v) { return ParseBool(name, v, target); }};
}

void FlagSet::Int(const std::string& name, int64_t* target, const std::string& help) {
  flags_[name] = {false, help, std::to_string(*target),
                  [name, target](const std::string& v) { return ParseInt(name, v, target); }};
}

void FlagSet::Uint(const std::string& name, uint64_t* target, const std::string& help) {
  flags_[name] = {false, help, std::to_string(*target), [name, target](const std::string& v) {
                    errno = 0;
                    char* end = nullptr;
                    const unsigned long long parsed = std::strtoull(v.c_str(), &end, 0);
                    if (v.empty() || v[0] == '-' || errno != 0 || *end != '\0') {
                      return Status::InvalidArgument("invalid argument \"" + v + "\" for \"--" + name + "\"");
                    }
                    *target = parsed;
                    return Status::Ok();
                  }};
}

void FlagSet::Double(const std::string& name, double* target, const std::string& help) {
  flags_[name] = {false, help, GoLikeDouble(*target), [name, target](const std::string& v) {
                    errno = 0;
                    char* end = nullptr;
                    const double parsed = std::strtod(v.c_str(), &end);
                    if (v.empty() || errno != 0 || *end != '\0') {
                      return Status::InvalidArgument("invalid argument \"" + v + "\" for \"--" + name + "\"");
                    }
                    *target = parsed;
                    return Status::Ok();
                  }};
}

void FlagSet::String(const std::string& name, std::string* target, const std::string& help) {
  flags_[name] = {false, help, "\"" + *target + "\"", [target](const std::string& v) {
                    *target = v;
                    return Status::Ok();
                  }};
}

void FlagSet::StringSlice(const std::string& name, std::vector<std::string>* target,
                          const std::string& help) {
  std::string def = "[";
  for (size_t i = 0; i < target->size(); i++) def += (i ? "," : "") + (*target)[i];
  def += "]";
  auto replaced = std::make_shared<bool>(false);
  flags_[name] = {false, help, def, [target, replaced](const std::string& v) {
                    if (!*replaced) target->clear();
                    *replaced = true;
                    size_t start = 0;
                    while (start <= v.size()) {
                      const size_t comma = v.find(',', start);
                      const std::string item =
                          v.substr(start, comma == std::string::npos ? comma : comma - start);
                      if (!item.empty()) target->push_back(item);
                      if (comma == std::string::npos) break;
                      start = comma + 1;
                    }
                    return Status::Ok();
                  }};
}

void FlagSet::Duration(const std::string& name, int64_t* target_ns, const std::string& help) {
  flags_[name] = {false, help, std::to_string(*target_ns) + "ns", [name, target_ns](const std::string& v) {
                    Status s = ParseGoDuration(v, target_ns);
                    if (!s.ok()) {
                      return Status::InvalidArgument("invalid argument \"" + v + "\" for \"--" + name +
                                                     "\": " + s.message());
                    }
                    return Status::Ok();
                  }};
}

Status FlagSet::Set(const std::string& name, const std::string& value) {
  auto it = flags_.find(name);
  if (it == flags_.end()) return Status::InvalidArgument("unknown flag: --" + name);
  return it->second.set(value);
}

Status FlagSet::Parse(const std::vector<std::string>& args, std::vector<std::string>* positional) {
  for (size_t i = 0; i < args.size(); i++) {
    const std::string& arg = args[i];
    if (arg == "--") {
      positional->insert(positional->end(), args.begin() + i + 1, args.end());
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      positional->push_back(arg);
      continue;
    }
    std::string body = arg.substr(arg[1] == '-' ? 2 : 1);
    const size_t eq = body.find('=');
    const std::string name = body.substr(0, eq);
    auto it = flags_.find(name);
    if (it == flags_.end()) return Status::InvalidArgument("unknown flag: --" + name);
    if (eq != std::string::npos) {
      CAIRN_RETURN_IF_ERROR(it->second.set(body.substr(eq + 1)));
    } else if (it->second.is_bool) {
      CAIRN_RETURN_IF_ERROR(it->second.set("true"));
    } else {
      if (i + 1 >= args.size()) return Status::InvalidArgument("flag needs an argument: --" + name);
      CAIRN_RETURN_IF_ERROR(it->second.set(args[++i]));
    }
  }
  return Status::Ok();
}

std::string FlagSet::Usage() const {
  std::string s;
  for (const auto& [name, flag] : flags_) {
    s += "      --" + name + "\t" + flag.help + " (default " + flag.default_text + ")\n";
  }
  return s;
}

}  // namespace cairn::bench

#include "ctl/flags.h"

#include <chrono>

#include "server/flags/go_values.h"

namespace cairn::ctl {
namespace {

std::string Quote(const std::string& s) { return "\"" + s + "\""; }

std::string JoinSlice(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + v[i];
  return out + "]";
}

// pflag's stringSlice: comma-separated (CSV without quotes handling beyond the simple case).
std::vector<std::string> SplitComma(const std::string& s) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  size_t start = 0;
  for (;;) {
    const size_t comma = s.find(',', start);
    out.push_back(s.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

void FlagSet::Bool(const std::string& name, bool* v, bool def, const std::string& usage, char shorthand) {
  *v = def;
  flags_.push_back({name, shorthand, Kind::kBool, usage, def ? "true" : "false", v});
}
void FlagSet::String(const std::string& name, std::string* v, const std::string& def,
                     const std::string& usage, char shorthand) {
  *v = def;
  flags_.push_back({name, shorthand, Kind::kString, usage, def, v});
}
void FlagSet::Int(const std::string& name, int64_t* v, int64_t def, const std::string& usage) {
  *v = def;
  flags_.push_back({name, 0, Kind::kInt, usage, std::to_string(def), v});
}
void FlagSet::Uint(const std::string& name, uint64_t* v, uint64_t def, const std::string& usage) {
  *v = def;
  flags_.push_back({name, 0, Kind::kUint, usage, std::to_string(def), v});
}
void FlagSet::Duration(const std::string& name, int64_t* ns, int64_t def_ns, const std::string& usage) {
  *ns = def_ns;
  flags_.push_back(
      {name, 0, Kind::kDuration, usage, flags::GoDurationString(std::chrono::nanoseconds(def_ns)), ns});
}
void FlagSet::StringSlice(const std::string& name, std::vector<std::string>* v,
                          const std::vector<std::string>& def, const std::string& usage) {
  *v = def;
  flags_.push_back({name, 0, Kind::kStringSlice, usage, JoinSlice(def), v});
}

FlagSet::Flag* FlagSet::Find(const std::string& name) {
  for (Flag& f : flags_)
    if (f.name == name) return &f;
  return nullptr;
}

FlagSet::Flag* FlagSet::FindShort(char c) {
  for (Flag& f : flags_)
    if (f.shorthand == c) return &f;
  return nullptr;
}

std::string FlagSet::ValueString(const Flag& f) const {
  switch (f.kind) {
    case Kind::kBool: return *static_cast<bool*>(f.target) ? "true" : "false";
    case Kind::kString: return *static_cast<std::string*>(f.target);
    case Kind::kInt: return std::to_string(*static_cast<int64_t*>(f.target));
    case Kind::kUint: return std::to_string(*static_cast<uint64_t*>(f.target));
    case Kind::kDuration:
      return flags::GoDurationString(std::chrono::nanoseconds(*static_cast<int64_t*>(f.target)));
    case Kind::kStringSlice: return JoinSlice(*static_cast<std::vector<std::string>*>(f.target));
  }
  return "";
}

bool FlagSet::Apply(Flag* f, const std::string& value, const std::string& shown, std::string* error) {
  std::string why;
  const std::string prefix = "invalid argument " + Quote(value) + " for " + Quote(shown) + " flag: ";
  switch (f->kind) {
    case Kind::kBool: {
      bool b = false;
      if (!flags::ParseGoBool(value, &b, &why)) {
        return *error = prefix + "strconv.ParseBool: parsing " + Quote(value) + ": invalid syntax", false;
      }
      *static_cast<bool*>(f->target) = b;
      break;
    }
    case Kind::kString: *static_cast<std::string*>(f->target) = value; break;
    case Kind::kInt: {
      int64_t v = 0;
      if (!flags::ParseGoInt(value, 64, &v, &why)) {
        return *error = prefix + "strconv.ParseInt: parsing " + Quote(value) + ": " +
                        (why == "value out of range" ? why : "invalid syntax"),
               false;
      }
      *static_cast<int64_t*>(f->target) = v;
      break;
    }
    case Kind::kUint: {
      uint64_t v = 0;
      if (!flags::ParseGoUint(value, 64, &v, &why)) {
        return *error = prefix + "strconv.ParseUint: parsing " + Quote(value) + ": " +
                        (why == "value out of range" ? why : "invalid syntax"),
               false;
      }
      *static_cast<uint64_t*>(f->target) = v;
      break;
    }
    case Kind::kDuration: {
      std::chrono::nanoseconds d{0};
      if (!flags::ParseGoDuration(value, &d, &why)) {
        return *error = prefix + "time: invalid duration " + Quote(value), false;
      }
      *static_cast<int64_t*>(f->target) = d.count();
      break;
    }
    case Kind::kStringSlice: {
      auto* v = static_cast<std::vector<std::string>*>(f->target);
      if (!f->changed) v->clear();  // the first --flag replaces the default, later ones append
      for (std::string& s : SplitComma(value)) v->push_back(std::move(s));
      break;
    }
  }
  f->changed = true;
  return true;
}

bool FlagSet::Set(const std::string& name, const std::string& value, std::string* error) {
  Flag* f = Find(name);
  if (f == nullptr) return *error = "unknown flag: --" + name, false;
  return Apply(f, value, "--" + name, error);
}

bool FlagSet::Parse(const std::vector<std::string>& args, std::vector<std::string>* positional,
                    std::string* error) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      positional->insert(positional->end(), args.begin() + static_cast<long>(i) + 1, args.end());
      return true;
    }
    if (a.size() < 2 || a[0] != '-') {
      positional->push_back(a);
      continue;
    }
    Flag* f = nullptr;
    std::string value;
    bool has_value = false;
    std::string shown;
    if (a[1] == '-') {
      std::string body = a.substr(2);
      const size_t eq = body.find('=');
      if (eq != std::string::npos) {
        value = body.substr(eq + 1), has_value = true;
        body.resize(eq);
      }
      f = Find(body);
      shown = "--" + body;
      if (f == nullptr) return *error = "unknown flag: " + shown, false;
    } else {
      f = FindShort(a[1]);
      if (f == nullptr) return *error = std::string("unknown shorthand flag: '") + a[1] + "' in " + a, false;
      shown = "-" + std::string(1, a[1]);
      if (a.size() > 2) value = a.substr(a[2] == '=' ? 3 : 2), has_value = true;
    }
    if (f->kind == Kind::kBool) {
      if (!Apply(f, has_value ? value : "true", shown, error)) return false;
      continue;
    }
    if (!has_value) {
      if (i + 1 >= args.size()) {
        return *error = "flag needs an argument: " +
                        (a[1] == '-' ? shown : "'" + std::string(1, a[1]) + "' in " + shown),
               false;
      }
      value = args[++i];
    }
    if (!Apply(f, value, shown, error)) return false;
  }
  return true;
}

}  // namespace cairn::ctl

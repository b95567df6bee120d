// A pflag-compatible flag set for etcdctl's command lines (github.com/spf13/pflag as cobra uses
// it): --name=value, --name value, -x value, -xvalue, booleans as --name or --name=false,
// flags anywhere among the arguments, "--" ends flags. Errors carry pflag's text
// ("unknown flag: --foo", "flag needs an argument: --rev", "invalid argument \"x\" for
// \"--rev\" flag: strconv.ParseInt: parsing \"x\": invalid syntax").
//
// Thread-safety: none needed (one per process).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace cairn::ctl {

class FlagSet {
 public:
  enum class Kind { kBool, kString, kInt, kUint, kDuration, kStringSlice };

  struct Flag {
    std::string name;
    char shorthand = 0;
    Kind kind = Kind::kString;
    std::string usage;
    std::string default_text;  // as pflag prints it (--debug)
    void* target = nullptr;    // bool* / std::string* / int64_t* / uint64_t* / int64_t ns* / vector*
    bool changed = false;
  };

  void Bool(const std::string& name, bool* v, bool def, const std::string& usage, char shorthand = 0);
  void String(const std::string& name, std::string* v, const std::string& def, const std::string& usage,
              char shorthand = 0);
  void Int(const std::string& name, int64_t* v, int64_t def, const std::string& usage);
  void Uint(const std::string& name, uint64_t* v, uint64_t def, const std::string& usage);
  void Duration(const std::string& name, int64_t* ns, int64_t def_ns, const std::string& usage);
  void StringSlice(const std::string& name, std::vector<std::string>* v, const std::vector<std::string>& def,
                   const std::string& usage);

  // Parses args; non-flag arguments go to *positional. False with *error set on a bad flag.
  bool Parse(const std::vector<std::string>& args, std::vector<std::string>* positional, std::string* error);
  // Sets a flag from text (used for ETCDCTL_* variables); false with *error.
  bool Set(const std::string& name, const std::string& value, std::string* error);

  Flag* Find(const std::string& name);
  bool Changed(const std::string& name) { return Find(name) != nullptr && Find(name)->changed; }
  // The flag's current value as pflag's Value.String() prints it ("[127.0.0.1:2379]", "2s").
  std::string ValueString(const Flag& f) const;
  std::vector<Flag>& flags() { return flags_; }

 private:
  Flag* FindShort(char c);
  bool Apply(Flag* f, const std::string& value, const std::string& shown, std::string* error);
  std::vector<Flag> flags_;
};

}  // namespace cairn::ctl

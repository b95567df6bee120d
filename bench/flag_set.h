// A small command-line flag parser with pflag/cobra semantics, enough for etcd benchmark's
// flags: "--name=value", "--name value", boolean "--name" / "--name=false", string slices
// ("--endpoints=a,b"; the first use replaces the default, later uses append) and Go durations
// ("5m", "1.5s", "300ms"). Flags may appear before or after positional arguments; "--" ends flags.
//
// Not thread-safe; used once at start-up.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"

namespace cairn::bench {

// Parses a Go time.ParseDuration string into nanoseconds ("0", "1h2m3.5s", "-300ms", "2us").
Status ParseGoDuration(const std::string& text, int64_t* nanoseconds);

class FlagSet {
 public:
  void Bool(const std::string& name, bool* target, const std::string& help);
  void Int(const std::string& name, int64_t* target, const std::string& help);
  void Uint(const std::string& name, uint64_t* target, const std::string& help);
  void Double(const std::string& name, double* target, const std::string& help);
  void String(const std::string& name, std::string* target, const std::string& help);
  void StringSlice(const std::string& name, std::vector<std::string>* target, const std::string& help);
  void Duration(const std::string& name, int64_t* target_ns, const std::string& help);

  // Parses args (without the program/subcommand names); non-flag arguments go to *positional.
  // Unknown flags and malformed values are InvalidArgument errors naming the flag.
  Status Parse(const std::vector<std::string>& args, std::vector<std::string>* positional);

  // "  --name\thelp (default ...)" lines, sorted by name.
  std::string Usage() const;

 private:
  struct Flag {
    bool is_bool = false;
    std::string help;
    std::string default_text;
    std::function<Status(const std::string&)> set;
  };
  Status Set(const std::string& name, const std::string& value);
  std::map<std::string, Flag> flags_;
};

}  // namespace cairn::bench

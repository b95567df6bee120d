// FlagSet: the command-line syntax cfssl (Go's flag) and kubeadm (pflag) share: -name or --name,
// a value as "=value" or as the next argument, booleans bare or as =true/=false; "--" ends flags;
// "-" alone is an argument (stdin). Flags and arguments may be interleaved.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace cairn::certs {

class FlagSet {
 public:
  void String(std::string name, std::string* target) { flags_[std::move(name)] = {target, nullptr}; }
  void Bool(std::string name, bool* target) { flags_[std::move(name)] = {nullptr, target}; }
  // pflag's StringSlice: comma-separated values; a repeated flag appends.
  void List(std::string name, std::vector<std::string>* target) {
    flags_[std::move(name)] = {nullptr, nullptr, target};
  }
  // Names given on the command line, for "was it set?" questions.
  bool Seen(const std::string& name) const { return seen_.count(name) != 0; }

  // Parses argv[first..argc). Errors: Go's "flag provided but not defined: -x", "flag needs an
  // argument: -x", "invalid boolean value \"v\" for -x".
  Status Parse(int argc, char** argv, int first, std::vector<std::string>* args);

 private:
  struct Target {
    std::string* str;
    bool* boolean;
    std::vector<std::string>* list = nullptr;
  };
  std::map<std::string, Target, std::less<>> flags_;
  std::map<std::string, bool, std::less<>> seen_;
};

}  // namespace cairn::certs

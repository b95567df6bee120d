// HelpText and UsageText: etcd's help layout, listing only what is true of Cairn.
#include <string>

#include "server/flags/flag_table.h"
#include "server/flags/parse.h"

namespace cairn::flags {

std::string UsageText() {
  return "Usage:\n"
         "\n"
         "  etcd [flags]\n"
         "    Start an etcd server.\n"
         "\n"
         "  etcd --version\n"
         "    Show the version of etcd.\n"
         "\n"
         "  etcd -h | --help\n"
         "    Show the help information about etcd.\n"
         "\n"
         "  etcd --config-file\n"
         "    Path to the server configuration file. Note that if a configuration file is provided, other "
         "command line flags and environment variables will be ignored.\n";
}

std::string HelpText() {
  std::string out = UsageText();
  std::string section;
  for (const FlagSpec& f : AllFlags()) {
    if (f.apply == nullptr) continue;
    if (section != f.section) {
      section = f.section;
      out += "\n" + section + ":\n";
      if (section == "Security")
        out += "  (Cairn does not serve TLS yet: these flags are parsed and validated only.)\n";
    }
    out += "  --" + std::string(f.name) + " '" + f.default_text + "'\n";
    std::string help = f.help;
    size_t start = 0;
    while (start <= help.size()) {
      size_t nl = help.find('\n', start);
      out += "    " + help.substr(start, nl == std::string::npos ? std::string::npos : nl - start) + "\n";
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
  }
  out +=
      "\n"
      "Every flag can also be given as an environment variable: --initial-cluster-token is\n"
      "ETCD_INITIAL_CLUSTER_TOKEN. A flag on the command line and its variable must not both be set.\n"
      "\n"
      "Accepted for compatibility with etcd, without effect in Cairn:\n";
  std::string line = " ";
  for (const FlagSpec& f : AllFlags()) {
    if (f.apply != nullptr) continue;
    std::string item = " --" + std::string(f.name);
    if (line.size() + item.size() > 100) {
      out += line + "\n";
      line = " ";
    }
    line += item;
  }
  out += line + "\n";
  return out;
}

}  // namespace cairn::flags

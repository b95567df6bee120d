#include "server/flags/parse.h"

#include <cctype>
#include <map>
#include <set>

#include "server/flags/flag_table.h"
#include "server/flags/go_values.h"

extern char** environ;

namespace cairn::flags {

namespace {

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// pkg/flags.FlagToEnv: "initial-cluster-token" -> "ETCD_INITIAL_CLUSTER_TOKEN".
std::string FlagToEnv(std::string_view name) {
  std::string key = "ETCD_";
  for (char c : name) key += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return key;
}

ParseResult UsageError(const std::string& error) {
  ParseResult r;
  r.outcome = ParseResult::Outcome::kUsageError;
  r.message = error + "\n" + UsageText();
  return r;
}

ParseResult ConfigError(const std::string& error) {
  ParseResult r;
  r.outcome = ParseResult::Outcome::kConfigError;
  r.message = error;
  return r;
}

// The flags that are not part of the table: they steer parsing itself.
enum class MetaFlag { kNone, kVersion, kConfigFile };

MetaFlag FindMeta(std::string_view name) {
  if (name == "version") return MetaFlag::kVersion;
  if (name == "config-file") return MetaFlag::kConfigFile;
  return MetaFlag::kNone;
}

}  // namespace

Environment ProcessEnvironment() {
  Environment env;
  for (char** e = environ; e != nullptr && *e != nullptr; e++) {
    std::string_view kv = *e;
    size_t eq = kv.find('=');
    if (eq == std::string_view::npos) {
      env.emplace_back(std::string(kv), "");
    } else {
      env.emplace_back(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
    }
  }
  return env;
}

ParseResult ParseServerFlags(const std::vector<std::string>& args, const Environment& env) {
  ServerConfig config;
  std::set<std::string> set_on_command_line;
  bool print_version = false;
  std::string config_file;
  std::vector<std::string> leftover;

  // Step 1: Go's flag.FlagSet.Parse (parseOne), all flags known up front.
  size_t i = 0;
  for (; i < args.size(); i++) {
    const std::string& s = args[i];
    if (s.size() < 2 || s[0] != '-') break;
    size_t minuses = 1;
    if (s[1] == '-') {
      minuses = 2;
      if (s.size() == 2) {  // "--" ends the flags.
        i++;
        break;
      }
    }
    std::string name = s.substr(minuses);
    if (name.empty() || name[0] == '-' || name[0] == '=') return UsageError("bad flag syntax: " + s);
    bool has_value = false;
    std::string value;
    if (size_t eq = name.find('=', 1); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
      has_value = true;
    }
    MetaFlag meta = FindMeta(name);
    const FlagSpec* spec = meta == MetaFlag::kNone ? FindFlag(name) : nullptr;
    if (meta == MetaFlag::kNone && spec == nullptr) {
      if (name == "help" || name == "h") {
        ParseResult r;
        r.outcome = ParseResult::Outcome::kHelp;
        return r;
      }
      return UsageError("flag provided but not defined: -" + name);
    }
    const bool is_bool = meta == MetaFlag::kVersion || (spec != nullptr && spec->kind == FlagKind::kBool);
    if (is_bool) {
      if (!has_value) value = "true";
    } else {
      if (!has_value && i + 1 < args.size()) {
        value = args[++i];
        has_value = true;
      }
      if (!has_value) return UsageError("flag needs an argument: -" + name);
    }
    if (meta == MetaFlag::kVersion) {
      std::string why;
      if (!ParseGoBool(value, &print_version, &why)) {
        std::string msg = "invalid boolean value " + Quote(value);
        msg.append(" for -").append(name).append(": ").append(why);
        return UsageError(msg);
      }
    } else if (meta == MetaFlag::kConfigFile) {
      config_file = value;
    } else {
      Status st = SetFlag(*spec, value, &config);
      if (!st.ok()) {
        if (is_bool)
          return UsageError("invalid boolean value " + Quote(value) + " for -" + name + ": " + st.message());
        return UsageError("invalid value " + Quote(value) + " for flag -" + name + ": " + st.message());
      }
    }
    set_on_command_line.insert(name);
  }
  for (; i < args.size(); i++) leftover.push_back(args[i]);

  // Step 2.
  if (!leftover.empty()) return ConfigError("'" + leftover[0] + "' is not a valid flag");
  if (print_version) {
    ParseResult r;
    r.outcome = ParseResult::Outcome::kVersion;
    return r;
  }

  std::map<std::string, std::string> env_map;
  for (const auto& [k, v] : env) env_map.emplace(k, v);
  std::vector<ParseNote> notes;

  // Step 3: --config-file / ETCD_CONFIG_FILE.
  if (config_file.empty()) {
    if (auto it = env_map.find("ETCD_CONFIG_FILE"); it != env_map.end()) config_file = it->second;
  }
  if (!config_file.empty()) {
    ServerConfig file_config;
    Status st = LoadConfigFile(config_file, &file_config, &notes);
    if (!st.ok() && st.message().rfind(kUrlSetupErrorPrefix, 0) == 0) {
      ParseResult r;
      r.outcome = ParseResult::Outcome::kPrintedError;
      r.message = st.message();
      return r;
    }
    if (!st.ok()) return ConfigError(st.message());
    notes.push_back({"info",
                     "loaded server configuration, other configuration command line flags and environment "
                     "variables will be ignored if provided",
                     {{"path", config_file}}});
    file_config.config_file = config_file;
    if (file_config.data_dir.empty()) {
      notes.push_back(
          {"warn", "'data-dir' was empty; using default", {{"data-dir", file_config.name + ".etcd"}}});
    }
    FinalizeServerConfig(&file_config);
    if (Status vs = ValidateServerConfig(file_config); !vs.ok()) return ConfigError(vs.message());
    ParseResult r;
    r.config = std::move(file_config);
    r.notes = std::move(notes);
    return r;
  }

  // Step 4: ETCD_* variables (pkg/flags.SetFlagsFromEnv + verifyEnv).
  if (auto it = env_map.find("ETCD_VERSION"); it != env_map.end() && !it->second.empty()) {
    notes.push_back({"warn",
                     "cannot set special environment variable",
                     {{"key", "ETCD_VERSION"}, {"value", it->second}}});
  }
  std::set<std::string> used_env;
  std::set<std::string> set_after_env = set_on_command_line;
  for (const FlagSpec& spec : AllFlags()) {
    std::string key = FlagToEnv(spec.name);
    if (set_on_command_line.count(spec.name) != 0) continue;
    auto it = env_map.find(key);
    if (it == env_map.end() || it->second.empty()) continue;
    used_env.insert(key);
    Status st = SetFlag(spec, it->second, &config);
    if (!st.ok())
      return ConfigError("invalid value " + Quote(it->second) + " for " + key + ": " + st.message());
    set_after_env.insert(spec.name);
    notes.push_back({"info",
                     "recognized and used environment variable",
                     {{"variable-name", key}, {"variable-value", it->second}}});
  }
  for (const auto& [key, value] : env) {
    if (used_env.count(key) != 0) continue;
    if (key.rfind("ETCD_", 0) != 0) continue;
    std::string flag_name;
    for (char c : key.substr(5))
      flag_name += c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (set_on_command_line.count(flag_name) != 0 && FlagToEnv(flag_name) == key) {
      ParseResult fatal;
      fatal.outcome = ParseResult::Outcome::kFatal;
      fatal.message = "conflicting environment variable " + Quote(key) +
                      " is shadowed by corresponding command-line flag (either unset environment variable or "
                      "disable flag)";
      fatal.notes = std::move(notes);
      // etcd 3.5's message, including its doubled closing parenthesis.
      fatal.notes.push_back(
          {"fatal",
           "conflicting environment variable is shadowed by corresponding command-line flag "
           "(either unset environment variable or disable flag))",
           {{"environment-variable", key}}});
      return fatal;
    }
    if (key == "ETCD_VERSION" || key == "ETCD_CONFIG_FILE") continue;
    notes.push_back({"warn",
                     "unrecognized environment variable",
                     {{"environment-variable", std::string(key).append("=").append(value)}}});
  }

  // etcd: --listen-client-urls without --advertise-client-urls drops the default advertise URL,
  // which validation then reports.
  if (set_after_env.count("listen-client-urls") != 0 && set_after_env.count("advertise-client-urls") == 0) {
    config.advertise_client_urls.clear();
  }

  // Step 5.
  if (config.data_dir.empty()) {
    notes.push_back({"warn", "'data-dir' was empty; using default", {{"data-dir", config.name + ".etcd"}}});
  }
  FinalizeServerConfig(&config);
  if (Status vs = ValidateServerConfig(config); !vs.ok()) return ConfigError(vs.message());
  ParseResult r;
  r.config = std::move(config);
  r.notes = std::move(notes);
  return r;
}

}  // namespace cairn::flags
